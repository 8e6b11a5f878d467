/**
 * A firm at scale in one run (issue 17 §4–§5). Clients are provisioned through the gateway one
 * after another (`provisionTenant`: directory row, database copied from the migrated template,
 * logins, chart, settings, periods) up to BENCH_SCALE_CLIENTS (1,500). At 10 clients and again at
 * that size the run reads the whole close board, runs a batch LOCK_SALES across every client (the
 * job worker) and an FX refresh of every client due at once (from a local ECB stand-in), and after
 * each step records the process's memory and the PostgreSQL connections open — the product runs in
 * this process (gateway, subgraphs and worker, as `pnpm start` runs them), so its RSS is the
 * product's. What must hold: connections bounded by configuration (the registry's pools, the
 * control-plane pools), memory not growing with the number of clients.
 */
import { performance } from 'node:perf_hooks';
import { control } from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import { createProviders } from '@cifra/subgraph-fx';
import { gte, isNotNull, sql } from 'drizzle-orm';
import { gql } from '../support/client.ts';
import { ecbStandIn, runBatch, wholeBoard } from './firm-ops.ts';
import { UNLIMITED } from './gateway.bench.ts';
import { type BenchRow, collectGarbage, defineBench, median, ms, percentile, ratio } from './harness.ts';

const YEAR = new Date().getUTCFullYear();
const DEMO_SLUGS = [
  'cafe-boquete',
  'ferreteria-colon',
  'clinica-costa',
  'logistica-canal',
  'panaderia-valle',
];
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

// A full collection before each reading (`collectGarbage`), so the heap is what is still held, not
// garbage V8 has not yet collected (the figures of the first runs did not, and could not tell the
// two apart).

interface Footprint {
  rss: number;
  heapUsed: number;
  /** Client backends on the server: to client databases, to the control plane, in all. */
  tenantConnections: number;
  controlConnections: number;
  connections: number;
  /** The most tenant connections the registry held at once during the step (sampled). */
  peakRegistry: number;
}

