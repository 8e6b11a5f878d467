/**
 * The firm's view: the close board at 10, 200 and 1,500 clients (read from the control plane's read
 * model), how soon a client's change shows on it, and a 100-client batch close (LOCK_SALES) run by
 * the job worker — through the gateway, with a real token. Clients beyond the five demo clients are
 * `CREATE DATABASE … TEMPLATE` copies of one provisioned client; each size is first read once
 * (clients not yet in the read model are read from their databases on first sight), then timed
 * warm. The ratios compare sizes measured side by side in this one run.
 * Each board is timed whole: every page of `clientsConnection` (BENCH_BOARD_PAGE a page, 500, the
 * most it answers), one after the other, as a screen showing every client reads it.
 * Sizes: BENCH_BOARD_RUNS, BENCH_BOARD_MID and BENCH_BOARD_CLIENTS (the boards after 10: 200 and 1,500), BENCH_BOARD_PAGE, BENCH_BOARD_CONCURRENCY
 * (the fan-out), BENCH_BATCH_CONCURRENCY (the worker's batch jobs at once), BENCH_FRESHNESS_RUNS.
 * At the largest size it also reports where a page's time goes (`boardBreakdown`), and with
 * BENCH_PROFILE_DIR set writes a CPU profile of this process (gateway, subgraphs and worker all run
 * in it) over that size's timed boards.
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_FAN_OUT } from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import { behindCount, clientPeriodPort, SweepMemory, sweepClientChanges } from '@cifra/subgraph-period';
import { gql } from '../support/client.ts';
import { cloneClients } from '../support/clients.ts';
import { boardBreakdown, runBatch, wholeBoard } from './firm-ops.ts';
import { type BenchRow, defineBench, median, ms, percentile, ratio } from './harness.ts';
import { cpuProfiled } from './profile.ts';

const YEAR = new Date().getUTCFullYear();
export default defineBench({
  name: 'firm-view',
  title: 'Firm view: close board and batch close through the gateway',
  async run(ctx) {
    const BOARD_RUNS = ctx.size('board_runs', 11);
    const BOARD_CONCURRENCY = ctx.size('board_concurrency', 16);
    // The largest page clientsConnection answers (500): a board of 1,500 clients is three pages.
    const BOARD_PAGE = ctx.size('board_page', 500);
    const BATCH_CONCURRENCY = ctx.size('batch_concurrency', 8);
    // What the console's board asks first: the counts and a page at clientsConnection's default size.
    const SCREEN_PAGE = 100;
    const { stack, controlUrl } = await ctx.stack({
      fanOut: { concurrency: BOARD_CONCURRENCY, timeoutMs: 10_000 },
      jobs: { processEveryMs: 500, periodBatchConcurrency: BATCH_CONCURRENCY },
    });
    const call = gql(stack.gatewayUrl, await signLocalToken(stack.authPrivateJwk, 'senior@demo.firm'));

    const board = (month: number) => wholeBoard(call, { year: YEAR, month, page: BOARD_PAGE });

    async function boardMs(expected: number): Promise<{
      first: number;
      median: number;
      p90: number;
      connections: number;
      pages: number;
      screen: number;
    }> {
      const times: number[] = [];
      const screens: number[] = [];
      let connections = 0;
      let pages = 0;
      for (let i = 0; i < BOARD_RUNS; i++) {
        const t0 = performance.now();
        const whole = await board(3);
        times.push(performance.now() - t0);
        // A screen of the board: one request, the counts and the first page at its default size.
        const t1 = performance.now();
        const screen = await wholeBoard(call, { year: YEAR, month: 3, page: SCREEN_PAGE, pages: 1 });
        screens.push(performance.now() - t1);
        if (screen.lines.length !== Math.min(expected, SCREEN_PAGE))
          throw new Error('a screen of the board answered wrongly');
        if (whole.lines.length !== expected || whole.unavailable !== 0) {
          throw new Error(
            `close board answered ${whole.lines.length} lines (${whole.unavailable} unavailable), expected ${expected}`,
          );
        }
        pages = whole.pages;
        connections = Math.max(connections, stack.registry.stats().connections);
      }
      const warm = times.slice(1);
      return {
        first: times[0] as number,
        median: median(warm),
        p90: percentile(warm, 0.9),
        connections,
        pages,
        screen: median(screens.slice(1)),
      };
    }

    const rows: BenchRow[] = [];
    const sizes = [10, ctx.size('board_mid', 200), ctx.size('board_clients', 1_500)];
    const at: Record<number, Awaited<ReturnType<typeof boardMs>>> = {};
    const projected: Record<number, { sweepMs: number; allMs: number; added: number }> = {};
    const projection = {
      control: stack.control.db,
      registry: stack.registry,
      port: clientPeriodPort,
      fanOut: { ...DEFAULT_FAN_OUT, concurrency: BOARD_CONCURRENCY, timeoutMs: 30_000 },
    };
    let have = 5;
    for (const size of sizes) {
      await cloneClients(stack, controlUrl, 'panaderia-valle', size - have, `b${size}`);
      // The worker's sweep (every minute) enrols new clients and its projector reads them; run the
      // sweep now rather than wait for it, and time until no client is behind.
      const t0 = performance.now();
      await sweepClientChanges(projection);
      const sweepMs = performance.now() - t0;
      while ((await behindCount(stack.control.db)) > 0) await new Promise((r) => setTimeout(r, 50));
      projected[size] = { sweepMs, allMs: performance.now() - t0, added: size - have };
      have = size;
      at[size] = await (size === sizes.at(-1)
        ? cpuProfiled(`firm-view-board-${size}`, () => boardMs(size))
        : boardMs(size));
      const r = at[size]!;
      // Reported as soon as measured: the run is long, and a later step may fail.
      ctx.progress(
        `${size} clients: board median ${ms(r.median)}, a screen ${ms(r.screen)}, p90 ${ms(r.p90)}, cold ${ms(r.first)}, ${r.connections} tenant connections; ${projected[size]!.added} new clients projected in ${ms(projected[size]!.allMs)} (sweep ${ms(projected[size]!.sweepMs)})`,
      );
    }
    const [small, , large] = sizes as [number, number, number];
    const split = await boardBreakdown(call, { year: YEAR, month: 3, first: BOARD_PAGE, runs: BOARD_RUNS });
    for (const size of sizes) {
      const r = at[size]!;
      rows.push({
        measure: `closeBoard, ${size.toLocaleString('en')} clients (the whole board)`,
        result: ms(r.median),
        note: `${r.pages} page${r.pages === 1 ? '' : 's'} of clientsConnection (${BOARD_PAGE} a page); p90 ${ms(r.p90)}; first (cold) ${ms(r.first)}; tenant connections open at most ${r.connections} (bound ${stack.registry.maxPools} pools × 4)`,
      });
    }
    for (const size of sizes) {
      rows.push({
        measure: `closeBoard, ${size.toLocaleString('en')} clients, a screen (one request)`,
        result: ms(at[size]!.screen),
        note: `the counts and the first ${SCREEN_PAGE} lines (clientsConnection's default page); median of ${BOARD_RUNS - 1}`,
      });
    }
    for (const v of split) {
      rows.push({
        measure: `a page of ${Math.min(BOARD_PAGE, large)} of ${large.toLocaleString('en')}: ${v.variant}`,
        result: ms(v.medianMs),
        note: `median of ${BOARD_RUNS}; ${(v.bytes / 1024).toFixed(0)} KB of data`,
      });
    }
    const big = projected[large]!;
    rows.push({
      measure: `${big.added.toLocaleString('en')} new clients into the read model`,
      result: `${(big.allMs / 1000).toFixed(1)} s`,
      note: `${(big.added / (big.allMs / 1000)).toFixed(1)} clients/s: the sweep over all ${large.toLocaleString('en')} (${(big.sweepMs / 1000).toFixed(1)} s), then the worker's projector (4 clients at a time)`,
    });
    // The worker's every-minute sweep at the largest size, as the worker runs it (4 clients at a
    // time): its first pass asks every client; a pass after it asks only those whose books moved
    // (none here) and its rotation's share.
    const memory = new SweepMemory({ secrets: stack.serviceSecrets });
    const asWorker = { ...projection, fanOut: { concurrency: 4, timeoutMs: 30_000 } };
    for (const pass of ['first', 'next'] as const) {
      const t0 = performance.now();
      const swept = await sweepClientChanges(asWorker, memory);
      const took = performance.now() - t0;
      ctx.progress(`the worker's sweep, ${pass} pass: ${swept.asked} clients asked in ${ms(took)}`);
      rows.push({
        measure: `the worker's sweep, ${large.toLocaleString('en')} clients, ${pass === 'first' ? 'its first pass' : 'a pass after it'}`,
        result: ms(took),
        note: `${swept.asked.toLocaleString('en')} client databases asked (${swept.behind} behind, ${swept.unavailable} unavailable); every minute in each worker`,
      });
    }
    rows.push({
      measure: `ratio ${large.toLocaleString('en')} / ${small} clients`,
      result: ratio(at[large]!.median / at[small]!.median),
      note: `the whole board, for ${large / small}× the clients; issue 17's goal ≤ 3× and < 300 ms`,
    });
    rows.push({
      measure: `ratio ${large.toLocaleString('en')} / ${small} clients, a screen`,
      result: ratio(at[large]!.screen / at[small]!.screen),
      note: `one request: the counts and the first ${SCREEN_PAGE} lines`,
    });

    // How soon a change shows: lock a month of one client, then read the board until its line shows it.
    const FRESHNESS_RUNS = ctx.size('freshness_runs', 5);
    const lags: number[] = [];
    const slug = 'cafe-boquete';
    const onClient = gql(
      stack.gatewayUrl,
      await signLocalToken(stack.authPrivateJwk, 'senior@demo.firm'),
      slug,
    );
    const periods = await onClient<{ periods: { id: string; month: number; state: string }[] }>(
      `query($y: Int!) { periods(fiscalYear: $y) { id month state } }`,
      { y: YEAR },
    );
    const open = periods.data!.periods.filter((p) => p.state === 'UNLOCKED' && p.month > 3);
    for (const p of open.slice(0, FRESHNESS_RUNS)) {
      const locked = await onClient(
        `mutation($id: ID!) { lockPeriod(periodId: $id, state: LOCK_SALES) { id } }`,
        {
          id: p.id,
        },
      );
      if (locked.errors) throw new Error(JSON.stringify(locked.errors));
      const t0 = performance.now();
      for (;;) {
        const line = (await board(p.month)).lines.find((c) => c.client.slug === slug);
        if (line?.periodState === 'LOCK_SALES' && line.freshness === 'CURRENT') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      lags.push(performance.now() - t0);
      ctx.progress(`a change on the board after ${ms(lags.at(-1)!)}`);
    }
    rows.push({
      measure: `a change on the board, ${large.toLocaleString('en')} clients`,
      result: `median ${ms(median(lags))}`,
      note: `max ${ms(Math.max(...lags))} over ${lags.length} changes (lockPeriod answered → the line shows it, CURRENT); goal ≤ 5 s`,
    });

    // A 100-client batch: LOCK_SALES for March on the first hundred clients (by name).
    const tenants = await call<{ tenantsConnection: { edges: { node: { slug: string } }[] } }>(
      '{ tenantsConnection(first: 100) { edges { node { slug } } } }',
    );
    const hundred = tenants.data!.tenantsConnection.edges.map((e) => e.node.slug);
    const batch = await runBatch(call, { tenants: hundred, year: YEAR, month: 3, action: 'LOCK_SALES' });
    rows.push({
      measure: `batch LOCK_SALES, ${hundred.length} clients`,
      result: ms(batch.totalMs),
      note: `${(hundred.length / (batch.totalMs / 1000)).toFixed(1)} clients/s; accepted in ${ms(batch.acceptedMs)}; worker concurrency ${BATCH_CONCURRENCY}; ${JSON.stringify(batch.counts)}${batch.failures.length ? `; failed: ${batch.failures.join(', ')}` : ''}`,
    });
    return rows;
  },
});
