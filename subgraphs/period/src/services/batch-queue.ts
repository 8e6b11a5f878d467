import { PostgresBackend } from '@agendajs/postgres-backend';
import type { pg } from '@cifra/db';
import { Agenda } from 'agenda';

/** The Agenda job that applies one batch item to one client (defined by the ops worker). */
export const BATCH_ITEM_JOB = 'period.batch-item';

export interface BatchItemJobData {
  itemId: string;
}

/** Hands batch items to the job worker. Enqueuing an item twice yields one job (unique on the item). */
export interface BatchQueue {
  enqueue(itemIds: readonly string[]): Promise<void>;
}

const queues = new WeakMap<pg.Pool, Promise<Agenda>>();

async function client(pool: pg.Pool): Promise<Agenda> {
  // Not a worker: this instance only saves jobs. Its own LISTEN connection would pin a pooled
  // connection for the life of the process, so it has none and wakes the workers itself (below).
  // The table comes from control migration 0007 (the services' role cannot create tables).
  const agenda = new Agenda({
    backend: new PostgresBackend({ pool, disableNotifications: true, ensureSchema: false }),
  });
  await agenda.ready;
  return agenda;
}

/**
 * Wake the workers now rather than at their next poll: the payload is the one Agenda's PostgreSQL
 * notification channel publishes on save. Should it ever change, workers still find the job when
 * they poll (`processEvery`); only the latency grows.
 */
async function wake(pool: pg.Pool, jobId: string, nextRunAt: Date | null | undefined): Promise<void> {
  const payload = JSON.stringify({
    jobId,
    jobName: BATCH_ITEM_JOB,
    nextRunAt: (nextRunAt ?? new Date()).toISOString(),
    priority: 0,
    timestamp: new Date().toISOString(),
    source: 'period-subgraph',
  });
  await pool.query(`SELECT pg_notify('agenda_jobs', $1)`, [payload]);
}

/**
 * Save one job per item on `agenda`, at most one per item ever (insert-only unique on the item),
 * due now. Returns the saved jobs so a caller without notifications can wake the workers.
 */
export async function saveBatchItemJobs(agenda: Agenda, itemIds: readonly string[]) {
  const saved = [];
  for (let i = 0; i < itemIds.length; i += 16) {
    saved.push(
      ...(await Promise.all(
        itemIds
          .slice(i, i + 16)
          .map((itemId) =>
            agenda
              .create<BatchItemJobData>(BATCH_ITEM_JOB, { itemId })
              .unique({ 'data.itemId': itemId }, { insertOnly: true })
              .schedule(new Date())
              .save(),
          ),
      )),
    );
  }
  return saved;
}

/**
 * The queue on the control-plane database (Agenda's `agenda_jobs` table). Any process may enqueue:
 * the subgraph that starts a batch, or a worker re-enqueuing on recovery.
 */
export function agendaBatchQueue(pool: pg.Pool): BatchQueue {
  return {
    async enqueue(itemIds) {
      let agenda = queues.get(pool);
      if (!agenda) {
        agenda = client(pool);
        queues.set(pool, agenda);
        agenda.catch(() => queues.delete(pool));
      }
      for (const job of await saveBatchItemJobs(await agenda, itemIds)) {
        if (job.attrs._id) await wake(pool, String(job.attrs._id), job.attrs.nextRunAt);
      }
    },
  };
}
