import { decodeKeyCursor, edgeOf, encodeKeyCursor, type Page, pageInfoOf, pageSize } from '@cifra/context';
import { badInput, isUuid } from '@cifra/domain';
import type { BoardPageQuery, CloseBoardEntry } from '../services/close-board.service.ts';

export const DEFAULT_BOARD_PAGE = 100;
export const MAX_BOARD_PAGE = 500;

const TAG = 'board-client';

/**
 * `CloseBoard.clientsConnection`'s arguments as a page query. The cursor is a keyset on (client
 * name, id) in code point order, cut in SQL (close-board.service.ts): it keeps its place while
 * clients are added, and is valid on the board of any month.
 */
export function boardPageQuery(args: {
  first?: number | null;
  after?: string | null;
  clientId?: string | null;
}): BoardPageQuery {
  const first = pageSize(args.first, DEFAULT_BOARD_PAGE, MAX_BOARD_PAGE);
  let after: [string, string] | null = null;
  if (args.after) {
    after = decodeKeyCursor(TAG, args.after, 2) as [string, string];
    if (!isUuid(after[1])) throw badInput('after: not a cursor this query returned', { field: 'after' });
  }
  return { first, after, clientId: args.clientId ?? null };
}

const cursorOf = (line: CloseBoardEntry) => encodeKeyCursor(TAG, [line.client.name, line.client.id]);

/** A page's lines as the connection's edges, each with its cursor. */
export function boardPage(
  lines: readonly CloseBoardEntry[],
  more: boolean,
  after: string | null | undefined,
): Page<CloseBoardEntry> {
  const edges = lines.map((node) => edgeOf(node, cursorOf));
  return { edges, pageInfo: pageInfoOf(edges, more, after) };
}
