import type { JobDeps } from '../worker.ts';

/**
 * A job's failure on one client, logged as `msg` at warn — or, once the worker is stopping, at
 * info as cut short by the stop: the pools closing under a job still running is the shutdown's
 * doing, not the client's, and the job runs again (its next round, or the next start).
 */
export function jobFailed(deps: Pick<JobDeps, 'log' | 'stopping'>, fields: object, msg: string): void {
  if (deps.stopping?.aborted) deps.log.info(fields, `${msg}: cut short by the worker stopping`);
  else deps.log.warn(fields, msg);
}