export default defineBench({
  name: 'scale',
  title: 'A firm at scale: 1,500 clients provisioned, then the board, a batch and an FX refresh of all',
  async run(ctx) {
    const CLIENTS = ctx.size('scale_clients', 1_500);
    const ecb = await ecbStandIn(ctx);
    const { stack } = await ctx.stack({
      perimeter: UNLIMITED,
      fxProviders: createProviders({ ecbUrl: ecb.url }),
      fanOut: { concurrency: 16, timeoutMs: 30_000 },
      jobs: { processEveryMs: 200, periodBatchConcurrency: 8 },
    });
    const db = stack.control.db;
    const admin = gql(stack.gatewayUrl, await signLocalToken(stack.authPrivateJwk, 'admin@demo.firm'));
    const slugs = [...DEMO_SLUGS];

    /** Run a step while sampling the registry's connections; then the process and the server. */
    async function measured(step: () => Promise<void>): Promise<Footprint & { ms: number }> {
      let peakRegistry = 0;
      const sampler = setInterval(() => {
        peakRegistry = Math.max(peakRegistry, stack.registry.stats().connections);
      }, 20);
      const t0 = performance.now();
      try {
        await step();
      } finally {
        clearInterval(sampler);
      }
      const took = performance.now() - t0;
      const { rows } = await db.execute<{ tenant: number; control: number; total: number }>(sql`
        SELECT count(*) FILTER (WHERE datname LIKE 'cifra_c_%')::int AS tenant,
               count(*) FILTER (WHERE datname = current_database())::int AS control,
               count(*)::int AS total
          FROM pg_stat_activity WHERE backend_type = 'client backend'`);
      collectGarbage();
      const { rss, heapUsed } = process.memoryUsage();
      const c = rows[0]!;
      return {
        ms: took,
        rss,
        heapUsed,
        tenantConnections: c.tenant,
        controlConnections: c.control,
        connections: c.total,
        peakRegistry,
      };
    }

    async function provisionUpTo(size: number, times: number[]): Promise<void> {
      for (let i = slugs.length; i < size; i++) {
        const slug = `scale-${i}`;
        const t0 = performance.now();
        const r = await admin<{ provisionTenant: { status: string } }>(
          `mutation($input: ProvisionTenantInput!) { provisionTenant(input: $input) { status } }`,
          { input: { slug, name: `Escala ${i}, S.A.` } },
        );
        times.push(performance.now() - t0);
        if (r.data?.provisionTenant?.status !== 'ACTIVE') throw new Error(JSON.stringify(r.errors));
        slugs.push(slug);
        if (slugs.length % 100 === 0) ctx.progress(`${slugs.length} clients provisioned`);
      }
    }

    /** The FX refresh of every client due at once, by the job worker, until each has succeeded since. */
    async function refreshEveryClient(): Promise<number> {
      const since = new Date();
      const count = async (where?: ReturnType<typeof gte>) =>
        (await db.select({ n: sql<number>`count(*)::int` }).from(control.fxRefreshStatus).where(where))[0]!.n;
      await stack.worker!.agenda.now('fx.dispatch-refresh');
      while ((await count()) < slugs.length) await new Promise((r) => setTimeout(r, 50));
      await db.update(control.fxRefreshStatus).set({ nextRunAt: new Date(Date.now() - 60_000) });
      await stack.worker!.agenda.now('fx.dispatch-refresh');
      while ((await count(gte(control.fxRefreshStatus.lastSuccessAt, since))) < slugs.length) {
        await new Promise((r) => setTimeout(r, 50));
      }
      return count(isNotNull(control.fxRefreshStatus.lastError));
    }

    /** The three steps at the current size, each measured. */
    async function steps(month: number) {
      const board = await measured(async () => {
        const whole = await wholeBoard(admin, { year: YEAR, month, page: 500 });
        if (whole.lines.length !== slugs.length) throw new Error(`board: ${whole.lines.length} lines`);
      });
      let batchNote = '';
      const batch = await measured(async () => {
        const run = await runBatch(admin, { tenants: slugs, year: YEAR, month, action: 'LOCK_SALES' });
        batchNote = `${JSON.stringify(run.counts)}${run.failures.length ? `; failed: ${run.failures.join(', ')}` : ''}`;
      });
      let fxErrors = 0;
      const fx = await measured(async () => {
        fxErrors = await refreshEveryClient();
      });
      ctx.progress(
        `${slugs.length} clients: board ${ms(board.ms)}, batch ${ms(batch.ms)}, FX refresh ${ms(fx.ms)}, RSS ${mb(fx.rss)}`,
      );
      return { board, batch, batchNote, fx, fxErrors };
    }

    const few: number[] = [];
    await provisionUpTo(10, few);
    const small = await steps(1);
    const times: number[] = [];
    const t0 = performance.now();
    await provisionUpTo(CLIENTS, times);
    const provisionMs = performance.now() - t0;
    const large = await steps(2);

    const rows: BenchRow[] = [
      {
        measure: `provisionTenant × ${times.length.toLocaleString('en')} through the gateway, one after another`,
        result: `${(provisionMs / 1000 / 60).toFixed(1)} min`,
        note: `median ${ms(median(times))}, p90 ${ms(percentile(times, 0.9))}, max ${ms(Math.max(...times))} a client (from ${slugs.length - times.length} to ${slugs.length} clients); issue 17's goal ≤ 300 ms a client`,
      },
    ];
    const bound = `registry bound ${stack.registry.maxPools} pools × 4`;
    for (const [name, a, b, note] of [
      ['whole close board', small.board, large.board, '500 a page'],
      [
        'batch LOCK_SALES of every client',
        small.batch,
        large.batch,
        `at ${slugs.length}: ${large.batchNote}`,
      ],
      [
        'FX refresh of every client, all due at once',
        small.fx,
        large.fx,
        `${ecb.hits()} provider requests in all; clients with an error at ${slugs.length}: ${large.fxErrors}`,
      ],
    ] as const) {
      rows.push({
        measure: `${name}: time at 10 → ${slugs.length.toLocaleString('en')} clients`,
        result: `${ms(a.ms)} → ${ms(b.ms)}`,
        note,
      });
      rows.push({
        measure: `  after it and a full garbage collection: RSS, heap`,
        result: `${mb(a.rss)} → ${mb(b.rss)} (${ratio(b.rss / a.rss)})`,
        note: `heap ${mb(a.heapUsed)} → ${mb(b.heapUsed)}`,
      });
      rows.push({
        measure: `  connections: to clients (peak in the registry), to the control plane, all`,
        result: `${a.tenantConnections} (${a.peakRegistry}) → ${b.tenantConnections} (${b.peakRegistry})`,
        note: `control ${a.controlConnections} → ${b.controlConnections}, all ${a.connections} → ${b.connections}; ${bound}`,
      });
    }
    return rows;
  },
});
