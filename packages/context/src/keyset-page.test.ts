import { describe, expect, it } from 'vitest';
import { encodeKeyCursor, pageRows } from './keyset-page.ts';

type Row = { name: string; id: string; day: string };
const rows: Row[] = [
  { name: 'b', id: '2', day: '2026-01-02' },
  { name: 'a', id: '1', day: '2026-01-01' },
  { name: 'a', id: '3', day: '2026-01-01' },
];
const key = (r: Row) => [r.name, r.id, r.day];
const SIZES = { default: 2, max: 10, keyParts: 3 };

describe('pageRows', () => {
  it('pages by key, and the pages joined are the list in order, once each', () => {
    const first = pageRows(rows, 'rows', key, {}, SIZES);
    expect(first.edges.map((e) => e.node.id)).toEqual(['1', '3']);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = pageRows(rows, 'rows', key, { after: first.pageInfo.endCursor }, SIZES);
    expect(next.edges.map((e) => e.node.id)).toEqual(['2']);
    expect(next.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('takes a cursor of a list that has since become empty as an empty page, not a bad cursor', () => {
    const cursor = encodeKeyCursor('rows', ['a', '3', '2026-01-01']);
    const page = pageRows([] as Row[], 'rows', key, { after: cursor }, SIZES);
    expect(page.edges).toEqual([]);
    expect(page.pageInfo.hasNextPage).toBe(false);
  });

  it("refuses another list's cursor, a garbled one and a page over the maximum as BAD_USER_INPUT", () => {
    const other = encodeKeyCursor('other', ['a', '3', '2026-01-01']);
    for (const args of [{ after: other }, { after: 'garbled' }, { first: 11 }, { first: -1 }]) {
      expect(() => pageRows(rows, 'rows', key, args, SIZES)).toThrow(
        expect.objectContaining({ code: 'BAD_USER_INPUT' }),
      );
    }
  });
});
