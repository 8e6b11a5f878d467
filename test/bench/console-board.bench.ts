/**
 * The firm console's close board in Debian's Chromium (issue 15: "the close board for 200 clients
 * renders in under a second on the demo stack"): the board page loaded, signed in as the Senior,
 * until every client's row is on the page with every month in (the table's data-complete) — the
 * shell, the requests, the rendering and the stage counts — for the demo's 5 clients and for 200 (the other 195 are
 * template copies of one demo client, in the read model before timing). Each size is loaded once
 * to warm up, then BENCH_RENDER_RUNS times; the ratio compares the sizes side by side in this run.
 * BENCH_RENDER_CLIENTS changes 200.
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_FAN_OUT } from '@cifra/db';
import { CONSOLE_DIST_DIR, ensureConsoleBuilt } from '@cifra/ops';
import { behindCount, clientPeriodPort, sweepClientChanges } from '@cifra/subgraph-period';
import { cloneClients } from '../support/clients.ts';
import { launchChromium, openPage, signInAs } from '../support/console-browser.ts';
import { type BenchRow, defineBench, median, ms, percentile, ratio } from './harness.ts';

interface Sample {
  total: number;
  firstRow: number;
  firstResponse: number;
  lastResponse: number;
  requests: number;
  /** When each step of the page load ended, on the page's clock (ms from navigation start). */
  steps: Record<string, number>;
}

/**
 * The steps of a page load, in order: Navigation Timing's document and DOMContentLoaded, the entry
 * chunk's script, then the console's own marks (packages/console/src/page-marks.ts).
 */
const STEPS = [
  'document',
  'entry-chunk',
  'dom-content-loaded',
  'sign-in-config',
  'me',
  'board-chunk',
  'board-first-data',
  'board-data',
  'board-drawn',
] as const;

/** Read in the page: where its load's time went (Navigation Timing, resource timing, the console's marks). */
function pageSteps(): Record<string, number> {
  const g = globalThis as unknown as {
    performance: {
      getEntriesByType(t: string): {
        name: string;
        startTime: number;
        responseEnd: number;
        domContentLoadedEventEnd: number;
      }[];
    };
  };
  const out: Record<string, number> = {};
  const nav = g.performance.getEntriesByType('navigation')[0];
  if (nav) {
    out.document = nav.responseEnd;
    out['dom-content-loaded'] = nav.domContentLoadedEventEnd;
  }
  const entry = g.performance
    .getEntriesByType('resource')
    .find((e) => /\/assets\/index-[^/]*\.js$/.test(e.name));
  if (entry) out['entry-chunk'] = entry.responseEnd;
  for (const m of g.performance.getEntriesByType('mark'))
    if (m.name.startsWith('cifra:')) out[m.name.slice(6)] = m.startTime;
  return out;
}

export default defineBench({
  name: 'console-board',
  title: 'The console close board rendered in Chromium: 5 and 200 clients',
  async run(ctx) {
    const RUNS = ctx.size('render_runs', 7);
    const CLIENTS = ctx.size('render_clients', 200);
    await ensureConsoleBuilt();
    const { stack, controlUrl } = await ctx.stack({ console: { dir: CONSOLE_DIST_DIR } });
    const origin = new URL(stack.gatewayUrl).origin;
    const browser = await launchChromium();
    try {
      const { page } = await openPage(browser);
      await signInAs(page, origin, 'senior@demo.firm');
      const year = new Date().getUTCFullYear();

      /**
       * From navigation until the board is complete (`expected` client rows, every month in: the
       * table's data-complete), with where the time went, read from the page's own clock: the
       * first client row shown, the first and the last GraphQL response, how many requests.
       */
      async function load(expected: number): Promise<Sample> {
        const t0 = performance.now();
        await page.goto(`${origin}/?year=${year}`);
        await page.getByRole('heading', { name: `Close board ${year}` }).waitFor({ timeout: 60_000 });
        // Functions, not strings: the console's CSP forbids eval, and Playwright evaluates strings.
        const firstRow = await page.waitForFunction(
          () => {
            const g = globalThis as unknown as {
              document: { querySelector(s: string): unknown };
              performance: { now(): number };
            };
            return g.document.querySelector('table.board tbody tr') ? g.performance.now() : 0;
          },
          undefined,
          { timeout: 60_000, polling: 'raf' },
        );
        await page.waitForFunction(
          (n) =>
            (
              globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }
            ).document.querySelectorAll('table.board[data-complete="true"] tbody tr').length === n,
          expected,
          { timeout: 60_000, polling: 'raf' },
        );
        const total = performance.now() - t0;
        const net = await page.evaluate(() => {
          const g = globalThis as unknown as {
            performance: {
              getEntriesByType(t: string): { name: string; startTime: number; responseEnd: number }[];
            };
          };
          const gql = g.performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/graphql'));
          return {
            requests: gql.length,
            firstResponse: Math.min(...gql.map((e) => e.responseEnd)),
            lastResponse: Math.max(...gql.map((e) => e.responseEnd)),
          };
        });
        const steps = await page.evaluate(pageSteps);
        return { total, firstRow: Number(await firstRow.jsonValue()), ...net, steps };
      }
      async function timed(expected: number) {
        await load(expected); // warm: the console's chunks in the cache, the gateway's plans built
        const samples: Sample[] = [];
        for (let i = 0; i < RUNS; i++) samples.push(await load(expected));
        const med = (f: (s: Sample) => number) => median(samples.map(f));
        return {
          median: med((s) => s.total),
          p90: percentile(
            samples.map((s) => s.total),
            0.9,
          ),
          firstRow: med((s) => s.firstRow),
          lastResponse: med((s) => s.lastResponse),
          requests: med((s) => s.requests),
          steps: STEPS.filter((k) => samples.every((s) => s.steps[k] !== undefined)).map(
            (k) => `${k} ${ms(med((s) => s.steps[k] as number))}`,
          ),
        };
      }
      const detail = (r: Awaited<ReturnType<typeof timed>>) =>
        `p90 ${ms(r.p90)}, ${RUNS} loads; in the page (medians): first row ${ms(r.firstRow)}, last GraphQL response ${ms(r.lastResponse)}, ${r.requests} GraphQL requests`;

      const small = await timed(5);
      ctx.progress(`5 clients: ${ms(small.median)}`);
      await cloneClients(stack, controlUrl, 'panaderia-valle', CLIENTS - 5, 'render');
      await sweepClientChanges({
        control: stack.control.db,
        registry: stack.registry,
        port: clientPeriodPort,
        fanOut: { ...DEFAULT_FAN_OUT, timeoutMs: 30_000 },
      });
      while ((await behindCount(stack.control.db)) > 0) await new Promise((r) => setTimeout(r, 100));
      const large = await timed(CLIENTS);
      const rows: BenchRow[] = [
        {
          measure: 'board of 5 clients, page load to every row',
          result: ms(small.median),
          note: detail(small),
        },
        {
          measure: `board of ${CLIENTS} clients, page load to every row`,
          result: ms(large.median),
          note: detail(large),
        },
        {
          measure: 'where a load of 5 clients goes',
          result: '',
          note: `each step's end on the page's clock (medians): ${small.steps.join(', ')}`,
        },
        {
          measure: `where a load of ${CLIENTS} clients goes`,
          result: '',
          note: `each step's end on the page's clock (medians): ${large.steps.join(', ')}`,
        },
        {
          measure: `ratio ${CLIENTS} / 5 clients`,
          result: ratio(large.median / small.median),
          note: 'medians, side by side in this run',
        },
      ];
      return rows;
    } finally {
      await browser.close();
    }
  },
});
