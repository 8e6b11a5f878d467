/**
 * The firm's view: the close board at 10 and at 200 clients, and a 100-client batch close
 * (LOCK_SALES) run by the job worker — through the gateway, with a real token. Clients beyond the
 * five demo clients are `CREATE DATABASE … TEMPLATE` copies of one provisioned client. The ratio
 * compares sizes measured side by side in this one run.
 * Sizes: BENCH_BOARD_RUNS, BENCH_BOARD_CONCURRENCY (the close board's fan-out), BENCH_BATCH_CONCURRENCY
 * (the worker's batch jobs at once).
 */
import { performance } from 'node:perf_hooks';
import { signLocalToken } from '@cifra/gateway';
import { gql } from '../support/client.ts';
import { cloneClients } from '../support/clients.ts';
import { type BenchRow, defineBench, median, ms, ratio } from './harness.ts';

const YEAR = new Date().getUTCFullYear();
const BOARD = `query($y: Int!, $m: Int!) { closeBoard(year: $y, month: $m) {
  unavailableCount clientsConnection(first: 500) { edges { node { client { slug } availability periodState stage
  lastTransition { at } } } } } }`;

export default defineBench({
  name: 'firm-view',
  title: 'Firm view: close board and batch close through the gateway',
  async run(ctx) {
    const BOARD_RUNS = ctx.size('board_runs', 7);
    const BOARD_CONCURRENCY = ctx.size('board_concurrency', 16);
    const BATCH_CONCURRENCY = ctx.size('batch_concurrency', 8);
    const { stack, controlUrl } = await ctx.stack({
      fanOut: { concurrency: BOARD_CONCURRENCY, timeoutMs: 10_000 },
      jobs: { processEveryMs: 500, periodBatchConcurrency: BATCH_CONCURRENCY },
    });
    const call = gql(stack.gatewayUrl, await signLocalToken(stack.authPrivateJwk, 'senior@demo.firm'));

    async function boardMs(
      expected: number,
    ): Promise<{ first: number; median: number; connections: number }> {
      const times: number[] = [];
      let connections = 0;
      for (let i = 0; i < BOARD_RUNS; i++) {
        const t0 = performance.now();
        const r = await call<{
          closeBoard: { clientsConnection: { edges: unknown[] }; unavailableCount: number };
        }>(BOARD, {
          y: YEAR,
          m: 3,
        });
        times.push(performance.now() - t0);
        if (
          r.errors ||
          r.data!.closeBoard.clientsConnection.edges.length !== expected ||
          r.data!.closeBoard.unavailableCount !== 0
        ) {
          throw new Error(`close board answered wrongly: ${JSON.stringify(r.errors ?? r.data)}`);
        }
        connections = Math.max(connections, stack.registry.stats().connections);
      }
      return { first: times[0] as number, median: median(times.slice(1)), connections };
    }

    const rows: BenchRow[] = [];
    await cloneClients(stack, controlUrl, 'panaderia-valle', 5, 'b10');
    const at10 = await boardMs(10);
    await cloneClients(stack, controlUrl, 'panaderia-valle', 190, 'b200');
    const at200 = await boardMs(200);
    rows.push(
      {
        measure: 'closeBoard, 10 clients',
        result: ms(at10.median),
        note: `${(at10.median / 10).toFixed(2)} ms/client; first (cold) ${ms(at10.first)}; median of ${BOARD_RUNS - 1} warm runs`,
      },
      {
        measure: 'closeBoard, 200 clients',
        result: ms(at200.median),
        note: `${(at200.median / 200).toFixed(2)} ms/client; first (cold) ${ms(at200.first)}; at most ${at200.connections} tenant connections`,
      },
      {
        measure: 'ratio 200 / 10 clients',
        result: ratio(at200.median / at10.median),
        note: `for 20× the clients; fan-out concurrency ${BOARD_CONCURRENCY}`,
      },
    );

    // A 100-client batch: LOCK_SALES for March on the first hundred clients (by name).
    const tenants = await call<{ tenantsConnection: { edges: { node: { slug: string } }[] } }>(
      '{ tenantsConnection(first: 100) { edges { node { slug } } } }',
    );
    const hundred = tenants.data!.tenantsConnection.edges.map((e) => e.node.slug);
    const t0 = performance.now();
    const start = await call<{ startBatchPeriodOperation: { id: string } }>(
      `mutation($i: StartBatchPeriodOperationInput!) { startBatchPeriodOperation(input: $i) { id } }`,
      { i: { tenants: hundred, year: YEAR, month: 3, action: 'LOCK_SALES' } },
    );
    if (start.errors) throw new Error(JSON.stringify(start.errors));
    const accepted = performance.now() - t0;
    let done: { counts: Record<string, number> } | undefined;
    for (;;) {
      const r = await call<{ batchOperation: { status: string; counts: Record<string, number> } }>(
        `query($id: ID!) { batchOperation(id: $id) { status counts { done failed skipped } } }`,
        { id: start.data!.startBatchPeriodOperation.id },
      );
      if (r.data!.batchOperation.status === 'FINISHED') {
        done = r.data!.batchOperation;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const total = performance.now() - t0;
    if (done.counts.done !== 100)
      throw new Error(`batch did not finish cleanly: ${JSON.stringify(done.counts)}`);
    rows.push({
      measure: 'batch LOCK_SALES, 100 clients',
      result: ms(total),
      note: `${(100 / (total / 1000)).toFixed(1)} clients/s; accepted in ${ms(accepted)}; worker concurrency ${BATCH_CONCURRENCY}`,
    });
    return rows;
  },
});
