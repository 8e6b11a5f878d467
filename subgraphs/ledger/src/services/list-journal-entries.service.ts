import { type PageInfo, pageInfoOf } from '@cifra/context';
import { type TenantDb, tenant } from '@cifra/db';
import { badInput, parseIsoDate } from '@cifra/domain';
import { and, desc, eq, gte, lte, type SQL, sql } from 'drizzle-orm';
import type { JournalEntry } from '../mappers.ts';

type SourceKind = JournalEntry['sourceKind'];

export interface JournalEntryFilter {
  from?: string | null;
  to?: string | null;
  status?: 'POSTED' | 'VOIDED' | null;
  sourceKind?: SourceKind | null;
  search?: string | null;
  accountCode?: string | null;
}

export const DEFAULT_ENTRY_PAGE = 50;
export const MAX_ENTRY_PAGE = 200;
/** Longest search text and account code accepted (party and item codes are at most 40 too). */
const MAX_SEARCH = 200;
const MAX_ACCOUNT_CODE = 40;

const je = tenant.journalEntries;
const voided = sql`EXISTS (SELECT 1 FROM ${tenant.voids} v WHERE v.entry_id = ${je.id})`;

/**
 * An entry's place in the list: posting date, then number. Numbers are unique, so the pair is a
 * total order and a keyset cursor never skips or repeats an entry, even while entries are posted
 * between pages (a new entry lands where its date and number put it).
 */
type Position = [postingDate: string, number: string];

export function encodeEntryCursor(p: Position): string {
  return Buffer.from(JSON.stringify(['je', ...p])).toString('base64url');
}

function decodeEntryCursor(cursor: string): Position {
  try {
    const p = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(p) &&
      p.length === 3 &&
      p[0] === 'je' &&
      typeof p[1] === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(p[1]) &&
      typeof p[2] === 'string' &&
      p[2].length > 0 &&
      p[2].length <= 100
    ) {
      return [p[1], p[2]];
    }
  } catch {
    // fall through
  }
  throw badInput('after: not a cursor this query returned', { field: 'after' });
}

/** `%` and `_` in the caller's text are matched literally. */
const likeLiteral = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export interface JournalEntryPage {
  edges: { cursor: string; node: JournalEntry }[];
  pageInfo: PageInfo;
}

function whereOf(filter: JournalEntryFilter): SQL[] {
  const where: SQL[] = [];
  const from = filter.from ? parseIsoDate(filter.from, 'filter.from') : null;
  const to = filter.to ? parseIsoDate(filter.to, 'filter.to') : null;
  // Refused as every range argument is, not answered with an empty list.
  if (from && to && from > to)
    throw badInput('filter.from: must not be after filter.to', { field: 'filter.from' });
  if (from) where.push(gte(je.postingDate, from));
  if (to) where.push(lte(je.postingDate, to));
  if (filter.status === 'VOIDED') where.push(voided);
  if (filter.status === 'POSTED') where.push(sql`NOT ${voided}`);
  if (filter.sourceKind) where.push(eq(je.sourceKind, filter.sourceKind));
  if (filter.search != null) {
    const text = filter.search.trim();
    if (text.length > MAX_SEARCH || text.includes('\0')) {
      throw badInput(`filter.search: at most ${MAX_SEARCH} characters`, { field: 'filter.search' });
    }
    if (text) {
      const pattern = likeLiteral(text);
      where.push(sql`(${je.memo} ILIKE ${pattern} OR ${je.number} ILIKE ${pattern})`);
    }
  }
  if (filter.accountCode != null) {
    const code = filter.accountCode.trim();
    if (!code || code.length > MAX_ACCOUNT_CODE || code.includes('\0')) {
      throw badInput(`filter.accountCode: an account code of 1 to ${MAX_ACCOUNT_CODE} characters`, {
        field: 'filter.accountCode',
      });
    }
    where.push(sql`EXISTS (SELECT 1 FROM ${tenant.glLines} l JOIN ${tenant.accounts} a ON a.id = l.account_id
      WHERE l.entry_id = ${je.id} AND a.code = ${code})`);
  }
  return where;
}

/**
 * One page of the client's posted journal entries, newest first (posting date, then number, both
 * descending). Fetches one row more than asked to tell whether a page follows.
 */
export async function listJournalEntries(
  db: TenantDb,
  args: { filter?: JournalEntryFilter | null; first?: number | null; after?: string | null },
): Promise<JournalEntryPage> {
  const first = args.first ?? DEFAULT_ENTRY_PAGE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_ENTRY_PAGE) {
    throw badInput(`first: between 0 and ${MAX_ENTRY_PAGE}`, { field: 'first' });
  }
  const where = whereOf(args.filter ?? {});
  if (args.after) {
    const [postingDate, number] = decodeEntryCursor(args.after);
    where.push(sql`(${je.postingDate}, ${je.number}) < (${postingDate}::date, ${number})`);
  }
  const rows = await db
    .select()
    .from(je)
    .where(and(...where))
    .orderBy(desc(je.postingDate), desc(je.number))
    .limit(first + 1);
  const edges = rows.slice(0, first).map((node) => ({
    cursor: encodeEntryCursor([node.postingDate, node.number]),
    node,
  }));
  return {
    edges,
    pageInfo: pageInfoOf(edges, rows.length > first, args.after),
  };
}
