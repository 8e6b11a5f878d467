import { backupClient, dispatchDueBackups, pruneBackups, sweepInterruptedBackups } from '@cifra/backups';
import type { Actor } from '@cifra/db';
import type { JobModule } from '../worker.ts';
import { jobFailed } from './job-failed.ts';
import { restoreDrillJobs } from './restore-drills.jobs.ts';

export const BACKUP_SWEEP_JOB = 'backups.sweep-interrupted';
export const BACKUP_DISPATCH_JOB = 'backups.dispatch';
export const BACKUP_CLIENT_JOB = 'backups.client';
export const BACKUP_PRUNE_JOB = 'backups.prune';
export const DEFAULT_BACKUP_CONCURRENCY = 2;
/**
 * How long a client's backup job stays locked to the worker running it: longer than any backup
 * takes, so another worker never starts a second backup of the client meanwhile. A worker killed
 * mid-backup leaves the job locked that long; its backup is swept INTERRUPTED at once and the
 * client is backed up again at its next scheduled time.
 */
const BACKUP_JOB_LOCK_MS = 6 * 60 * 60 * 1000;
const SCHEDULED: Actor = { userId: null, email: null, reason: 'scheduled backup' };

/**
 * Client backups (docs/architecture/backups.md), when a store and key are configured
 * (`deps.backups`):
 * - every minute a dispatcher queues a `backups.client` job for each client whose daily backup time
 *   (`backupLocalTime` in its own time zone) has come (`dispatchDueBackups`);
 * - `backups.client` backs one client up; at most `limits.backupConcurrency` run at once per worker
 *   (BACKUP_CONCURRENCY, 2 by default), each holding one tenant connection for its snapshot;
 * - a sweep marks RUNNING backups whose owner is gone INTERRUPTED and removes their partial files:
 *   when a worker starts, and every five minutes;
 * - every hour retention prunes what each client's policy no longer keeps (`pruneBackups`: never
 *   the newest, the newest verified, or anything of a client under legal hold).
 */
export const backupJobs: JobModule = async (agenda, deps) => {
  const backups = deps.backups;
  if (!backups) return;
  const concurrency = deps.limits?.backupConcurrency ?? DEFAULT_BACKUP_CONCURRENCY;
  agenda.define<{ tenantId: string }>(
    BACKUP_CLIENT_JOB,
    async (job) => {
      try {
        await backupClient({ ...backups, control: deps.control }, SCHEDULED, job.attrs.data.tenantId);
      } catch (err) {
        // The FAILED record says why; tomorrow's run tries again.
        jobFailed(deps, { err, tenantId: job.attrs.data.tenantId }, 'scheduled backup failed');
      }
    },
    { concurrency, lockLimit: concurrency, lockLifetime: BACKUP_JOB_LOCK_MS, removeOnComplete: true },
  );
  agenda.define(
    BACKUP_DISPATCH_JOB,
    async () => {
      await dispatchDueBackups({
        control: deps.control,
        now: deps.clock,
        enqueue: async (tenantId) => void (await agenda.now(BACKUP_CLIENT_JOB, { tenantId })),
      });
    },
    { concurrency: 1 },
  );
  agenda.define(
    BACKUP_SWEEP_JOB,
    async () => {
      const swept = await sweepInterruptedBackups({ control: deps.control, store: backups.store });
      if (swept.interrupted.length > 0)
        deps.log.warn(
          { backups: swept.interrupted },
          'interrupted backups marked and their partial files removed',
        );
    },
    { concurrency: 1 },
  );
  agenda.define(
    BACKUP_PRUNE_JOB,
    async () => {
      const pruned = await pruneBackups({ control: deps.control, store: backups.store, now: deps.clock });
      if (pruned.pruned.length > 0)
        deps.log.info({ backups: pruned.pruned.length }, 'backups pruned by retention');
    },
    { concurrency: 1 },
  );
  await agenda.every('1 minute', BACKUP_DISPATCH_JOB);
  await agenda.every('1 hour', BACKUP_PRUNE_JOB);
  await agenda.every('5 minutes', BACKUP_SWEEP_JOB);
  await agenda.now(BACKUP_SWEEP_JOB);
  // Restore drills and their sweep (restore-drills.jobs.ts).
  await restoreDrillJobs(agenda, deps);
};
