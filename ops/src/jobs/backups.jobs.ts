import { sweepInterruptedBackups } from '@cifra/backups';
import type { JobModule } from '../worker.ts';

export const BACKUP_SWEEP_JOB = 'backups.sweep-interrupted';

/**
 * Client backups (docs/architecture/backups.md). A sweep marks every RUNNING backup whose owner
 * lock is free INTERRUPTED and removes its partial files: once when a worker starts (a process
 * killed mid-backup is usually followed by a restart) and every five minutes. Nothing runs without
 * a configured store and key (`deps.backups`).
 */
export const backupJobs: JobModule = async (agenda, deps) => {
  const backups = deps.backups;
  if (!backups) return;
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
  await agenda.every('5 minutes', BACKUP_SWEEP_JOB);
  await agenda.now(BACKUP_SWEEP_JOB);
};
