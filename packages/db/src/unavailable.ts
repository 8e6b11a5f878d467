import { dbErrorOf } from './db-errors.ts';
import { pg } from './pg.ts';

/**
 * Failures of the connection rather than of the statement: the server went away, restarted or
 * terminated the session, refused a new connection or the client's login (its database dropped, or
 * TENANT_DB_SECRET rotated without `pnpm migrate`), or a pool could not get one in time. They are
 * the client's database (or the control plane) being unavailable — TENANT_UNAVAILABLE or
 * SERVICE_UNAVAILABLE to the caller — never a bug, and never a reason for a process to exit.
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '53400', '3D000', '28P01', '28000']);
const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH']);
const MESSAGES =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed and is not queryable|Cannot use a pool after calling end/i;

/**
 * A database set ALLOW_CONNECTIONS false refusing a new connection: SQLSTATE 55000 (object not in
 * prerequisite state) with "is not currently accepting connections" — 55000 alone means more than
 * that, so the message decides.
 */
export function isRefusingConnections(err: unknown): boolean {
  const db = dbErrorOf(err);
  return db?.sqlState === '55000' && /is not currently accepting connections/i.test(db.message);
}

export function isConnectionFailure(err: unknown): boolean {
  const state = dbErrorOf(err)?.sqlState;
  if (state && (state.startsWith('08') || UNAVAILABLE_STATES.has(state))) return true;
  if (isRefusingConnections(err)) return true;
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current && typeof current === 'object'; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && NODE_CODES.has(code)) return true;
    if (typeof message === 'string' && MESSAGES.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * pg-pool stops listening for 'error' on a client while it is checked out, so a connection the
 * server terminates mid-request would raise an unhandled 'error' and end the process. Every pool
 * the product opens listens on the pool and on each client for its whole life; the request that
 * was using the connection gets the failure as its own error instead.
 */
export function guardPool<P extends pg.Pool>(pool: P, onError: (err: Error) => void = () => undefined): P {
  const open = new Set<pg.PoolClient>();
  openConnections.set(pool, open);
  pool.on('error', onError);
  pool.on('connect', (client) => {
    open.add(client);
    client.once('end', () => open.delete(client));
    client.on('error', onError);
  });
  return pool;
}

/** The connections of each guarded pool whose sockets have not closed yet (`endPool` waits for them). */
const openConnections = new WeakMap<object, Set<pg.PoolClient>>();

/**
 * How long a caller waits for a control-plane connection before it is refused (pg-pool's "timeout
 * exceeded when trying to connect": a connection failure above, marked as the control plane's, so
 * SERVICE_UNAVAILABLE from the gateway and from a subgraph alike). Without it a request waited for
 * ever behind a pool that never had a connection free again.
 */
export const CONTROL_CONNECTION_TIMEOUT_MS = 10_000;

/**
 * A control-plane pool as every process opens it (`pnpm start`'s shared one, each split service's,
 * the operator's admin one): ten connections, a bounded wait for one, guarded, and every error of
 * its connections marked as the control plane's (`isControlPlaneFailure`).
 */
export function controlPlanePool(
  connectionString: string | undefined,
  applicationName: string,
  opts: { onError?: (err: Error) => void; connectionTimeoutMs?: number } = {},
): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: opts.connectionTimeoutMs ?? CONTROL_CONNECTION_TIMEOUT_MS,
    application_name: applicationName,
  });
  return guardPool(markControlPlaneErrors(pool), opts.onError);
}

/** On an error of a control-plane connection (it is not a client's database that failed). */
const CONTROL_PLANE = Symbol('cifra.controlPlane');

function marked<E>(err: E): E {
  if (err !== null && typeof err === 'object' && Object.isExtensible(err) && !(CONTROL_PLANE in err))
    Object.defineProperty(err, CONTROL_PLANE, { value: true });
  return err;
}

type Callback = (err: unknown, ...rest: unknown[]) => void;

/** `fn` called with `args`, its error (returned promise or last-argument callback) marked. */
function markingCall(fn: (...args: unknown[]) => unknown, self: unknown, args: unknown[]): unknown {
  const last = args.at(-1);
  if (typeof last === 'function') {
    const callback = last as Callback;
    args[args.length - 1] = (err: unknown, ...rest: unknown[]) => callback(err && marked(err), ...rest);
    return fn.apply(self, args);
  }
  const returned = fn.apply(self, args);
  return returned instanceof Promise
    ? returned.catch((err: unknown) => Promise.reject(marked(err)))
    : returned;
}

/**
 * Mark what fails on `pool`: waiting for a connection or opening one (`connect`, through which
 * `pool.query` goes too) and every query of a connection it opens (a session the server ended).
 */
function markControlPlaneErrors(pool: pg.Pool): pg.Pool {
  const connect = pool.connect;
  pool.connect = function (this: pg.Pool, ...args: unknown[]) {
    return markingCall(connect as (...a: unknown[]) => unknown, this, args);
  } as pg.Pool['connect'];
  pool.on('connect', (client) => {
    const query = client.query;
    client.query = function (this: pg.PoolClient, ...args: unknown[]) {
      return markingCall(query as (...a: unknown[]) => unknown, this, args);
    } as pg.PoolClient['query'];
  });
  return pool;
}

/**
 * Whether `err` (or an error it wraps: drizzle's, a domain wrapper's) came from a control-plane
 * connection: a subgraph then answers that the firm's records cannot be reached (SERVICE_UNAVAILABLE),
 * not that a client's books cannot (TENANT_UNAVAILABLE).
 */
export function isControlPlaneFailure(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current && typeof current === 'object'; depth++) {
    if (CONTROL_PLANE in current) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** How long stopping waits for a pool's checked-out connections to come back. */
export const POOL_END_MS = 10_000;

/**
 * End a pool, waiting at most `ms` for the connections still checked out: pg's `end()` waits for
 * every one of them, so a single connection some code never gave back would hold a shutdown for
 * ever. What is still out after that is closed with the server or the process.
 *
 * pg's `end()` resolves once it has asked each idle connection to close, not once they have: a
 * database server stopped right after (the embedded one, last of a shutdown) would terminate them
 * mid-goodbye, and each would report it as an error. For a guarded pool, the wait includes their
 * sockets closing.
 */
export async function endPool(pool: Pick<pg.Pool, 'end'>, ms = POOL_END_MS): Promise<void> {
  const open = openConnections.get(pool);
  const closed = (client: pg.PoolClient) =>
    new Promise<void>((resolve) => {
      client.once('end', () => resolve());
      if (!open?.has(client)) resolve();
    });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    (async () => {
      await pool.end().catch(() => undefined);
      await Promise.all([...(open ?? [])].map(closed));
    })(),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms).unref();
    }),
  ]);
  clearTimeout(timer);
}
