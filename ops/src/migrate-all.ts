import { performance } from 'node:perf_hooks';
import {
  type Actor,
  type ControlDb,
  control,
  ensureAppLogin,
  ensureInvestigatorLogin,
  INVESTIGATOR_SECRET,
  isOpaqueDatabaseName,
  migrateTenantDatabase,
  resolveSecrets,
  TENANT_DB_SECRET,
  withDatabase,
} from '@cifra/db';
import { asc, eq } from 'drizzle-orm';
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
      slug: control.tenants.slug,
      databaseName: control.tenants.databaseName,
      previousDatabaseName: control.tenants.previousDatabaseName,
      status: control.tenants.status,
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
      try {
        const adminUrl = resolveSecrets(row.adminUrl, opts.secrets);
        databaseName = await renameToOpaqueName(opts.control, operator, adminUrl, row);
        await migrateTenantDatabase(withDatabase(adminUrl, databaseName));
        // The logins are (re)made here too: for clients from before they existed, and with the
        // current secrets after a rotation.
        await ensureAppLogin(adminUrl, databaseName, appSecret);
        const secret = opts.secrets[INVESTIGATOR_SECRET];
        if (secret) await ensureInvestigatorLogin(adminUrl, databaseName, secret);
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
