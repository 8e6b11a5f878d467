import type { ControlDb } from './drizzle.ts';
import type { pg } from './pg.ts';

/**
 * The advisory lock (namespace 'prov', key hashtext(slug)) an attempt holds while it creates a
 * client under that slug — provisioning and restoring alike — for the whole attempt, on a session
 * of its own. A PROVISIONING directory row whose lock is free is the leftover of a crashed attempt
 * (provisioning cleans it up); one whose lock is held is being made right now.
 */
export const PROVISIONING_LOCK = 0x70726f76;

const isPool = (c: ControlDb['$client']): c is pg.Pool => typeof (c as pg.Pool).totalCount === 'number';

/**
 * Run `fn` while this process holds the slug's provisioning lock on a connection of its own;
 * `busy()` answers instead, without waiting, when another attempt holds it.
 */
export async function whileProvisioning<T>(
  db: ControlDb,
  slug: string,
  fn: () => Promise<T>,
  busy: () => T | Promise<T>,
): Promise<T> {
  const pool = db.$client;
  const client = isPool(pool) ? await pool.connect() : null;
  const session = client ?? pool;
  let broken: Error | undefined;
  let held = false;
  try {
    const r = await session.query<{ held: boolean }>(
      'SELECT pg_try_advisory_lock($1, hashtext($2)) AS held',
      [PROVISIONING_LOCK, slug],
    );
    held = r.rows[0]?.held === true;
    return held ? await fn() : await busy();
  } finally {
    if (held)
      await session
        .query('SELECT pg_advisory_unlock($1, hashtext($2))', [PROVISIONING_LOCK, slug])
        .catch((err: Error) => {
          broken = err;
        });
    // A connection whose unlock failed may still hold the lock: destroy it rather than pool it.
    client?.release(broken);
  }
}
