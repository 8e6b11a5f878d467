/**
 * The job worker alone (split mode), the same as `pnpm serve worker`: `CONTROL_DATABASE_URL` and
 * `TENANT_DB_SECRET` name the control plane and the secret the client logins' passwords derive
 * from. Several may run at once; Agenda's row locks share the jobs between them, and a killed
 * worker's jobs are retaken by the others after `JOB_LOCK_LIFETIME_MS`.
 */
import { readEnv } from '../env.ts';
import { serveFromCli } from '../serve.ts';

await serveFromCli('worker', readEnv());
