/**
 * The FX refresh fan-out for 500 clients (the five demo clients plus `CREATE DATABASE … TEMPLATE`
 * copies of one provisioned client), all due at once, refreshed by the real job worker: the
 * dispatcher job queues one Agenda job per client on the control-plane database, each job fetches
 * (through the shared snapshot cache) from a local ECB-format server, crosses the rates and
 * appends them to the client's history. Size: BENCH_FX_CLIENTS.
 */
import { performance } from 'node:perf_hooks';
import { control } from '@cifra/db';
import { createProviders } from '@cifra/subgraph-fx';
import { isNotNull, sql } from 'drizzle-orm';
import { cloneClients } from '../support/clients.ts';
import { ecbStandIn } from './firm-ops.ts';
import { type BenchRow, defineBench, ms } from './harness.ts';

export default defineBench({
  name: 'fx-refresh',
  title: 'FX refresh fan-out (Agenda worker, every client due at once)',
  async run(ctx) {
    const CLIENTS = ctx.size('fx_clients', 500);
    const ecb = await ecbStandIn(ctx);
    const { stack, controlUrl } = await ctx.stack({
      jobs: { processEveryMs: 200 },
      fxProviders: createProviders({ ecbUrl: ecb.url }),
    });
    const db = stack.control.db;
    const agenda = stack.worker!.agenda;

    async function untilAll(predicate: () => Promise<number>, total: number): Promise<void> {
      for (;;) {
        if ((await predicate()) >= total) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const planned = async () =>
      (await db.select({ n: sql<number>`count(*)::int` }).from(control.fxRefreshStatus))[0]!.n;
    const refreshed = async () =>
      (
        await db
          .select({ n: sql<number>`count(*)::int` })
          .from(control.fxRefreshStatus)
          .where(isNotNull(control.fxRefreshStatus.lastSuccessAt))
      )[0]!.n;

    const t0 = performance.now();
    await cloneClients(stack, controlUrl, 'panaderia-valle', CLIENTS - 5, 'fx');
    const cloneMs = performance.now() - t0;

    // The dispatcher plans every client's next local run.
    const t1 = performance.now();
    await agenda.now('fx.dispatch-refresh');
    await untilAll(planned, CLIENTS);
    const planMs = performance.now() - t1;

    // Worst case: every client due at the same instant.
    await db.update(control.fxRefreshStatus).set({ nextRunAt: new Date(Date.now() - 60_000) });
    let maxConnections = 0;
    const sampler = setInterval(() => {
      maxConnections = Math.max(maxConnections, stack.registry.stats().connections);
    }, 20);
    const t2 = performance.now();
    await agenda.now('fx.dispatch-refresh');
    await untilAll(refreshed, CLIENTS);
    const fanOutMs = performance.now() - t2;
    clearInterval(sampler);
    const failed = (
      await db
        .select({ n: sql<number>`count(*)::int` })
        .from(control.fxRefreshStatus)
        .where(sql`${control.fxRefreshStatus.lastError} IS NOT NULL`)
    )[0]!.n;

    return [
      {
        measure: `make ${CLIENTS - 5} clients by TEMPLATE`,
        result: `${(cloneMs / 1000).toFixed(1)} s`,
        note: `${(cloneMs / (CLIENTS - 5)).toFixed(0)} ms/client (set-up, not the product)`,
      },
      {
        measure: `dispatcher: plan ${CLIENTS} clients`,
        result: ms(planMs),
        note: `${(planMs / CLIENTS).toFixed(2)} ms/client, including one worker poll`,
      },
      {
        measure: `refresh fan-out, ${CLIENTS} clients due at once`,
        result: `${(fanOutMs / 1000).toFixed(1)} s`,
        note: `${(CLIENTS / (fanOutMs / 1000)).toFixed(1)} clients/s`,
      },
      {
        measure: 'provider requests',
        result: `${ecb.hits()}`,
        note: `for ${CLIENTS} clients (snapshot cache)`,
      },
      {
        measure: 'peak tenant connections',
        result: `${maxConnections}`,
        note: 'registry bound: 50 pools × 4',
      },
      { measure: 'clients with an error', result: `${failed}` },
    ] satisfies BenchRow[];
  },
});
