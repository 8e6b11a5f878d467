import { pg, type TenantDb } from '@cifra/db';
import {
  countPartiesToState,
  loadPartyStatement,
  type PartyStatementData,
  partyRow,
  type StatementMinorUnitsOf,
  type StatementPartyKind,
} from '@cifra/exports';

/**
 * Statements' only door to the database. The queries themselves are packages/exports' (the
 * gateway draws the PDF from the same ones when a link is downloaded); here they run on one
 * connection in one read-only snapshot, so a statement's lines and its aging agree.
 */

type Queryable = Pick<pg.PoolClient, 'query'>;

async function inSnapshot<T>(db: TenantDb, read: (client: Queryable) => Promise<T>): Promise<T> {
  const source = db.$client;
  // A client already checked out (a caller's transaction) reads in that transaction.
  if (!(source instanceof pg.Pool)) return read(source);
  const client = await source.connect();
  let failed: unknown;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await read(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    failed = err;
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release(failed instanceof Error ? failed : undefined);
  }
}

export function statementOf(
  db: TenantDb,
  args: { partyId: string; from: string; to: string },
  minorUnitsOf: StatementMinorUnitsOf,
): Promise<PartyStatementData | null> {
  return inSnapshot(db, (client) => loadPartyStatement(client, args, minorUnitsOf));
}

export function partyOf(db: TenantDb, id: string) {
  return inSnapshot(db, (client) => partyRow(client, id));
}

export function partiesToStateCount(
  db: TenantDb,
  kind: StatementPartyKind,
  from: string,
  to: string,
  limit: number,
): Promise<number> {
  return inSnapshot(db, (client) => countPartiesToState(client, kind, from, to, limit));
}
