import DataLoader from 'dataloader';
import { type TenantDb, tenantDb } from './drizzle.ts';
import { pg } from './pg.ts';

/**
 * Reads that the concurrent requests of one client share (docs/architecture/posting.md, "Shared
 * reads"). Concurrent requests of one client each read the same few small tables (the accounts
 * their lines name, the control accounts) — a manual entry did before it joined its group, until
 * the books' lane read them for the group — and requests answered together start their next
 * together: a statement each, each a round trip through the pool. Here
 * the reads of one kind that callers on one client database pool ask in the same turn of the event
 * loop go as one statement, and each caller gets its own part of the answer.
 *
 * Nothing is cached: a read waits at most until the end of the turn it was asked in and answers
 * what the database holds when the statement runs. Only reads on the pool itself are shared — a
 * read inside a transaction must see that transaction's snapshot and writes, so it runs alone on
 * it — and two pools (two clients) never share a statement.
 */
export interface SharedRead<K, V> {
  /** The values of `keys`, in their order; `keys` may repeat (each caller's keys, as asked). */
  load(db: Reader, keys: readonly K[]): Promise<V[]>;
}

/** What a shared read needs of a database: the pool's, or a transaction's. */
export type Reader = Pick<TenantDb, 'select' | 'execute'>;

const loaders = new WeakMap<pg.Pool, Map<SharedRead<unknown, unknown>, DataLoader<unknown, unknown>>>();

/** The pool a drizzle database runs on, looking through a traced per-request view; none for a transaction. */
export function poolOf(db: unknown): pg.Pool | undefined {
  let client: object | null = (db as { $client?: object }).$client ?? null;
  while (client && !Object.hasOwn(client, 'options')) client = Object.getPrototypeOf(client);
  return client instanceof pg.Pool ? client : undefined;
}

/**
 * `read`'s values for `keys`, read together with the same read's other callers on the same pool in
 * this turn of the event loop; on a transaction (or a single connection), read alone on it.
 */
export async function sharedRead<K, V>(db: Reader, read: SharedRead<K, V>, keys: readonly K[]): Promise<V[]> {
  if (keys.length === 0) return [];
  const pool = poolOf(db);
  if (!pool) return read.load(db, keys);
  let byRead = loaders.get(pool);
  if (!byRead) {
    byRead = new Map();
    loaders.set(pool, byRead);
  }
  let loader = byRead.get(read as SharedRead<unknown, unknown>) as DataLoader<K, V> | undefined;
  if (!loader) {
    // Untraced, on the pool itself: one statement answers the requests of several callers.
    const shared = tenantDb(pool);
    loader = new DataLoader<K, V>(async (batch) => read.load(shared, batch), {
      cache: false,
      // After every callback of this turn, so that callers resumed together are read together.
      batchScheduleFn: (run) => setImmediate(run),
    });
    byRead.set(read as SharedRead<unknown, unknown>, loader as DataLoader<unknown, unknown>);
  }
  const values = await loader.loadMany(keys);
  return values.map((v) => {
    if (v instanceof Error) throw v;
    return v;
  });
}
