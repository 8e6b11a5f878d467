/**
 * The benchmark harness behind `pnpm bench`. A benchmark is a module (`defineBench`) that measures
 * and returns rows; the harness gives it a scratch directory, an embedded PostgreSQL server with
 * fsync on and, when asked, the all-in-one stack on that server, stops all of it afterwards (its
 * scratch directory is removed when the whole run ends: `removeScratch`), and prints every result
 * in one report headed by the machine's state (the load average moves absolute numbers a lot; the
 * ratios each benchmark measures side by side in one run do not).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, rm, statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { appLoginUrl, createDatabase, ensureAppLogin, ensureAppRole, type pg, withDatabase } from '@cifra/db';
import { type EmbeddedServer, startEmbeddedPostgres } from '@cifra/db/embedded';
import { type Stack, type StackOptions, startStack } from '@cifra/ops';
import pino from 'pino';
import { STATEMENT_SETTINGS } from './pg-statements.ts';
import type { StackProcessConfig } from './stack-process.ts';

export interface BenchRow {
  measure: string;
  result: string;
  note?: string;
}

export interface BenchStack {
  stack: Stack;
  /** The control plane's admin URL (to make more clients by TEMPLATE, for instance). */
  controlUrl: string;
  dataDir: string;
}

export interface BenchContext {
  /** A size from the environment (`BENCH_<NAME>`), else `fallback`: resize a run without editing it. */
  size(name: string, fallback: number): number;
  /** The embedded PostgreSQL server of this benchmark (fsync on), started on first use. */
  server(): Promise<EmbeddedServer>;
  /**
   * A URL to a client database of that server as its own application login (made on first use),
   * the way the services connect.
   */
  appUrl(databaseName: string): Promise<string>;
  /** The all-in-one stack (demo firm, worker, subgraphs, gateway) on a fresh control plane of that server. */
  stack(options?: Partial<StackOptions>): Promise<BenchStack>;
  /**
   * The all-in-one stack (demo firm, subgraphs, gateway; no worker) in a child process of its own
   * on a fresh control plane of that server, for configurations that must not share a process.
   */
  stackProcess(
    config: Omit<StackProcessConfig, 'dataDir' | 'databaseUrl' | 'appPassword'>,
  ): Promise<{ gatewayUrl: string; dataDir: string }>;
  /** Run `cleanup` when the benchmark ends, last registered first. */
  defer(cleanup: () => unknown): void;
  /**
   * End a pool the benchmark opened. Its connections may still be closing when the server stops
   * right after; their "terminating connection" errors are expected then and ignored.
   */
  endPool(pool: pg.Pool): Promise<void>;
  /** A progress line on stderr (the report itself goes to stdout). */
  progress(message: string): void;
}

export interface Bench {
  /** Short name, used to pick benchmarks: `pnpm bench gateway ledger`. */
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

export const defineBench = (bench: Bench): Bench => bench;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Full collections now, two (the second finds what the first left to finalize): what a measurement
 * reads of the heap is what is still held, and the garbage of what ran before it (a benchmark's
 * set-up, the other side of a comparison) is not collected during it.
 */
export function collectGarbage(): void {
  gc();
  gc();
}

export const median = (xs: readonly number[]): number => percentile(xs, 0.5);

/** The nearest-rank percentile of a sample (`p` between 0 and 1). */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) throw new Error('percentile of an empty sample');
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
}

