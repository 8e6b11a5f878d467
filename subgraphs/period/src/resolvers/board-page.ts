import { decodeKeyCursor, encodeKeyCursor, type Page, pageOf, pageSize } from '@cifra/context';
import { badInput } from '@cifra/domain';
import type { VisibleClient } from '../services/close-board.service.ts';

export const DEFAULT_BOARD_PAGE = 100;
export const MAX_BOARD_PAGE = 500;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Client name then id, by code point: a total order every month's board shares. */
const compareKey = (a: readonly [string, string], b: readonly [string, string]): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;

const keyOf = (c: Pick<VisibleClient, 'name' | 'id'>): [string, string] => [c.name, c.id];

/**
 * One page of a month's close board (`CloseBoard.clientsConnection`): which of the board's clients
 * it shows, cut before any line is read (close-board.service.ts reads the page's lines). A keyset
 * cursor on (client name, id) keeps its place while clients are added, and is valid on the board of
 * any month.
 */
export function pageBoard<C extends Pick<VisibleClient, 'name' | 'id'>>(
  clients: readonly C[],
  args: { first?: number | null; after?: string | null; clientId?: string | null },
): Page<C> {
  const first = pageSize(args.first, DEFAULT_BOARD_PAGE, MAX_BOARD_PAGE);
  let after: [string, string] | null = null;
  if (args.after) {
    after = decodeKeyCursor('board-client', args.after, 2) as [string, string];
    if (!UUID.test(after[1])) throw badInput('after: not a cursor this query returned', { field: 'after' });
  }
  const rows = clients
    .filter(
      (c) => (args.clientId == null || c.id === args.clientId) && (!after || compareKey(keyOf(c), after) > 0),
    )
    .sort((a, b) => compareKey(keyOf(a), keyOf(b)))
    .slice(0, first + 1);
  return pageOf(rows, first, args.after, (c) => encodeKeyCursor('board-client', keyOf(c)));
}
