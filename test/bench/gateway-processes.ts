/**
 * The processes `pnpm bench gateway` measures, each on its own: started, found ready, stopped at
 * the end, and their CPU read from /proc (user + system time of every thread) so that what each
 * one spends per request can be told apart from the others and from the load generator.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { pg } from '@cifra/db';
import { SERVICE_NODE_FLAGS } from '../../ops/bin/node-flags.mjs';
import type { BenchContext } from './harness.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

export interface ServiceProcess {
  pid: number;
  url: string;
}

/**
 * `node <args>` with `env` (and nothing of the bench's own loader), until a line of its stdout
 * gives its URL (`url` of a JSON line, or `… ready at <url>`). With BENCH_CPU_PROFILE_DIR it
 * writes its CPU profile to `<dir>/gateway-<name>` when it stops.
 */
export async function startService(
  ctx: BenchContext,
  name: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
): Promise<ServiceProcess> {
  const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
  const { NODE_OPTIONS: _loader, ...inherited } = process.env;
  const child = spawn(
    process.execPath,
    [
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, `gateway-${name}`)}`] : []),
      // Every process alike, ours and the other gateways: the flags our services run with.
      ...SERVICE_NODE_FLAGS,
      ...args,
    ],
    { cwd: ROOT, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = once(child, 'exit');
  ctx.defer(async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      for (const line of out.split('\n').slice(0, -1)) {
        const found = line.startsWith('{')
          ? (JSON.parse(line) as { url?: string }).url
          : /ready at (\S+)/.exec(line)?.[1];
        if (!found) continue;
        // What it says from now on (warnings, errors) goes to the bench's stderr.
        child.stdout?.off('data', read).on('data', (more: Buffer) => process.stderr.write(more));
        resolve(found);
      }
    };
    child.stdout?.on('data', read);
    void exited.then(([code]) =>
      reject(new Error(`${name} exited (${String(code)}) before serving:\n${out}`)),
    );
  });
  return { pid: child.pid as number, url };
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces): index 0 is the state. */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

const ticks = (fields: string[], ...at: number[]) =>
  at.reduce((sum, i) => sum + Number(fields[i]), 0) * (1000 / TICKS_PER_SECOND);

/** CPU milliseconds a process has used so far, all its threads, user and system. */
export function cpuMs(pid: number): number {
  // utime and stime are the 14th and 15th fields of stat (11 and 12 here).
  return ticks(statFields(pid), 11, 12);
}

/** The PostgreSQL server that serves `pool`: its postmaster, the parent of every backend. */
export async function postmasterOf(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return Number(statFields(Number(rows[0]?.pid))[1]);
}

/**
 * CPU milliseconds of a PostgreSQL server so far: the postmaster's own, its finished children's
 * (reaped into its cutime and cstime) and its live children's (backends, checkpointer, WAL writer).
 */
export function postgresCpuMs(postmaster: number): number {
  let total = ticks(statFields(postmaster), 11, 12, 13, 14);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = statFields(Number(entry));
      if (Number(fields[1]) === postmaster) total += ticks(fields, 11, 12);
    } catch {
      // A process that ended between the listing and the read.
    }
  }
  return total;
}
