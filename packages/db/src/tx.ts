import { sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';

/** Who is acting and why, for the transaction's history triggers and audit events. */
export interface Actor {
  userId: string | null;
  email: string | null;
  requestId?: string | null;
  clientName?: string | null;
  clientVersion?: string | null;
  reason?: string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: drizzle's database type is generic over its schema.
type AnyDb = NodePgDatabase<any>;
export type TxOf<D extends AnyDb> = Parameters<Parameters<D['transaction']>[0]>[0];

/**
 * Run `fn` in one transaction with the actor recorded as transaction-local settings
 * (`cifra.actor_id`, `cifra.actor_email`, `cifra.reason`, `cifra.request_id`), which history
 * triggers read; they vanish at commit, so a pooled connection never carries them to the next caller.
 */
export async function inTransaction<D extends AnyDb, T>(
  db: D,
  actor: Actor,
  fn: (tx: TxOf<D>) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT set_config('cifra.actor_id', ${actor.userId ?? ''}, true),
      set_config('cifra.actor_email', ${actor.email ?? ''}, true),
      set_config('cifra.reason', ${actor.reason ?? ''}, true),
      set_config('cifra.request_id', ${actor.requestId ?? ''}, true)`);
    return fn(tx as TxOf<D>);
  });
}
