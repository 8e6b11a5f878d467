import { randomUUID } from 'node:crypto';
import type { Page } from '@cifra/context';
import { DomainError } from '@cifra/domain';
import { describe, expect, it } from 'vitest';
import { MAX_BOARD_PAGE, pageBoard } from '../src/resolvers/board-page.ts';
import type { VisibleClient } from '../src/services/close-board.service.ts';

/** `CloseBoard.clientsConnection`: the board's 1,500 clients, paged by client name then id. */
const client = (name: string, id = randomUUID()): VisibleClient => ({
  id,
  slug: name.toLowerCase().replaceAll(' ', '-'),
  name,
  timezone: 'America/Panama',
  sandbox: false,
  archived: false,
  permissions: [],
});

// Names repeat (every 700), and the board hands its rows in no particular order.
const board = Array.from({ length: 1_500 }, (_, i) =>
  client(`Client ${String(i % 700).padStart(3, '0')}`),
).reverse();

function all(rows: VisibleClient[], first: number) {
  const seen: VisibleClient[] = [];
  let after: string | null = null;
  for (let n = 0; n < 1_000; n++) {
    const page: Page<VisibleClient> = pageBoard(rows, { first, after });
    seen.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage) return seen;
    after = page.pageInfo.endCursor;
  }
  throw new Error('paging never ended');
}

const key = (c: VisibleClient) => `${c.name}\u0000${c.id}`;

describe('the close board paged', () => {
  it('pages all 1,500 clients once each, by name then id, whatever the page size', () => {
    for (const first of [7, 100, MAX_BOARD_PAGE]) {
      const seen = all(board, first);
      expect(seen).toHaveLength(1_500);
      expect(new Set(seen.map((c) => c.id)).size).toBe(1_500);
      const keys = seen.map(key);
      expect(keys).toEqual([...keys].sort());
    }
  });

  it('takes one month’s cursor for another month’s board, and keeps its place when a client is added', () => {
    const page = pageBoard(board, { first: 100 });
    const later = [...board, client('Aaa added before'), client('Zzz added after')];
    const rest = all(later, 500).filter((e) => key(e) > key(page.edges.at(-1)!.node));
    const next = pageBoard(later, { first: MAX_BOARD_PAGE, after: page.pageInfo.endCursor });
    expect(next.edges.map((e) => e.node)).toEqual(rest.slice(0, MAX_BOARD_PAGE));
    expect(rest.map((c) => c.name)).not.toContain('Aaa added before');
    expect(rest.at(-1)?.name).toBe('Zzz added after');
    expect(next.pageInfo.hasPreviousPage).toBe(true);
  });

  it('answers one client’s row by id, an empty page for an unknown one, and an empty board', () => {
    const target = board[321]!;
    expect(pageBoard(board, { clientId: target.id }).edges.map((e) => e.node)).toEqual([target]);
    expect(pageBoard(board, { clientId: randomUUID() })).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
    expect(pageBoard([], {}).edges).toEqual([]);
    const zero = pageBoard(board, { first: 0 });
    expect(zero.edges).toEqual([]);
    expect(zero.pageInfo.hasNextPage).toBe(true);
  });

  it('refuses a page over the maximum or negative (first) and a cursor it did not return (after)', () => {
    const refusal = (args: Parameters<typeof pageBoard>[1]) => {
      try {
        pageBoard(board, args);
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        return [(e as DomainError).code, (e as DomainError).details.field];
      }
      throw new Error('not refused');
    };
    expect(refusal({ first: MAX_BOARD_PAGE + 1 })).toEqual(['BAD_USER_INPUT', 'first']);
    expect(refusal({ first: -1 })).toEqual(['BAD_USER_INPUT', 'first']);
    const client = Buffer.from(JSON.stringify(['client', 'Client 001', randomUUID()])).toString('base64url');
    const notUuid = Buffer.from(JSON.stringify(['board-client', 'Client 001', 'x'])).toString('base64url');
    for (const after of ['garbage', client, notUuid])
      expect(refusal({ after })).toEqual(['BAD_USER_INPUT', 'after']);
  });
});
