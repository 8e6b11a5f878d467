import { dispatchDueRefreshes, fxRetryDelayMs, refreshClient, SnapshotCache } from '@cifra/subgraph-fx';
import type { JobModule } from '../worker.ts';

export const FX_DISPATCH_JOB = 'fx.dispatch-refresh';
export const FX_REFRESH_JOB = 'fx.refresh-client';

/**
 * The daily FX refresh as Agenda jobs on the control-plane database. A dispatcher job runs every
 * minute and queues one `fx.refresh-client` job per client whose local refresh time has come
 * (dispatchDueRefreshes). Each client's job is independent: a provider outage fails that job alone,
 * which Agenda retries with exponential backoff (fxRetryDelayMs) while every other client's job
 * runs; the status it leaves is what `fxRefreshStatus` shows.
 */
export const fxRefreshJobs: JobModule = async (agenda, deps) => {
  const now = deps.clock ?? (() => new Date());
  const refresh = {
    control: deps.control,
    registry: deps.registry,
    // Without configured providers nothing is fetched (tests never reach the internet); the
    // launcher configures them from the environment.
    providers: deps.fxProviders ?? new Map(),
    cache: new SnapshotCache(now),
    now,
    log: deps.log,
  };
  agenda.define<{ tenantId: string }>(
    FX_REFRESH_JOB,
    async (job) => {
      await refreshClient(refresh, job.attrs.data.tenantId, { attempt: (job.attrs.failCount ?? 0) + 1 });
    },
    { backoff: (ctx) => fxRetryDelayMs(ctx.attempt), concurrency: 4 },
  );
  agenda.define(
    FX_DISPATCH_JOB,
    async () => {
      await dispatchDueRefreshes({
        control: deps.control,
        now,
        enqueue: async (tenantId) => {
          await agenda.now(FX_REFRESH_JOB, { tenantId });
        },
      });
    },
    { concurrency: 1 },
  );
  await agenda.every('1 minute', FX_DISPATCH_JOB);
};
