import { performance } from 'node:perf_hooks';
import {
  type ControlDb,
  control,
  ensureInvestigatorLogin,
  INVESTIGATOR_SECRET,
  migrateTenantDatabase,
  resolveSecrets,
  withDatabase,
} from '@cifra/db';
import { asc, eq } from 'drizzle-orm';

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
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Migrate every client database listed in the control plane, a few at a time, as the owner (the
 * server's admin URL). A client that fails is reported with its error and the others go on; the
 * caller decides what a failure means (`pnpm migrate` exits non-zero). Results are in slug order.
 */
export async function migrateAllTenants(opts: MigrateAllOptions): Promise<TenantMigrationResult[]> {
  const rows = await opts.control
    .select({
      slug: control.tenants.slug,
      databaseName: control.tenants.databaseName,
      status: control.tenants.status,
      adminUrl: control.dbServers.adminUrl,
    })
    .from(control.tenants)
    .innerJoin(control.dbServers, eq(control.dbServers.id, control.tenants.serverId))
    .orderBy(asc(control.tenants.slug));
  const results: TenantMigrationResult[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < rows.length; i = next++) {
      const row = rows[i]!;
      const started = performance.now();
      const done = (status: TenantMigrationResult['status'], error?: string) => {
        const result = { slug: row.slug, databaseName: row.databaseName, status, error, ms: 0 };
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
        await migrateTenantDatabase(withDatabase(adminUrl, row.databaseName));
        // The investigator login is (re)made here too: for clients from before it existed, and
        // with the current secret after a rotation.
        const secret = opts.secrets[INVESTIGATOR_SECRET];
        if (secret) await ensureInvestigatorLogin(adminUrl, row.databaseName, secret);
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
