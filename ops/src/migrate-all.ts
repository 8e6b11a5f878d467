import { performance } from 'node:perf_hooks';
import {
  type Actor,
  type ControlDb,
  control,
  dropStaleTenantTemplates,
  ensureClientLogins,
  ensureTenantTemplate,
  isOpaqueDatabaseName,
  migrateTenantDatabase,
  resolveSecrets,
  TENANT_DB_SECRET,
  withDatabase,
} from '@cifra/db';
import { asc, eq, sql } from 'drizzle-orm';
import { renameToOpaqueName } from './database-rename.ts';

export interface TenantMigrationResult {
  slug: string;
  databaseName: string;
  /** `skipped`: a client still PROVISIONING (its provisioning migrates it, or a retry cleans it up). */
  status: 'migrated' | 'failed' | 'skipped';
  error?: string;
  ms: number;
}

export interface MigrateAllOptions {
  control: ControlDb;
  /** Values for `${NAME}` placeholders in server URLs. */
  secrets: Readonly<Record<string, string | undefined>>;
  /** Client databases migrated at once (default 4). */
  concurrency?: number;
  /** Called as each client finishes, for progress output. */
  onResult?: (result: TenantMigrationResult) => void;
  /** Who runs the migration, for the firm trail of renamed databases. */
  operator?: Actor;
  /**
   * Only the clients still on the shared login (a database named from its slug, or a rename under
   * way): what `pnpm start` upgrades without visiting every client on each start.
   */
  legacyOnly?: boolean;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Migrate every client database listed in the control plane, a few at a time, as the owner (the
 * server's admin URL), and bring each to the per-client login scheme (docs/adr/0003): a database
 * still named from its slug is renamed to an opaque name, and the client's application and
 * investigator logins are (re)made with passwords derived from the current secrets — so this is
 * also how a secret is rotated. A client that fails is reported with its error and the others go
 * on; the caller decides what a failure means (`pnpm migrate` exits non-zero). Results are in
 * slug order.
 */
export async function migrateAllTenants(opts: MigrateAllOptions): Promise<TenantMigrationResult[]> {
  const appSecret = opts.secrets[TENANT_DB_SECRET];
  if (!appSecret) throw new Error(`migrating clients needs ${TENANT_DB_SECRET}`);
  const operator: Actor = opts.operator ?? {
    userId: null,
    email: 'operator@pnpm-migrate',
    reason: 'pnpm migrate',
  };
  const rows = await opts.control
    .select({
      id: control.tenants.id,
      firmId: control.tenants.firmId,
      // A deleted sandbox is reported by the slug it had, not its tombstone.
      slug: sql<string>`coalesce(${control.tenants.deletedSlug}, ${control.tenants.slug})`,
      databaseName: control.tenants.databaseName,
      previousDatabaseName: control.tenants.previousDatabaseName,
      status: control.tenants.status,
      archivedAt: control.tenants.archivedAt,
      adminUrl: control.dbServers.adminUrl,
    })
    .from(control.tenants)
    .innerJoin(control.dbServers, eq(control.dbServers.id, control.tenants.serverId))
    .orderBy(asc(control.tenants.slug))
    .then((all) =>
      opts.legacyOnly
        ? all.filter((r) => r.previousDatabaseName !== null || !isOpaqueDatabaseName(r.databaseName))
        : all,
    );
  const results: TenantMigrationResult[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < rows.length; i = next++) {
      const row = rows[i]!;
      const started = performance.now();
      let databaseName = row.databaseName;
      const done = (status: TenantMigrationResult['status'], error?: string) => {
        const result = { slug: row.slug, databaseName, status, error, ms: 0 };
        result.ms = Math.round(performance.now() - started);
        results[i] = result;
        opts.onResult?.(result);
      };
      if (row.status === 'PROVISIONING') {
        done('skipped', 'still provisioning (or interrupted: the next attempt with this slug cleans it up)');
        continue;
      }
      if (row.status === 'DELETED') {
        done('skipped', 'a deleted sandbox: its database is gone');
        continue;
      }
      try {
        const adminUrl = resolveSecrets(row.adminUrl, opts.secrets);
        databaseName = await renameToOpaqueName(opts.control, operator, adminUrl, row);
        await migrateTenantDatabase(withDatabase(adminUrl, databaseName), {
          archived: row.archivedAt !== null,
        });
        // The logins are (re)made here too: for clients from before they existed, and with the
        // current secrets after a rotation.
        await ensureClientLogins(adminUrl, databaseName, appSecret, opts.secrets);
        done('migrated');
      } catch (err) {
        done('failed', message(err));
      }
    }
  };
  const workers = Math.max(1, Math.min(opts.concurrency ?? 4, rows.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

export interface TemplateRefresh {
  server: string;
  template?: string;
  dropped: string[];
  error?: string;
}

/**
 * Bring each registered server's tenant template to the current migrations (new clients are
 * copies of it: packages/db/src/tenant-template.ts) and drop the stale ones — with the services
 * stopped, as `pnpm migrate` runs, since a service of an older release could still copy one.
 */
export async function refreshTenantTemplates(
  opts: Pick<MigrateAllOptions, 'control' | 'secrets'>,
): Promise<TemplateRefresh[]> {
  const servers = await opts.control.select().from(control.dbServers).orderBy(asc(control.dbServers.name));
  const results: TemplateRefresh[] = [];
  for (const server of servers) {
    try {
      const adminUrl = resolveSecrets(server.adminUrl, opts.secrets);
      const template = await ensureTenantTemplate(adminUrl);
      results.push({
        server: server.name,
        template,
        dropped: await dropStaleTenantTemplates(adminUrl, template),
      });
    } catch (err) {
      results.push({ server: server.name, dropped: [], error: message(err) });
    }
  }
  return results;
}
