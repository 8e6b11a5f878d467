import {
  BATCH_ITEM_JOB,
  type BatchItemJobData,
  BatchItemRetry,
  clientPeriodPort,
  runBatchItem,
  saveBatchItemJobs,
  sweepStrandedBatchItems,
  UNAVAILABLE_ATTEMPTS,
} from '@cifra/subgraph-period';
import { backoffStrategies } from 'agenda';
import type { JobModule } from '../worker.ts';

export const DEFAULT_PERIOD_BATCH_CONCURRENCY = 4;
export const PERIOD_BATCH_SWEEP_JOB = 'period.batch-sweep';

/**
 * Batch period operations: one job per client item. `concurrency` bounds how many clients one worker
 * transitions at once (each holds a control-plane connection for its item's row lock and a tenant
 * connection). A job throws when the control plane itself fails, or when the client's books could
 * not be reached and the item has attempts left (`BatchItemRetry`); Agenda then retries it after
 * 1 s, 2 s, 4 s … (the item's last attempt records FAILED `TENANT_UNAVAILABLE` instead).
 * Every minute a sweep queues the items of running batches that never got their job (the process
 * that saved the batch died before queueing them).
 */
export const periodBatchJobs: JobModule = async (agenda, deps) => {
  const concurrency = deps.limits?.periodBatchConcurrency ?? DEFAULT_PERIOD_BATCH_CONCURRENCY;
  const unavailableAttempts = deps.limits?.periodBatchUnavailableAttempts ?? UNAVAILABLE_ATTEMPTS;
  agenda.define<BatchItemJobData>(
    BATCH_ITEM_JOB,
    async (job) => {
      try {
        await runBatchItem(
          {
            control: deps.control,
            registry: deps.registry,
            port: clientPeriodPort,
            stopping: deps.stopping,
            unavailableAttempts,
          },
          job.attrs.data.itemId,
        );
      } catch (err) {
        if (err instanceof BatchItemRetry) {
          const { itemId, tenantId, attempt, of, reason } = err;
          deps.log.warn(
            { itemId, tenantId, attempt, of, reason },
            'batch item: client unavailable, retrying',
          );
        }
        throw err;
      }
    },
    {
      concurrency,
      lockLimit: concurrency,
      // Runs enough for every attempt at a client that cannot be reached (1 s, 2 s, 4 s … up to a
      // minute apart): an item whose job gave up would stay RUNNING, its job kept as failed.
      backoff: backoffStrategies.exponential({
        delay: 1_000,
        maxDelay: 60_000,
        maxRetries: Math.max(5, unavailableAttempts - 1),
      }),
      removeOnComplete: true,
    },
  );
  agenda.define(
    PERIOD_BATCH_SWEEP_JOB,
    async () => {
      const queued = await sweepStrandedBatchItems({
        control: deps.control,
        queue: { enqueue: async (ids) => void (await saveBatchItemJobs(agenda, ids)) },
        now: deps.clock,
      });
      if (queued.length > 0) deps.log.info({ items: queued.length }, 'queued unfinished batch items');
    },
    { concurrency: 1 },
  );
  await agenda.every('1 minute', PERIOD_BATCH_SWEEP_JOB);
};
