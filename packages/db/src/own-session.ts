import { type ControlDb, controlDb } from './drizzle.ts';
import type { pg } from './pg.ts';

/**
 * Sessions of the control plane that an operation keeps for its whole run (docs/architecture/
 * backups.md, "Sessions of the control plane"): a backup, a restore, a move, a restore in place, a
 * drill, a sandbox deletion, an archiving, a provisioning, a sweep. Each holds advisory locks that
 * must live exactly as long as it does, so it works on one pooled connection of its own — and on
 * that one alone: every control-plane statement it runs goes through the `db` it is given here,
 * never through the pool again. One that held its session while waiting for another from the same
 * pool deadlocked the process once enough of them ran at once (five backups on `pnpm start`'s pool
 * of ten: each holding two, all waiting for an eleventh). And at most half of a pool's connections
 * are held so at once in each process: the others wait for a turn holding nothing, so requests
 * always find a connection.
 */
export type Session = Pick<pg.ClientBase, 'query'>;

export interface OwnSession {
  session: Session;
  /** The control plane on that session: everything the operation writes goes through it. */
  db: ControlDb;
  /** Mark the session broken (a lock it may still hold): it is destroyed rather than pooled. */
  broke(err: Error): void;
}

export const isPool = (c: ControlDb['$client']): c is pg.Pool =>
  typeof (c as pg.Pool).totalCount === 'number';

/** How many sessions of `pool` such operations hold at once in this process: half of it, at least one. */
export const heldSessionLimit = (pool: pg.Pool) => Math.max(1, Math.floor((pool.options.max ?? 10) / 2));

interface Turns {
  held: number;
  waiting: (() => void)[];
}
const turnsOf = new WeakMap<pg.Pool, Turns>();

/** Wait (holding nothing) until fewer than `heldSessionLimit(pool)` sessions are held; the release. */
async function takeTurn(pool: pg.Pool): Promise<() => void> {
  const t = turnsOf.get(pool) ?? { held: 0, waiting: [] };
  turnsOf.set(pool, t);
  if (t.held >= heldSessionLimit(pool)) await new Promise<void>((resolve) => t.waiting.push(resolve));
  else t.held += 1;
  // A turn given back passes straight to the next waiter, so `held` never counts it twice.
  return () => {
    const next = t.waiting.shift();
    if (next) next();
    else t.held -= 1;
  };
}

/**
 * Run `fn` on a control-plane session of its own: a pool's connection, taken in turn, or — when
 * `db` is already one session (an operation nested in another, or a single client) — that session.
 */
export async function onOwnSession<T>(db: ControlDb, fn: (s: OwnSession) => Promise<T>): Promise<T> {
  const pool = db.$client;
  if (!isPool(pool)) return fn({ session: pool, db, broke: () => undefined });
  const done = await takeTurn(pool);
  let broken: Error | undefined;
  // A connection that drops while idle reports it here; its locks are gone with it.
  const broke = (err: Error) => {
    broken = err;
  };
  try {
    const client = await pool.connect();
    client.on('error', broke);
    try {
      return await fn({ session: client, db: controlDb(client), broke });
    } catch (err) {
      broken ??= err as Error;
      throw err;
    } finally {
      client.off('error', broke);
      // A session that may still hold a lock is destroyed rather than pooled.
      client.release(broken ?? false);
    }
  } finally {
    done();
  }
}
