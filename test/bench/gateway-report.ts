/**
 * `pnpm bench gateway`'s rounds and report: each path loaded in turn (order rotated and reversed
 * from round to round), the CPU of its server, of the ledger subgraph, of PostgreSQL and of the
 * load generator counted around each run, and the four paths side by side with their ratios to
 * the direct call.
 */
import type { pg } from '@cifra/db';
import { load } from './gateway-load.ts';
import { cpuMs, postgresCpuMs, postmasterOf } from './gateway-processes.ts';
import { type BenchContext, type BenchRow, ms, percentile, ratio } from './harness.ts';

type Cpu = Record<'server' | 'ledger' | 'postgres' | 'generator', number>;

export interface Path {
  label: string;
  url: string;
  headers: () => Promise<Record<string, string>>;
  /** The gateway process in front of the subgraph (none for the direct call). */
  server?: number;
  latencies: number[];
  elapsedMs: number;
  /** CPU milliseconds used while this path was loaded, by process. */
  cpu: Cpu;
}

interface Sizes {
  requests: number;
  concurrency: number;
  rounds: number;
}

function snapshot(path: Path, ledger: number, postmaster: number): Cpu {
  const own = process.cpuUsage();
  return {
    server: path.server ? cpuMs(path.server) : 0,
    ledger: cpuMs(ledger),
    postgres: postgresCpuMs(postmaster),
    generator: (own.user + own.system) / 1000,
  };
}

/** Round `r`'s order: the paths rotated by `r`, reversed every other round. */
export function roundOrder<T>(paths: readonly T[], round: number): T[] {
  const rotated = paths.map((_, i) => paths[(i + round) % paths.length] as T);
  return round % 2 === 1 ? rotated.reverse() : rotated;
}

export async function measureRounds(
  ctx: BenchContext,
  paths: Path[],
  opts: Sizes & { ledger: number; pool: pg.Pool },
): Promise<void> {
  const postmaster = await postmasterOf(opts.pool);
  for (const p of paths) await load(p.url, p.headers, 200, opts.concurrency); // warm up
  for (let round = 0; round < opts.rounds; round++) {
    for (const p of roundOrder(paths, round)) {
      const before = snapshot(p, opts.ledger, postmaster);
      const sample = await load(p.url, p.headers, opts.requests, opts.concurrency);
      const after = snapshot(p, opts.ledger, postmaster);
      p.latencies.push(...sample.latencies);
      p.elapsedMs += sample.elapsedMs;
      for (const k of Object.keys(p.cpu) as (keyof Cpu)[]) p.cpu[k] += after[k] - before[k];
    }
    ctx.progress(`round ${round + 1}/${opts.rounds} done`);
  }
}

const cpuMsPerRequest = (x: number) => `${x.toFixed(2)} ms`;

export function reportRows(paths: readonly Path[], sizes: Sizes): BenchRow[] {
  const total = sizes.requests * sizes.rounds;
  const rate = (p: Path) => total / (p.elapsedMs / 1000);
  const p50 = (p: Path) => percentile(p.latencies, 0.5);
  const perRequest = (p: Path, k: keyof Cpu) => p.cpu[k] / total;
  const [direct] = paths as [Path];
  const rows: BenchRow[] = [];
  for (const p of paths) {
    const vsDirect =
      p === direct
        ? 'the reference'
        : `throughput direct / this ${ratio(rate(direct) / rate(p))}, p50 this / direct ${ratio(p50(p) / p50(direct))}`;
    rows.push({
      measure: p.label,
      result: `${Math.round(rate(p)).toLocaleString('en')} req/s`,
      note: `p50 ${ms(p50(p))}, p99 ${ms(percentile(p.latencies, 0.99))}; ${vsDirect}`,
    });
  }
  for (const p of paths) {
    const server = p.server ? `gateway ${cpuMsPerRequest(perRequest(p, 'server'))}, ` : '';
    rows.push({
      measure: `CPU per request, ${p.label}`,
      result: cpuMsPerRequest(perRequest(p, 'server') + perRequest(p, 'ledger') + perRequest(p, 'postgres')),
      note:
        `${server}ledger ${cpuMsPerRequest(perRequest(p, 'ledger'))}, ` +
        `PostgreSQL ${cpuMsPerRequest(perRequest(p, 'postgres'))} ` +
        `(load generator ${cpuMsPerRequest(perRequest(p, 'generator'))})`,
    });
  }
  const ours = paths[paths.length - 1] as Path;
  for (const engine of paths.slice(1, -1)) {
    rows.push({
      measure: `cifraHQ's gateway / ${engine.label}`,
      result: `gateway CPU ${ratio(perRequest(ours, 'server') / perRequest(engine, 'server'))}`,
      note: `throughput ${ratio(rate(ours) / rate(engine))}, p50 ${ratio(p50(ours) / p50(engine))}`,
    });
  }
  rows.push({
    measure: 'runs',
    result: `${total.toLocaleString('en')} requests per path`,
    note: `${sizes.concurrency} in flight, ${sizes.rounds} rounds, order rotated and reversed each round`,
  });
  return rows;
}
