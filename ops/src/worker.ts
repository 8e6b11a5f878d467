import { PostgresBackend } from '@agendajs/postgres-backend';
import type { Logger } from '@cifra/context';
import type { ControlDb, TenantRegistry } from '@cifra/db';
import { Agenda } from 'agenda';
import type { Pool } from 'pg';

/** What a job needs to reach the control plane and any client's books. */
export interface JobDeps {
  control: ControlDb;
  registry: TenantRegistry;
  log: Logger;
}

/**
 * One area's background jobs (batch period operations, FX refresh, …): it defines its Agenda jobs
 * and may schedule recurring ones. Each area exports one of these and the worker registers them all.
 */
export type JobModule = (agenda: Agenda, deps: JobDeps) => void | Promise<void>;

/** Every area's jobs, registered by every worker. */
export const JOB_MODULES: readonly JobModule[] = [];

export interface WorkerOptions {
  /** A pool on the control-plane database; Agenda keeps its `agenda_jobs` table there. */
  pool: Pool;
  deps: JobDeps;
  modules?: readonly JobModule[];
  /** How many jobs run at once across all kinds (the batch and refresh fan-out bound). */
  maxConcurrency?: number;
  /** Polling interval; jobs saved by any process also wake the worker through LISTEN/NOTIFY. */
  processEvery?: string | number;
}

export interface RunningWorker {
  agenda: Agenda;
  /** Stop taking jobs; running jobs are unlocked so another worker picks them up. */
  stop(): Promise<void>;
}

/** The `ops/` worker: Agenda on the control-plane database, running every area's jobs. */
export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const agenda = new Agenda({
    backend: new PostgresBackend({ pool: opts.pool }),
    processEvery: opts.processEvery ?? '5 seconds',
    maxConcurrency: opts.maxConcurrency ?? 8,
    defaultConcurrency: opts.maxConcurrency ?? 8,
  });
  agenda.on('error', (err: unknown) => opts.deps.log.error({ err }, 'job scheduler error'));
  for (const module of opts.modules ?? JOB_MODULES) await module(agenda, opts.deps);
  await agenda.start();
  return { agenda, stop: () => agenda.stop() };
}
