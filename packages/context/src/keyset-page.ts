import { badInput } from '@cifra/domain';
import { type PageInfo, pageInfoOf } from './page-info.ts';

/**
 * A cursor of one list: the list's tag and the sort key of the row it points at, as base64url
 * JSON. The tag keeps a cursor of one list from being taken by another.
 */
export function encodeKeyCursor(tag: string, key: readonly string[]): string {
  return Buffer.from(JSON.stringify([tag, ...key])).toString('base64url');
}

export function decodeKeyCursor(tag: string, cursor: string, parts: number): string[] {
  try {
    const p = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(p) &&
      p.length === parts + 1 &&
      p[0] === tag &&
      p.slice(1).every((x) => typeof x === 'string' && x.length > 0 && x.length <= 320)
    ) {
      return p.slice(1) as string[];
    }
  } catch {
    // fall through
  }
  throw badInput('after: not a cursor this query returned', { field: 'after' });
}

/** `first` within 0..max (BAD_USER_INPUT naming `first` otherwise); null means the default. */
export function pageSize(first: number | null | undefined, defaultSize: number, max: number): number {
  const n = first ?? defaultSize;
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw badInput(`first: between 0 and ${max}`, { field: 'first' });
  }
  return n;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
}

/**
 * An edge whose cursor is encoded when it is read: clients that page by `pageInfo.endCursor` (the
 * console, most integrations) never ask for each edge's, and a page of 500 need not encode 500.
 */
export function edgeOf<T>(node: T, cursorOf: (row: T) => string): { cursor: string; node: T } {
  let cursor: string | undefined;
  return {
    node,
    get cursor() {
      cursor ??= cursorOf(node);
      return cursor;
    },
  };
}

/** A page from rows fetched with `limit first + 1`: the extra row only says a page follows. */
export function pageOf<T>(
  rows: T[],
  first: number,
  after: string | null | undefined,
  cursorOf: (row: T) => string,
): Page<T> {
  const edges = rows.slice(0, first).map((node) => edgeOf(node, cursorOf));
  return { edges, pageInfo: pageInfoOf(edges, rows.length > first, after) };
}

/** Sort keys compared part by part, by code point: the total order of an in-memory page. */
export function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * A page of a list read whole (one firm's members, one client's keys: lists bounded by what owns
 * them, which the API still pages so that no answer grows with them): sorted by `keyOf` (which
 * must end with a unique part, an id), cut after the cursor's key, `first` of them (`sizes`: the
 * default and the maximum, and how many parts a key has if not 2). The cursor is the list's tag and
 * the row's key, as in SQL keyset pages.
 */
export function pageRows<T>(
  rows: readonly T[],
  tag: string,
  keyOf: (row: T) => string[],
  args: { first?: number | null; after?: string | null },
  sizes: { default: number; max: number; keyParts?: number },
): Page<T> {
  const first = pageSize(args.first, sizes.default, sizes.max);
  const keyed = rows.map((row) => ({ row, key: keyOf(row) }));
  // A cursor's parts are known from the rows, or from `keyParts` once the list is empty: a cursor
  // of a list that has since emptied still reads as an (empty) next page, not as a bad cursor.
  const parts = sizes.keyParts ?? keyed[0]?.key.length ?? 2;
  const after = args.after ? decodeKeyCursor(tag, args.after, parts) : null;
  const page = keyed
    .filter((r) => !after || compareKeys(r.key, after) > 0)
    .sort((a, b) => compareKeys(a.key, b.key))
    .slice(0, first + 1);
  const byRow = new Map(page.map((r) => [r.row, r.key]));
  return pageOf(
    page.map((r) => r.row),
    first,
    args.after,
    (row) => encodeKeyCursor(tag, byRow.get(row) ?? []),
  );
}
