import { inReadSnapshot, type pg, type TenantDb } from '@cifra/db';
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

/** `read` on the raw client of one read-only snapshot (`inReadSnapshot`): the queries are plain SQL. */
function inSnapshot<T>(db: TenantDb, read: (client: Queryable) => Promise<T>): Promise<T> {
  return inReadSnapshot(db, (snapshot) => read(snapshot.$client));
}

type Queryable = Pick<pg.PoolClient, 'query'>;

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
