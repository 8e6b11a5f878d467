import {
  BATCH_ITEM_JOB,
  type BatchItemJobData,
  clientPeriodPort,
  runBatchItem,
} from '@cifra/subgraph-period';
import { backoffStrategies } from 'agenda';
import type { JobModule } from '../worker.ts';

export const DEFAULT_PERIOD_BATCH_CONCURRENCY = 4;

/**
 * Batch period operations: one job per client item. `concurrency` bounds how many clients one worker
 * transitions at once (each holds a control-plane connection for its item's row lock and a tenant
 * connection). A job only throws when the control plane itself fails; Agenda then retries it.
 */
export const periodBatchJobs: JobModule = (agenda, deps) => {
  const concurrency = deps.limits?.periodBatchConcurrency ?? DEFAULT_PERIOD_BATCH_CONCURRENCY;
  agenda.define<BatchItemJobData>(
    BATCH_ITEM_JOB,
    async (job) => {
      await runBatchItem(
        { control: deps.control, registry: deps.registry, port: clientPeriodPort },
        job.attrs.data.itemId,
      );
    },
    {
      concurrency,
      lockLimit: concurrency,
      backoff: backoffStrategies.exponential({ delay: 1_000, maxRetries: 5 }),
      removeOnComplete: true,
    },
  );
};
