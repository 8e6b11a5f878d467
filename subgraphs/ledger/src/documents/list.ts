import { type PageInfo, pageInfoOf } from '@cifra/context';
import { badInput, isUuid, parseId, parseIsoDate } from '@cifra/domain';
import {
  type DocumentKind,
  type DocumentRow,
  pageOfDocuments,
  type Reader,
  type SettlementStatus,
} from './store.ts';

export type { SettlementStatus } from './store.ts';

export interface DocumentFilter {
  kind?: DocumentKind | null;
  status?: DocumentRow['status'] | null;
  partyId?: string | null;
  settlementStatus?: SettlementStatus | null;
  from?: string | null;
  to?: string | null;
}

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 500;

/**
 * A document's place in the list: posting date, creation instant (as exact UTC text to the
 * microsecond, so no precision is lost through a JS Date) and id, the
 * tiebreak for documents created in one transaction.
 */
export type Position = [postingDate: string, createdAt: string, id: string];

/** The creation instant in UTC to the microsecond, as `pageOfDocuments` gives it. */
const TIMESTAMPTZ_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
export function encodeCursor(p: Position): string {
  return Buffer.from(JSON.stringify(p)).toString('base64url');
}

export function decodeCursor(cursor: string): Position {
  try {
    const p = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(p) &&
      p.length === 3 &&
      typeof p[0] === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(p[0]) &&
      typeof p[1] === 'string' &&
      TIMESTAMPTZ_TEXT.test(p[1]) &&
      typeof p[2] === 'string' &&
      isUuid(p[2])
    ) {
      return p as Position;
    }
  } catch {
    // fall through
  }
  throw badInput('after: not a cursor this query returned', { field: 'after' });
}

export interface DocumentPage {
  edges: { cursor: string; node: DocumentRow }[];
  pageInfo: PageInfo;
}

/**
 * One page of the client's documents, newest first: posting date, then creation, then id, all
 * descending — a total order, so a keyset cursor never skips or repeats a document, even when
 * documents are added between pages. Fetches one row more than asked to tell whether a page follows.
 */
export async function listDocuments(
  db: Reader,
  args: { filter?: DocumentFilter | null; first?: number | null; after?: string | null },
): Promise<DocumentPage> {
  const filter = args.filter ?? {};
  const first = args.first ?? DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) {
    throw badInput(`first: between 0 and ${MAX_PAGE}`, { field: 'first' });
  }
  const from = filter.from ? parseIsoDate(filter.from, 'from') : null;
  const to = filter.to ? parseIsoDate(filter.to, 'to') : null;
  if (from && to && from > to) throw badInput('from: must not be after to', { field: 'from' });
  const rows = await pageOfDocuments(
    db,
    {
      kind: filter.kind ?? null,
      status: filter.status ?? null,
      partyId: filter.partyId ? parseId(filter.partyId, 'filter.partyId') : null,
      from,
      to,
      settlementStatus: filter.settlementStatus ?? null,
    },
    args.after ? decodeCursor(args.after) : null,
    first + 1,
  );
  const edges = rows.slice(0, first).map(({ createdAtText: at, ...node }) => ({
    cursor: encodeCursor([node.postingDate, at, node.id]),
    node,
  }));
  return {
    edges,
    pageInfo: pageInfoOf(edges, rows.length > first, args.after),
  };
}
