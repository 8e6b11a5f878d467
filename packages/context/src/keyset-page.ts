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
      p.slice(1).every((x) => typeof x === 'string' && x.length > 0 && x.length <= 200)
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

/** A page from rows fetched with `limit first + 1`: the extra row only says a page follows. */
export function pageOf<T>(
  rows: T[],
  first: number,
  after: string | null | undefined,
  cursorOf: (row: T) => string,
): Page<T> {
  const edges = rows.slice(0, first).map((node) => ({ cursor: cursorOf(node), node }));
  return { edges, pageInfo: pageInfoOf(edges, rows.length > first, after) };
}
