import { type TenantDb, tenantDb } from './drizzle.ts';
import { pg } from './pg.ts';
import type { TxOf } from './tx.ts';
import { isConnectionFailure } from './unavailable.ts';

/** What `lazyBegin` needs of a connection: its promise-form `query` (and a pool's `release`). */
type Connection = Pick<pg.Client, 'query'> & Partial<Pick<pg.PoolClient, 'release'>>;
type Result = { command: string; rows: unknown[]; rowCount: number | null; fields: unknown[] };

/** The statements drizzle's `transaction()` sends to open and end a transaction. */
const BEGIN = 'begin';
const ENDS = new Set(['commit', 'rollback']);

/** The text of a query asked in any of `pg`'s forms (a string, or a config object). */
const textOf = (config: unknown): string | undefined =>
  typeof config === 'string' ? config : (config as { text?: string } | null)?.text;

/**
 * Whether a query goes by the simple protocol, so that other statements can share its message:
 * `pg` prepares a query with a name, values, or in extended mode.
 */
function isSimple(config: unknown, values: unknown): boolean {
  if (Array.isArray(values) && values.length > 0) return false;
  if (typeof config === 'string') return true;
  const c = config as { name?: string; values?: unknown[]; queryMode?: string };
  return !c.name && !(c.values && c.values.length > 0) && c.queryMode !== 'extended';
}

const done = (command: string): Result => ({ command, rows: [], rowCount: null, fields: [] });

/**
 * The connection `client` with its transaction's `BEGIN` held back and sent with the first
 * statement that follows it: in the same message when that statement goes by the simple protocol
 * (a group commit's first round trip, its riders: docs/architecture/posting.md, "Group commit"), so
 * the group waits for one round trip fewer; else just before it, as drizzle would have. A
 * transaction that sends nothing sends no `BEGIN`, no `COMMIT` and no `ROLLBACK`. Promise-form
 * queries only (drizzle's); each is sent once the one before has answered, as drizzle sends them.
 */
export function lazyBegin(client: Connection): Connection {
  let held = false;
  const query = async (config: unknown, values?: unknown): Promise<unknown> => {
    const text = textOf(config)?.trim().toLowerCase();
    if (text === BEGIN) {
      held = true;
      return done('BEGIN');
    }
    if (held && text !== undefined && ENDS.has(text)) {
      held = false;
      return done(text.toUpperCase());
    }
    if (!held) return client.query(config as string, values as unknown[]);
    held = false;
    if (!isSimple(config, values)) {
      await client.query('BEGIN');
      return client.query(config as string, values as unknown[]);
    }
    const asked = typeof config === 'string' ? { text: config } : (config as object);
    const answer = (await client.query(
      { ...asked, text: `BEGIN;\n${textOf(config)}` } as pg.QueryConfig,
      values as unknown[],
    )) as unknown as Result[];
    // The BEGIN's own result first; one statement after it answers one result, not a list.
    const rest = answer.slice(1);
    return rest.length === 1 ? rest[0] : rest;
  };
  return { query: query as Connection['query'], release: (err) => client.release?.(err) };
}

/**
 * `work` in a transaction of drizzle's on `db`'s connection whose BEGIN rides with its first
 * statement (`lazyBegin`): on a pool (or a traced view of one), a connection checked out for it and
 * given back — dropped if it was lost — as drizzle's own `transaction()` does.
 */
export async function inLazyTransaction<T>(
  db: TenantDb,
  work: (tx: TxOf<TenantDb>) => Promise<T>,
): Promise<T> {
  const client = db.$client;
  if (!(client instanceof pg.Pool)) return tenantDb(lazyBegin(client) as pg.PoolClient).transaction(work);
  const connection = await client.connect();
  let lost: Error | undefined;
  try {
    return await tenantDb(lazyBegin(connection) as pg.PoolClient).transaction(work);
  } catch (error) {
    if (isConnectionFailure(error)) lost = error as Error;
    throw error;
  } finally {
    connection.release(lost);
  }
}
