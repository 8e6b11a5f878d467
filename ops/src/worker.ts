import type { EventEmitter } from 'node:events';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type { BackupDeps } from '@cifra/backups';
import type { Logger } from '@cifra/context';
import type { ControlDb, FanOutOptions, TenantRegistry } from '@cifra/db';
import type { ProviderRegistry } from '@cifra/subgraph-fx';
import { endSpan, type ServiceTracing } from '@cifra/tracing';
import { Agenda, type Job } from 'agenda';
import type { Pool } from 'pg';
import { backupJobs } from './jobs/backups.jobs.ts';
import { chainCheckpointJobs } from './jobs/chain-checkpoint.ts';
import { closeBoardJobs } from './jobs/close-board.ts';
import { fxRefreshJobs } from './jobs/fx-refresh.jobs.ts';
import { periodBatchJobs } from './jobs/period-batch.ts';
import { recurringEntryJobs } from './jobs/recurring-entries.jobs.ts';

/** What a job needs to reach the control plane and any client's books. */
export interface JobDeps {
  control: ControlDb;
  registry: TenantRegistry;
  log: Logger;
  /**
   * The `${NAME}` secrets the tenant directory's server URLs name: with a server's admin password,
   * the close board's sweep reads that server's statistics and asks only the clients whose books
   * moved; without it, every client every minute.
   */
  secrets?: Readonly<Record<string, string | undefined>>;
  /** Per-area limits; each module reads its own and falls back to its default. */
  limits?: JobLimits;
  /** The configured FX rate providers; none when absent (the launcher configures the ECB daily file). */
  fxProviders?: ProviderRegistry;
  /** The clock jobs read (tests inject one); the system clock when absent. */
  clock?: () => Date;
  /**
   * Aborted when the worker stops (the worker sets it). A job that goes through many clients takes
   * no further one once it is; one it had started fails as the pools close under it, and that
   * failure is logged as cut short (`jobFailed`), not as the client's: the job runs again later.
   */
  stopping?: AbortSignal;
  /** The backup store, keys and servers' secrets; without them no backup job runs. */
  /** With the hours a restore in place request waits before it expires (RESTORE_REQUEST_EXPIRES_HOURS). */
  backups?: (Omit<BackupDeps, 'control'> & { requestExpiresHours?: number | undefined }) | null;
}

export interface JobLimits {
  /** Batch period operations: clients transitioned at once by one worker. */
  periodBatchConcurrency?: number;
  /** Batch period operations: attempts at a client that cannot be reached before its item fails (4). */
  periodBatchUnavailableAttempts?: number;
  /** Scheduled client backups run at once by one worker (BACKUP_CONCURRENCY). */
  backupConcurrency?: number;
  /** Days between restore drills of each client (BACKUP_DRILL_EVERY_DAYS, 7 by default; 0: none). */
  drillEveryDays?: number;
  /** Back up and drill, once at start, every active client never backed up (`pnpm start`). */
  firstBackupsOnStart?: boolean;
  /** The close board's projector: clients read at once and the per-client timeout (the firm views' fan-out). */
  closeBoardFanOut?: Partial<FanOutOptions>;
  /** How often the close board's projector looks for clients that announced a change. */
  closeBoardPollMs?: number;
  /** Clients the close board's projector reads at once (default 4, at most the fan-out's concurrency). */
  closeBoardProjectorConcurrency?: number;
}

/**
 * One area's background jobs (batch period operations, FX refresh, …): it defines its Agenda jobs
 * and may schedule recurring ones. Each area exports one of these and the worker registers them all.
 * An area running work of its own beside Agenda (the close board's projector) returns how to stop it.
 */
export type JobModule = (agenda: Agenda, deps: JobDeps) => void | Promise<void | (() => Promise<void>)>;

/** Every area's jobs, registered by every worker. */
export const JOB_MODULES: readonly JobModule[] = [
  periodBatchJobs,
  fxRefreshJobs,
  chainCheckpointJobs,
  backupJobs,
  closeBoardJobs,
  recurringEntryJobs,
];

export interface WorkerOptions {
  /** A pool on the control-plane database; Agenda keeps its `agenda_jobs` table there. */
  pool: Pool;
  deps: JobDeps;
  modules?: readonly JobModule[];
  /** How many jobs run at once across all kinds (the batch and refresh fan-out bound). */
  maxConcurrency?: number;
  /** Polling interval; jobs saved by any process also wake the worker through LISTEN/NOTIFY. */
  processEvery?: string | number;
  /**
   * How long a job taken by a worker stays locked to it. A worker killed mid-job leaves its jobs
   * locked: another worker retakes them once this expires (at its next poll). Agenda's own default
   * is 10 minutes; ours is 60 s, because every job here is short and the ones that change books are
   * exactly-once on their own (a batch item is guarded by its row lock and the client's audit
   * trail), so an early retake costs a wait, never a double transition.
   */
  lockLifetimeMs?: number;
  /** Traces: each job run is a span of the worker's service. */
  tracing?: ServiceTracing;
  /**
   * How long `stop()` waits for the jobs already running to finish what they hold (a batch item, a
   * client's backup) before it returns and the pools close: 10 s by default.
   */
  stopWaitMs?: number;
}

