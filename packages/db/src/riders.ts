import { isUuid } from '@cifra/domain';
import { sql } from 'drizzle-orm';

/** Ids inlined in a simple-protocol query (`ride`, `simpleQueries`) as a uuid[] literal: only UUIDs, checked, each once. */
export const uuidArray = (ids: readonly string[]) =>
  `'{${[...new Set(ids.filter(isUuid))].join(',')}}'::uuid[]`;

/** The rows of each statement of a simple query, in order. */
export type StatementRows = Record<string, unknown>[][];

/** What can run a query: a transaction (or database) of drizzle's. */
interface Executor {
  execute(query: ReturnType<typeof sql.raw>): Promise<unknown>;
}

interface Rider {
  statements: readonly string[];
  resolve: (rows: StatementRows) => void;
  reject: (error: unknown) => void;
}

/** Riders waiting for their transaction's next round trip. */
const waiting = new WeakMap<Executor, Rider[]>();

/** Statements asked now whose rows come with a later round trip of the same transaction (`ride`). */
export interface Riding {
  /** The statements' rows: sent now, alone, if no round trip has carried them yet. */
  rows(): Promise<StatementRows>;
}

/**
 * `statements` (inlined values only: they go by the simple protocol) asked now and sent ahead of the
 * transaction's next `simpleQueries`, in the same round trip, in the order asked — or alone, as soon
 * as their rows are wanted (`rows`). A group commit's lane asks a pass's reads and locks this way
 * just before the round trip of the pass before it, which carries them: one round trip where there
 * were two, and the statements still run in the order the lane means (docs/architecture/posting.md,
 * "One lane for every kind"). A statement that fails fails the round trip carrying it too.
 */
export function ride(tx: Executor, statements: readonly string[]): Riding {
  let rider: Rider | undefined;
  const answer = new Promise<StatementRows>((resolve, reject) => {
    rider = { statements, resolve, reject };
  });
  // Awaited by whoever wants the rows, who then sees the failure; never an unhandled rejection meanwhile.
  answer.catch(() => undefined);
  waiting.set(tx, [...(waiting.get(tx) ?? []), rider as Rider]);
  return {
    rows: () => {
      if (waiting.get(tx)?.includes(rider as Rider)) sendRiders(tx);
      return answer;
    },
  };
}

/** Named statements riding (`rideNamed`), their rows to come. */
export interface NamedRiding<K extends string> {
  /** The rows of the statements sent before the named ones, and of each named one (none for one not sent). */
  rows(): Promise<{ first: StatementRows; of: (name: K) => Record<string, unknown>[] }>;
}

/**
 * `ride` for statements known by name, after `first`: a statement given as '' is not sent (one that
 * could answer nothing still costs the server its parse, plan and messages), and answers no rows.
 */
export function rideNamed<K extends string>(
  tx: Executor,
  statements: Readonly<Record<K, string>>,
  first: readonly string[] = [],
): NamedRiding<K> {
  const names = (Object.keys(statements) as K[]).filter((k) => statements[k] !== '');
  const riding = ride(tx, [...first, ...names.map((k) => statements[k])]);
  return {
    rows: async () => {
      const results = await riding.rows();
      const named = new Map(names.map((k, i) => [k, results[first.length + i] ?? []]));
      return { first: results.slice(0, first.length), of: (name) => named.get(name) ?? [] };
    },
  };
}

/** The round trip of riders `sendRiders` sent alone on a transaction, while it is out. */
const out = new WeakMap<Executor, Promise<unknown>>();

/**
 * The riders waiting on `tx` sent now, alone, not awaited: each answered to whoever asked it. For a
 * pass with nothing of its own to send where the riders were meant to go: the database works on them
 * while the process goes on. Anything else asked of the transaction waits for `ridersAnswered`.
 */
export function sendRiders(tx: Executor): void {
  if (!waiting.has(tx)) return;
  const sent = simpleQueries(tx, []).catch(() => undefined);
  out.set(tx, sent);
  void sent.then(() => {
    if (out.get(tx) === sent) out.delete(tx);
  });
}

/**
 * Resolves once the riders `sendRiders` sent on `tx` have answered, at once when none is out. A
 * query asked of the transaction before then would wait behind them on its connection, a use `pg`
 * deprecates (to be refused in its next major version).
 */
export async function ridersAnswered(tx: Executor): Promise<void> {
  await out.get(tx);
}

/**
 * Statements sent as one query (the simple protocol: no parameters, so every value is inlined by
 * its caller), run by the server one after the other, after the riders waiting on `tx` (`ride`);
 * the rows of each of `statements`, in order. With none, the riders go alone (if any wait).
 */
export async function simpleQueries(tx: Executor, statements: readonly string[]): Promise<StatementRows> {
  const riders = waiting.get(tx) ?? [];
  waiting.delete(tx);
  const all = [...riders.flatMap((r) => r.statements), ...statements];
  if (all.length === 0) return [];
  let results: StatementRows;
  try {
    const answer = (await tx.execute(sql.raw(all.join(';\n')))) as
      | { rows: Record<string, unknown>[] }[]
      | { rows: Record<string, unknown>[] };
    // One statement answers one result, not a list of them.
    results = Array.isArray(answer) ? answer.map((r) => r.rows) : [answer.rows];
  } catch (error) {
    for (const r of riders) r.reject(error);
    throw error;
  }
  let at = 0;
  for (const r of riders) {
    r.resolve(results.slice(at, at + r.statements.length));
    at += r.statements.length;
  }
  return results.slice(at);
}
