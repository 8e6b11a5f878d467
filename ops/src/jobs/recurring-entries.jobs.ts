import { type Actor, announceClientChanges, control } from '@cifra/db';
import { type ClientRun, runForClient } from '@cifra/subgraph-ledger';
import { and, eq, isNull } from 'drizzle-orm';
import type { JobDeps, JobModule } from '../worker.ts';
import { jobFailed } from './job-failed.ts';

export const RECURRING_DISPATCH_JOB = 'recurring.dispatch';
export const RECURRING_CLIENT_JOB = 'recurring.client';
const WORKER: Actor = { userId: null, email: null, reason: 'recurring entries and scheduled reversals' };

/**
 * Recurring journal entries and scheduled reversals (docs/architecture/posting.md, "Recurring and
 * reversing entries"). Every hour a dispatcher queues one `recurring.client` job per active,
 * unarchived client; each posts the reversals due by the client's today and makes the recurring
 * occurrences due by then. Running twice makes nothing twice: an occurrence is claimed under its
 * unique key and a reversal under the unique `reverses_entry_id`, so the hour is only how soon.
 */
export const recurringEntryJobs: JobModule = async (agenda, deps) => {
  agenda.define<{ tenantId: string }>(
    RECURRING_CLIENT_JOB,
    async (job) => {
      try {
        await runRecurringForClient(deps, job.attrs.data.tenantId);
      } catch (err) {
        // A client whose database does not answer waits for the next hour; the others go on.
        jobFailed(deps, { err, tenantId: job.attrs.data.tenantId }, 'recurring entries run failed');
      }
    },
    { concurrency: 2, removeOnComplete: true },
  );
  agenda.define(
    RECURRING_DISPATCH_JOB,
    async () => {
      for (const tenantId of await activeClients(deps)) await agenda.now(RECURRING_CLIENT_JOB, { tenantId });
    },
    { concurrency: 1 },
  );
  // Not at start: the first pass comes an hour after a worker starts (a restart loses at most that).
  await agenda.every('1 hour', RECURRING_DISPATCH_JOB, undefined, { skipImmediate: true });
};

async function activeClients(deps: JobDeps): Promise<string[]> {
  const rows = await deps.control
    .select({ id: control.tenants.id })
    .from(control.tenants)
    .where(and(eq(control.tenants.status, 'ACTIVE'), isNull(control.tenants.archivedAt)));
  return rows.map((r) => r.id);
}

/** One client's pass, as the job runs it (tests call it with their own clock). */
export async function runRecurringForClient(deps: JobDeps, tenantId: string): Promise<ClientRun> {
  const now = (deps.clock ?? (() => new Date()))();
  const db = await deps.registry.db(tenantId);
  const run = await runForClient(db, deps.control, tenantId, WORKER, now);
  const refused = run.recurring.refused.length + run.reversals.refused.length;
  const made = run.recurring.made.length + run.reversals.posted.length;
  // Drafts made and reversals posted move the close board (its checklist), as a mutation's would:
  // the projector reads the client within a second instead of at the next minute's sweep.
  if (made > 0)
    await announceClientChanges(deps.control, [tenantId]).catch((err: unknown) =>
      deps.log.warn({ err, tenantId }, 'close board announcement failed; the sweep will find the change'),
    );
  if (made + refused > 0) {
    deps.log[refused > 0 ? 'warn' : 'info'](
      {
        tenantId,
        made: run.recurring.made.length,
        reversed: run.reversals.posted.length,
        refused: [...run.recurring.refused, ...run.reversals.refused].map((r) =>
          'refusalCode' in r ? r.refusalCode : r.code,
        ),
      },
      'recurring entries and scheduled reversals',
    );
  }
  return run;
}
