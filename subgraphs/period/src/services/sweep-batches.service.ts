import { type ControlDb, control } from '@cifra/db';
import { and, eq, inArray, lt } from 'drizzle-orm';
import type { BatchQueue } from './batch-queue.ts';

/** How long a batch item may wait unqueued before the sweeper queues it. */
export const STRANDED_AFTER_MS = 60_000;

/**
 * Queue again the unfinished items of running batches older than `strandedAfterMs`. A batch is
 * saved first and its items queued after it commits, so a process that dies in between leaves
 * items no job will ever run; so does a queue that was unreachable. Queueing is unique per item
 * (an item with a job keeps its one job) and running an item is exactly-once on its own, so the
 * sweep is harmless to items that were never stranded. Returns the items it (re)queued.
 */
export async function sweepStrandedBatchItems(
  deps: { control: ControlDb; queue: BatchQueue; now?: () => Date },
  strandedAfterMs = STRANDED_AFTER_MS,
): Promise<string[]> {
  const cutoff = new Date((deps.now?.() ?? new Date()).getTime() - strandedAfterMs);
  const rows = await deps.control
    .select({ id: control.periodBatchItems.id })
    .from(control.periodBatchItems)
    .innerJoin(control.periodBatches, eq(control.periodBatches.id, control.periodBatchItems.batchId))
    .where(
      and(
        eq(control.periodBatches.status, 'RUNNING'),
        lt(control.periodBatches.createdAt, cutoff),
        inArray(control.periodBatchItems.status, ['PENDING', 'RUNNING']),
      ),
    );
  const ids = rows.map((r) => r.id);
  if (ids.length > 0) await deps.queue.enqueue(ids);
  return ids;
}