export const ms = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`;
export const ratio = (x: number) => `${x.toFixed(2)}×`;
export const perSecond = (count: number, millis: number, unit: string) =>
  `${Math.round(count / (millis / 1000)).toLocaleString('en')} ${unit}/s`;

const APP_PASSWORD = 'bench-app';
/** Derives the application logins of the client databases a benchmark makes itself. */
const TENANT_SECRET = 'bench-tenant-db-secret';

/**
 * Scratch directories are removed when the whole run ends, not between benchmarks. On ext4 without
 * a journal, allocating an inode skips every inode deleted in the last 60 s (360 s while its inode
 * table block is still dirty), one cached-block lookup each: right after `firm-view` removed its
 * 1,500 databases, `scale`'s provisioning created its files 2× slower for about five minutes
 * (`docs/benchmarks.md`, session 60). A benchmark's removal must not be measured by the next one.
 * Only when the disk runs short is a directory removed at once.
 */
const scratch: string[] = [];
const KEEP_FREE = 32 * 2 ** 30;

/** Remove the run's scratch directories so far. */
async function removeScratch(): Promise<void> {
  for (const dir of scratch.splice(0)) await rm(dir, { recursive: true, force: true });
}

async function diskShort(): Promise<boolean> {
  const { bavail, bsize } = await statfs(os.tmpdir());
  return bavail * bsize < KEEP_FREE;
}

async function runOne(bench: Bench): Promise<BenchRow[]> {
  const cleanups: (() => unknown)[] = [];
  const dir = await mkdtemp(path.join(os.tmpdir(), `cifra-bench-${bench.name}-`));
  // The database server may run as another (unprivileged) user that must reach its directory.
  await chmod(dir, 0o755);
  scratch.push(dir);
  let server: Promise<EmbeddedServer> | undefined;
  let stacks = 0;
  const ctx: BenchContext = {
    size: (name, fallback) => {
      const raw = process.env[`BENCH_${name.toUpperCase()}`];
      const value = raw === undefined ? fallback : Number(raw);
      if (!Number.isFinite(value) || value <= 0)
        throw new Error(`BENCH_${name.toUpperCase()}: not a positive number`);
      return value;
    },
    appUrl: async (databaseName) => {
      const s = await ctx.server();
      await ensureAppLogin(s.url, databaseName, TENANT_SECRET);
      return appLoginUrl(s.url, databaseName, TENANT_SECRET);
    },
    server: () => {
      server ??= (async () => {
        const s = await startEmbeddedPostgres({
          dir: path.join(dir, 'pg'),
          password: 'bench',
          durable: true,
          settings: STATEMENT_SETTINGS,
        });
        cleanups.push(() => s.stop());
        await ensureAppRole(s.url);
        return s;
      })();
      return server;
    },
    stack: async (options = {}) => {
      const s = await ctx.server();
      const name = `bench_control_${++stacks}`;
      await createDatabase(s.url, name);
      const controlUrl = withDatabase(s.url, name);
      const dataDir = path.join(dir, `data-${stacks}`);
      const stack = await startStack({
        dataDir,
        port: 0,
        databaseUrl: controlUrl,
        appPassword: APP_PASSWORD,
        log: pino({ level: 'silent' }),
        // The demo's small fixed books, as the benches were measured with (docs/demo.md).
        demoHistory: false,
        ...options,
      });
      cleanups.push(() => stack.close());
      return { stack, controlUrl, dataDir };
    },
    stackProcess: async (config) => {
      const s = await ctx.server();
      const name = `bench_control_${++stacks}`;
      await createDatabase(s.url, name);
      const dataDir = path.join(dir, `data-${stacks}`);
      const full: StackProcessConfig = {
        ...config,
        dataDir,
        databaseUrl: withDatabase(s.url, name),
        appPassword: APP_PASSWORD,
      };
      const child = spawn(
        process.execPath,
        [
          // BENCH_CPU_PROFILE_DIR=<dir>: each stack process writes its threads' CPU profiles to
          // <dir>/<bench>-<n> on exit (the main thread's is the largest).
          ...(process.env.BENCH_CPU_PROFILE_DIR
            ? [
                '--cpu-prof',
                `--cpu-prof-dir=${path.join(process.env.BENCH_CPU_PROFILE_DIR, `${bench.name}-${stacks}`)}`,
              ]
            : []),
          '--import',
          'tsx',
          fileURLToPath(new URL('./stack-process.ts', import.meta.url)),
          JSON.stringify(full),
        ],
        { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const exited = once(child, 'exit');
      cleanups.push(async () => {
        if (child.exitCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      });
      const ready = new Promise<{ gatewayUrl: string }>((resolve, reject) => {
        let out = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const line = out.split('\n')[0];
          if (out.includes('\n') && line) resolve(JSON.parse(line) as { gatewayUrl: string });
        });
        void exited.then(([code]) =>
          reject(new Error(`the stack process exited (${String(code)}) before serving`)),
        );
      });
      return { ...(await ready), dataDir };
    },
    defer: (cleanup) => cleanups.push(cleanup),
    endPool: (pool) => {
      pool.on('error', () => undefined);
      return pool.end();
    },
    progress: (message) => process.stderr.write(`  [${bench.name}] ${message}\n`),
  };
  try {
    return await bench.run(ctx);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
    if (await diskShort()) {
      process.stderr.write('  (the disk is short of space: scratch directories removed now)\n');
      await removeScratch();
    }
  }
}

function table(rows: readonly BenchRow[]): string {
  const cells = rows.map((r) => [r.measure, r.result, r.note ?? '']);
  const widths = [0, 1, 2].map((c) => Math.max(...cells.map((r) => (r[c] as string).length)));
  return cells
    .map((r) => `  ${r.map((c, i) => c.padEnd(widths[i] as number)).join('  ')}`.trimEnd())
    .join('\n');
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');

/** Run the benchmarks one after another (never side by side: they would measure each other). */
export async function runBenches(benches: readonly Bench[]): Promise<boolean> {
  const cpus = os.cpus();
  process.stdout.write(
    `cifraHQ benchmarks — ${new Date().toISOString()}\n` +
      `node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, load average ${load()} (1 / 5 / 15 min)\n`,
  );
  let ok = true;
  try {
    for (const bench of benches) ok = (await runAndReport(bench)) && ok;
  } finally {
    await removeScratch();
  }
  return ok;
}

async function runAndReport(bench: Bench): Promise<boolean> {
  const started = Date.now();
  process.stdout.write(`\n${bench.title}\n`);
  let ok = true;
  try {
    process.stdout.write(`${table(await runOne(bench))}\n`);
  } catch (error) {
    ok = false;
    process.stdout.write(
      `  FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.stdout.write(`  (${((Date.now() - started) / 1000).toFixed(0)} s, load average after ${load()})\n`);
  return ok;
}
