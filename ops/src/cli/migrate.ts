/**
 * `pnpm migrate`: migrate the control plane, then every client database it lists (a few at a time),
 * and report each client. Uses the embedded server under DATA_DIR unless DATABASE_URL names a
 * server, exactly as `pnpm start` does (stop `pnpm start` first: one process owns DATA_DIR's server).
 * Then it brings each server's template for new clients up to date and drops stale ones.
 * Exits 1 when any client (or a server's template) failed; the others are migrated all the same.
 */
import { createLogger } from '@cifra/context';
import { openControlPlane } from '../database-server.ts';
import { readEnv } from '../env.ts';
import { migrateAllTenants, refreshTenantTemplates, type TenantMigrationResult } from '../migrate-all.ts';
import { failedCommand } from './operator-args.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);

// A refused environment or a control plane that does not open is one line, as any failure here.
await migrate().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => failedCommand('migrate', err),
);

/** Migrate everything; the exit code (1 when a client or a server's template failed). */
async function migrate(): Promise<number> {
  const env = readEnv();
  const log = createLogger('cifra-migrate', env.LOG_LEVEL);

  // The services' passwords are (re)set here: cifra_control_app's, and every client login's,
  // derived from the secrets the services are configured with.
  const opened = await openControlPlane({
    dataDir: env.dataDir,
    databaseUrl: env.DATABASE_URL,
    log,
    controlAppPassword: env.CONTROL_APP_DB_PASSWORD,
  });
  let results: TenantMigrationResult[] = [];
  let templateFailures = 0;
  try {
    out('control plane  migrated');
    results = await migrateAllTenants({
      control: opened.control.db,
      secrets: opened.serviceSecrets(env.secrets),
      concurrency: env.MIGRATE_CONCURRENCY,
      onResult: (r) =>
        out(`${r.slug.padEnd(40)} ${r.status.padEnd(9)}${r.error ? ` ${r.error}` : ` ${r.ms} ms`}`),
    });
    for (const t of await refreshTenantTemplates({
      control: opened.control.db,
      secrets: opened.serviceSecrets(env.secrets),
    })) {
      if (t.error) templateFailures++;
      out(
        `server ${t.server}: ${t.error ? `template FAILED ${t.error}` : `template ${t.template}`}${t.dropped.length ? `, dropped ${t.dropped.join(', ')}` : ''}`,
      );
    }
  } finally {
    await opened.close();
  }
  const count = (status: TenantMigrationResult['status']) =>
    results.filter((r) => r.status === status).length;
  out(
    `\n${results.length} clients: ${count('migrated')} migrated, ${count('failed')} failed, ${count('skipped')} skipped`,
  );
  for (const r of results.filter((x) => x.status === 'failed')) out(`  FAILED ${r.slug}: ${r.error}`);
  return count('failed') || templateFailures ? 1 : 0;
}
