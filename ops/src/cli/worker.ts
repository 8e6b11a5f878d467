/**
 * The job worker alone (split mode): `CONTROL_DATABASE_URL` and `TENANT_APP_DB_PASSWORD` name the
 * control plane and the application role's password on the client servers. Several may run at once;
 * Agenda's row locks share the jobs between them, and a killed worker's jobs are retaken by the
 * others after `JOB_LOCK_LIFETIME_MS`.
 */
import { createLogger } from '@cifra/context';
import { controlDb, pg, TenantRegistry } from '@cifra/db';
import { createProviders } from '@cifra/subgraph-fx';
import { readEnv } from '../env.ts';
import { startWorker } from '../worker.ts';

const env = readEnv();
const log = createLogger('cifra-worker', env.LOG_LEVEL);
if (!env.CONTROL_DATABASE_URL || !env.TENANT_APP_DB_PASSWORD) {
  log.fatal('CONTROL_DATABASE_URL and TENANT_APP_DB_PASSWORD are required');
  process.exit(2);
}
const pool = new pg.Pool({
  connectionString: env.CONTROL_DATABASE_URL,
  max: 10,
  application_name: 'cifra-worker',
});
pool.on('error', (err) => log.error({ err }, 'control-plane connection error'));
const control = controlDb(pool);
const registry = new TenantRegistry({
  control,
  appPassword: env.TENANT_APP_DB_PASSWORD,
  secrets: env.secrets,
});
const worker = await startWorker({
  pool,
  deps: {
    control,
    registry,
    log,
    limits: { periodBatchConcurrency: env.BATCH_CONCURRENCY },
    fxProviders: createProviders({ ecbUrl: env.FX_ECB_URL, json: env.FX_JSON_PROVIDERS }),
  },
  processEvery: env.JOB_PROCESS_EVERY_MS,
  lockLifetimeMs: env.JOB_LOCK_LIFETIME_MS,
});
log.info({ pid: process.pid }, 'worker started');
process.stdout.write('worker ready\n');

const stop = async () => {
  await worker.stop();
  await registry.close();
  await pool.end();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
