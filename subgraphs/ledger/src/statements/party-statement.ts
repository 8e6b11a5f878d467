import type { TenantDb } from '@cifra/db';
import { badInput, DomainError, daysBetween, type IsoDate, parseId, parseIsoDate } from '@cifra/domain';
import type { PartyStatementData, StatementMinorUnitsOf } from '@cifra/exports';
import { partyOf, statementOf } from './store.ts';

/** The longest range one statement (or one archive of them) covers, in days counting both ends. */
export const MAX_STATEMENT_DAYS = 366;

/** The most lines one statement shows, all currencies together. */
export const MAX_STATEMENT_LINES = 5000;

/** `from` and `to` parsed and checked: not reversed, not longer than MAX_STATEMENT_DAYS. */
export function statementRange(args: { from: string; to: string }): { from: IsoDate; to: IsoDate } {
  const from = parseIsoDate(args.from, 'from');
  const to = parseIsoDate(args.to, 'to');
  if (from > to) throw badInput('from: must not be after to', { field: 'from' });
  if (daysBetween(from, to) + 1 > MAX_STATEMENT_DAYS) {
    throw badInput(`to: a statement covers at most ${MAX_STATEMENT_DAYS} days`, { field: 'to' });
  }
  return { from, to };
}

const unknownParty = (id: string) =>
  new DomainError('NOT_FOUND', `No customer or vendor ${id} in this client's books`, { id });

/** The party of a statement request, or NOT_FOUND (another client's party is unknown here too). */
export async function statementParty(db: TenantDb, partyId: string) {
  const id = parseId(partyId, 'partyId');
  const party = await partyOf(db, id);
  if (!party) throw unknownParty(id);
  return party;
}

/** `partyStatement`: the statement's figures, bigint minor units. */
export async function partyStatement(
  db: TenantDb,
  args: { partyId: string; from: string; to: string },
  minorUnitsOf: StatementMinorUnitsOf,
): Promise<PartyStatementData> {
  const id = parseId(args.partyId, 'partyId');
  const range = statementRange(args);
  const statement = await statementOf(db, { partyId: id, ...range }, minorUnitsOf);
  if (!statement) throw unknownParty(id);
  const lines = statement.currencies.reduce((n, c) => n + c.lines.length, 0);
  if (lines > MAX_STATEMENT_LINES) {
    throw badInput(
      `to: ${lines} entries from ${range.from} to ${range.to}; a statement shows at most ${MAX_STATEMENT_LINES}: ask for a shorter range`,
      {
        field: 'to',
        lines,
      },
    );
  }
  return statement;
}
