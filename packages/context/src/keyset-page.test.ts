import { describe, expect, it } from 'vitest';
import { encodeKeyCursor, pageOf, pageRows } from './keyset-page.ts';

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

describe('edgeOf', () => {
  it('encodes an edge cursor only when it is read, once, the same as encoded eagerly', () => {
    let encoded = 0;
    const cursorOf = (r: Row) => {
      encoded += 1;
      return encodeKeyCursor('rows', key(r));
    };
    const page = pageOf(rows, 3, null, cursorOf);
    // pageInfo's start and end cursors: the first and the last edge's, read once each.
    expect(encoded).toBe(2);
    expect(page.edges.map((e) => e.cursor)).toEqual(rows.map((r) => encodeKeyCursor('rows', key(r))));
    expect(page.edges.map((e) => e.cursor)).toHaveLength(3);
    expect(encoded).toBe(3);
    expect(JSON.parse(JSON.stringify(page.edges[1]))).toEqual({
      node: rows[1],
      cursor: encodeKeyCursor('rows', key(rows[1] as Row)),
    });
  });
});