export interface RunningWorker {
  agenda: Agenda;
  /**
   * Stop: `JobDeps.stopping` is aborted, no further job is taken and those not started are
   * unlocked for another worker; the jobs running are given `stopWaitMs` to finish what they hold.
   */
  stop(): Promise<void>;
}

export const DEFAULT_LOCK_LIFETIME_MS = 60_000;

/** The `ops/` worker: Agenda on the control-plane database, running every area's jobs. */
export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  // The table is created by control migration 0007: the services' role may not create or alter it.
  const backend = new PostgresBackend({ pool: opts.pool, ensureSchema: false });
  // The LISTEN connection emits 'error' when it drops (a database restart, or PostgreSQL shutting
  // down on Ctrl-C) and reconnects by itself; with no listener that error would end the process.
  (backend.notificationChannel as unknown as EventEmitter | undefined)?.on('error', (err: unknown) =>
    opts.deps.log.warn({ err }, 'job notifications lost their connection; reconnecting'),
  );
  const agenda = new Agenda({
    backend,
    processEvery: opts.processEvery ?? '5 seconds',
    maxConcurrency: opts.maxConcurrency ?? 8,
    defaultConcurrency: opts.maxConcurrency ?? 8,
    defaultLockLifetime: opts.lockLifetimeMs ?? DEFAULT_LOCK_LIFETIME_MS,
  });
  agenda.on('error', (err: unknown) => opts.deps.log.error({ err }, 'job scheduler error'));
  if (opts.tracing) traceJobs(agenda, opts.tracing);
  const stopping = new AbortController();
  const deps: JobDeps = { ...opts.deps, stopping: stopping.signal };
  const running = runningJobs(agenda);
  const stoppers: (() => Promise<void>)[] = [];
  for (const module of opts.modules ?? JOB_MODULES) {
    const stop = await module(agenda, deps);
    if (stop) stoppers.push(stop);
  }
  await agenda.start();
  return {
    agenda,
    stop: async () => {
      stopping.abort();
      for (const stop of stoppers) await stop();
      await agenda.stop();
      const left = await running.settled(opts.stopWaitMs ?? DEFAULT_STOP_WAIT_MS);
      if (left.length > 0) {
        opts.deps.log.warn(
          { jobs: left },
          'jobs still running as the worker stops: what they had not recorded is retaken once their locks expire',
        );
      }
    },
  };
}

export const DEFAULT_STOP_WAIT_MS = 10_000;

/**
 * The jobs this worker is running, and a wait for them to finish. Agenda's `stop()` takes no
 * further job and unlocks those not started, but returns while the started ones still run; the
 * pools closed right after would fail them midway (a batch item, a client's backup).
 */
function runningJobs(agenda: Agenda) {
  const running = new Set<Job>();
  agenda.on('start', (job: Job) => running.add(job));
  agenda.on('complete', (job: Job) => running.delete(job));
  return {
    /** Resolves once none runs or `ms` have passed, with the names of those still running. */
    settled: (ms: number) =>
      new Promise<string[]>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          agenda.off('complete', check);
          resolve([...running].map((j) => j.attrs.name));
        };
        const check = () => {
          if (running.size === 0) done();
        };
        const timer = setTimeout(done, ms);
        agenda.on('complete', check);
        check();
      }),
  };
}

/**
 * Every job defined on `agenda` from now on runs in a span of its own (`job <name>`): when and how
 * long, and how it ended. Its statements are not spans of it (the jobs take the shared pools).
 */
function traceJobs(agenda: Agenda, tracing: ServiceTracing): void {
  const define = agenda.define.bind(agenda) as (
    name: string,
    run: (job: Job) => Promise<void>,
    o?: object,
  ) => void;
  const traced = (name: string, run: (job: Job) => Promise<void>, options?: object) =>
    define(
      name,
      // One parameter, as the job modules' own: Agenda treats a two-parameter processor as callback-style.
      (job: Job) => {
        const { span } = tracing.internalSpan(`job ${name}`, { 'cifra.job': name });
        return run(job).then(
          () => endSpan(span, 'OK'),
          (err: unknown) => {
            endSpan(span, (err as { code?: unknown }).code?.toString() ?? 'ERROR');
            throw err;
          },
        );
      },
      options,
    );
  agenda.define = traced as typeof agenda.define;
}
