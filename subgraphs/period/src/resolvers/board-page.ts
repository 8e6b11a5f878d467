import { decodeKeyCursor, encodeKeyCursor, type Page, pageOf, pageSize } from '@cifra/context';
import { badInput } from '@cifra/domain';
import type { CloseBoardEntry } from '../services/close-board.service.ts';

export const DEFAULT_BOARD_PAGE = 100;
export const MAX_BOARD_PAGE = 500;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Client name then id, by code point: a total order every month's board shares. */
const compareKey = (a: readonly [string, string], b: readonly [string, string]): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;

const keyOf = (e: CloseBoardEntry): [string, string] => [e.client.name, e.client.id];

/**
 * One page of a month's close board (`CloseBoard.clientsConnection`), cut from the rows the board
 * computed for the caller: the paging surface only; how the rows are computed is the board's own
 * (close-board.service.ts). A keyset cursor on (client name, id) keeps its place while clients
 * are added, and is valid on the board of any month.
 */
export function pageBoard(
  entries: readonly CloseBoardEntry[],
  args: { first?: number | null; after?: string | null; clientId?: string | null },
): Page<CloseBoardEntry> {
  const first = pageSize(args.first, DEFAULT_BOARD_PAGE, MAX_BOARD_PAGE);
  let after: [string, string] | null = null;
  if (args.after) {
    after = decodeKeyCursor('board-client', args.after, 2) as [string, string];
    if (!UUID.test(after[1])) throw badInput('after: not a cursor this query returned', { field: 'after' });
  }
  const rows = entries
    .filter(
      (e) =>
        (args.clientId == null || e.client.id === args.clientId) &&
        (!after || compareKey(keyOf(e), after) > 0),
    )
    .sort((a, b) => compareKey(keyOf(a), keyOf(b)))
    .slice(0, first + 1);
  return pageOf(rows, first, args.after, (e) => encodeKeyCursor('board-client', keyOf(e)));
}
