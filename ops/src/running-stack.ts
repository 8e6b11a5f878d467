import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where `pnpm start` is serving, for the command-line tools (`pnpm investigate`, …) to find it
 * rather than guess port 4000: `DATA_DIR/running.json`, written once the stack is ready and removed
 * when it stops. A file left by a process that died is ignored (its pid is no longer alive).
 */
export interface RunningStack {
  pid: number;
  gatewayUrl: string;
  consoleUrl?: string;
  startedAt: string;
}

const fileOf = (dataDir: string) => path.join(dataDir, 'running.json');

export function recordRunningStack(dataDir: string, stack: Omit<RunningStack, 'pid' | 'startedAt'>): void {
  const record: RunningStack = { pid: process.pid, startedAt: new Date().toISOString(), ...stack };
  writeFileSync(fileOf(dataDir), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
}

export function forgetRunningStack(dataDir: string): void {
  rmSync(fileOf(dataDir), { force: true });
}

/** The stack `pnpm start` runs on this DATA_DIR, if its process is alive. */
export function runningStack(dataDir: string): RunningStack | undefined {
  let record: RunningStack;
  try {
    record = JSON.parse(readFileSync(fileOf(dataDir), 'utf8')) as RunningStack;
  } catch {
    return undefined;
  }
  try {
    process.kill(record.pid, 0);
    return record;
  } catch (err) {
    // EPERM: alive, another user's process; ESRCH: gone.
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? record : undefined;
  }
}
