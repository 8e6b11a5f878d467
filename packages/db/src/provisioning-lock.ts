import type { ControlDb } from './drizzle.ts';
import { onOwnSession } from './own-session.ts';

/**
 * The advisory lock (namespace 'prov', key hashtext(slug)) an attempt holds while it creates a
 * client under that slug — provisioning and restoring alike — for the whole attempt, on a session
 * of its own. A PROVISIONING directory row whose lock is free is the leftover of a crashed attempt
 * (provisioning cleans it up); one whose lock is held is being made right now.
 */
export const PROVISIONING_LOCK = 0x70726f76;

/**
 * Run `fn` while this process holds the slug's provisioning lock on a session of its own
 * (`onOwnSession`), giving it the control plane on that session; `busy()` answers instead, without
 * waiting, when another attempt holds it.
 */
export function whileProvisioning<T>(
  db: ControlDb,
  slug: string,
  fn: (db: ControlDb) => Promise<T>,
  busy: () => T | Promise<T>,
): Promise<T> {
  return onOwnSession(db, async ({ session, db: own, broke }) => {
    const r = await session.query<{ held: boolean }>(
      'SELECT pg_try_advisory_lock($1, hashtext($2)) AS held',
      [PROVISIONING_LOCK, slug],
    );
    if (r.rows[0]?.held !== true) return busy();
    try {
      return await fn(own);
    } finally {
      // A session whose unlock failed may still hold the lock: destroyed rather than pooled.
      await session
        .query('SELECT pg_advisory_unlock($1, hashtext($2))', [PROVISIONING_LOCK, slug])
        .catch(broke);
    }
  });
}
