import {
  backupClient,
  boundedEach,
  drillAll,
  drillBackup,
  dropReplacedDatabases,
  dueDrills,
  expireRestoreRequests,
  sweepDrillDatabases,
} from '@cifra/backups';
import { type Actor, control } from '@cifra/db';
import { and, eq, notExists } from 'drizzle-orm';
import type { JobModule } from '../worker.ts';
import { jobFailed } from './job-failed.ts';

export const DRILL_JOB = 'backups.drill';
export const DRILL_SWEEP_JOB = 'backups.sweep-drills';
export const FIRST_BACKUPS_JOB = 'backups.first';
export const DROP_REPLACED_JOB = 'backups.drop-replaced';
export const DEFAULT_DRILL_EVERY_DAYS = 7;
/** Longer than any round of drills: a second worker never starts the same round meanwhile. */
const DRILL_JOB_LOCK_MS = 6 * 60 * 60 * 1000;
const SCHEDULED: Actor = { userId: null, email: null, reason: 'scheduled restore drill' };
const FIRST: Actor = { userId: null, email: null, reason: 'first backup of a client never backed up' };

/**
 * Restore drills (docs/architecture/backups.md, "Restore drills"), when backups are configured:
 * - every hour, `backups.drill` drills the newest COMPLETE backup of each active client with no
 *   drill in the last `limits.drillEveryDays` days (7 by default; BACKUP_DRILL_EVERY_DAYS, 0 = never),
 *   at most `limits.backupConcurrency` at once (BACKUP_CONCURRENCY, alongside the backups);
 * - `backups.sweep-drills`, at start and every five minutes, drops the scratch database of every
 *   drill whose process is gone;
 * - every hour, `backups.drop-replaced` drops the databases restores in place replaced, once kept
 *   their days (RESTORE_KEEP_REPLACED_DAYS), and marks EXPIRED the restore in place requests left
 *   PENDING longer than RESTORE_REQUEST_EXPIRES_HOURS;
 * - with `limits.firstBackupsOnStart` (what `pnpm start` sets), once at start: every active client
 *   without a COMPLETE backup is backed up and that backup drilled, so a fresh demo is not flagged
 *   NO_VERIFIED_BACKUP until its first night.
 */
export const restoreDrillJobs: JobModule = async (agenda, deps) => {
  const backups = deps.backups;
  if (!backups) return;
  const drillDeps = { ...backups, control: deps.control };
  const concurrency = deps.limits?.backupConcurrency ?? 2;
  const everyDays = deps.limits?.drillEveryDays ?? DEFAULT_DRILL_EVERY_DAYS;
  agenda.define(
    DRILL_SWEEP_JOB,
    async () => {
      const swept = await sweepDrillDatabases(drillDeps);
      if (swept.dropped.length > 0)
        deps.log.warn({ drills: swept.dropped }, 'scratch databases of ended restore drills dropped');
    },
    { concurrency: 1 },
  );
  agenda.define(
    DROP_REPLACED_JOB,
    async () => {
      const now = deps.clock?.() ?? new Date();
      const expired = await expireRestoreRequests(deps.control, { hours: backups.requestExpiresHours, now });
      if (expired.length > 0)
        deps.log.info({ requests: expired.map((r) => r.id) }, 'restore in place requests expired');
      const dropped = await dropReplacedDatabases(drillDeps, now);
      if (dropped.length > 0)
        deps.log.info({ requests: dropped }, 'databases replaced by restores in place dropped');
    },
    { concurrency: 1 },
  );
  await agenda.every('1 hour', DROP_REPLACED_JOB);
  await agenda.every('5 minutes', DRILL_SWEEP_JOB);
  await agenda.now(DRILL_SWEEP_JOB);
  if (everyDays > 0) {
    agenda.define(
      DRILL_JOB,
      async () => {
        const due = await dueDrills(deps.control, deps.clock?.() ?? new Date(), everyDays);
        const results = await drillAll(drillDeps, SCHEDULED, due, concurrency);
        for (const [i, r] of results.entries()) {
          const slug = due[i]?.slug;
          if (r.status === 'rejected')
            jobFailed(deps, { err: r.reason, client: slug }, 'restore drill not run');
          else if (r.value.outcome === 'FAILED')
            deps.log.error(
              { client: slug, backup: r.value.backupId, code: r.value.failureCode },
              'restore drill failed',
            );
        }
      },
      { concurrency: 1, lockLifetime: DRILL_JOB_LOCK_MS },
    );
    await agenda.every('1 hour', DRILL_JOB, undefined, { skipImmediate: true });
  }
  if (deps.limits?.firstBackupsOnStart) {
    agenda.define(
      FIRST_BACKUPS_JOB,
      async () => {
        const never = await deps.control
          .select({ id: control.tenants.id, slug: control.tenants.slug })
          .from(control.tenants)
          .where(
            and(
              eq(control.tenants.status, 'ACTIVE'),
              notExists(
                deps.control
                  .select({ id: control.clientBackups.id })
                  .from(control.clientBackups)
                  .where(
                    and(
                      eq(control.clientBackups.tenantId, control.tenants.id),
                      eq(control.clientBackups.status, 'COMPLETE'),
                    ),
                  ),
              ),
            ),
          );
        await boundedEach(never, concurrency, async (c) => {
          if (deps.stopping?.aborted) return;
          try {
            const backup = await backupClient(drillDeps, FIRST, c.id, { waitForRunning: true });
            await drillBackup(drillDeps, FIRST, backup.id);
          } catch (err) {
            jobFailed(deps, { err, client: c.slug }, 'first backup and drill failed');
          }
        });
      },
      { concurrency: 1, lockLifetime: DRILL_JOB_LOCK_MS, removeOnComplete: true },
    );
    await agenda.now(FIRST_BACKUPS_JOB);
  }
};
