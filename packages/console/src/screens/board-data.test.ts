import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoardLoad, rowsOf } from './board-data.ts';

/**
 * The board's loader against a fake API that pages like closeBoard's clientsConnection (every
 * month orders its clients alike, `after` is the last client's cursor): every client × month
 * arrives exactly once whatever the page size, each quarter pages on its own, a refusal ends it.
 */
type Stage = 'OPEN' | 'CLOSED';
interface FakeClient {
  id: string;
  name: string;
}
const stageOf = (c: FakeClient, month: number): Stage =>
  (Number(c.id.slice(1)) + month) % 3 === 0 ? 'CLOSED' : 'OPEN';

function fakeApi(clients: FakeClient[], opts: { failOn?: (v: Vars) => boolean } = {}) {
  const sorted = [...clients].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const calls: Vars[] = [];
  const month = (m: number, first: number, after: string | null) => {
    const start = after === null ? 0 : sorted.findIndex((c) => c.id === after) + 1;
    const page = sorted.slice(start, start + first);
    return {
      month: m,
      clientsConnection: {
        edges: page.map((c) => ({
          node: {
            client: { id: c.id, slug: c.id, name: c.name },
            availability: m === 7 && c.id === 'c3' ? 'UNAVAILABLE' : 'AVAILABLE',
            unavailableCode: m === 7 && c.id === 'c3' ? 'CONNECTION_REFUSED' : null,
            periodState: 'UNLOCKED',
            stage: stageOf(c, m),
          },
        })),
        pageInfo: { hasNextPage: start + first < sorted.length, endCursor: page.at(-1)?.id ?? null },
      },
    };
  };
  const client = {
    query: async ({ variables: v }: { variables: Vars }) => {
      calls.push(v);
      await new Promise((r) => setTimeout(r, 0));
      if (opts.failOn?.(v)) throw new Error('FORBIDDEN');
      return {
        data: {
          a: month(v.m1, v.first, v.after),
          b: month(v.m2, v.first, v.after),
          c: month(v.m3, v.first, v.after),
        },
      };
    },
  };
  return { client: client as never, calls, sorted };
}
interface Vars {
  year: number;
  m1: number;
  m2: number;
  m3: number;
  first: number;
  after: string | null;
}

const finished = (load: BoardLoad) =>
  new Promise<void>((resolve) => {
    if (load.done) return resolve();
    const stop = load.subscribe(() => {
      if (load.done) {
        stop();
        resolve();
      }
    });
  });

const clientsOf = (n: number): FakeClient[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `c${i}`,
    name: `Client ${String.fromCharCode(65 + ((i * 7) % 26))} ${i}`,
  }));

describe('the board loader', () => {
  it('reads every client × month once, by quarters paged side by side, and orders rows by name', async () => {
    const api = fakeApi(clientsOf(7));
    const load = new BoardLoad(api.client, 2026, 3);
    let emits = 0;
    const partial: number[] = [];
    load.subscribe(() => {
      emits++;
      if (!load.done)
        partial.push(
          rowsOf(load.chunks)
            .flatMap((r) => r.cells)
            .filter((c) => c === null).length,
        );
    });
    await finished(load);
    expect(load.error).toBeNull();
    // Four quarters × three pages (7 clients, 3 a page), each month of a quarter in the same request.
    expect(api.calls).toHaveLength(12);
    expect(new Set(api.calls.map((c) => `${c.m1},${c.m2},${c.m3}`))).toEqual(
      new Set(['1,2,3', '4,5,6', '7,8,9', '10,11,12']),
    );
    expect(api.calls.filter((c) => c.m1 === 1).map((c) => c.after)).toEqual([
      null,
      api.sorted[2]!.id,
      api.sorted[5]!.id,
    ]);
    expect([...load.complete].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(emits).toBe(13);
    // Shown as it arrives: some cells were still unknown before the end.
    expect(partial.some((n) => n > 0)).toBe(true);
    const rows = rowsOf(load.chunks);
    expect(rows.map((r) => r.id)).toEqual(
      [...api.sorted].sort((a, b) => a.name.localeCompare(b.name)).map((c) => c.id),
    );
    const c3 = rows.find((r) => r.id === 'c3')!;
    // A client that did not answer: no bank mark either.
    expect(c3.cells[6]).toEqual({ stage: 'UNAVAILABLE', detail: 'CONNECTION_REFUSED', banks: null });
    expect(c3.cells[0]).toEqual({
      stage: stageOf({ id: 'c3', name: '' }, 1),
      detail: 'UNLOCKED',
      banks: null,
    });
  });

  it('has every client’s twelve months whatever the firm’s size and the page size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 12 }), async (n, page) => {
        const api = fakeApi(clientsOf(n));
        const load = new BoardLoad(api.client, 2026, page);
        await finished(load);
        const rows = rowsOf(load.chunks);
        expect(rows).toHaveLength(n);
        for (const r of rows) {
          expect(r.cells.every((c) => c !== null)).toBe(true);
          expect(r.cells.map((c) => c?.stage).filter((s) => s !== 'UNAVAILABLE')).toEqual(
            Array.from({ length: 12 }, (_, i) => stageOf({ id: r.id, name: '' }, i + 1)).filter(
              (_, i) => !(i === 6 && r.id === 'c3'),
            ),
          );
        }
        // Four requests a round, as many rounds as pages.
        expect(api.calls).toHaveLength(4 * Math.max(1, Math.ceil(n / page)));
      }),
      { numRuns: 40 },
    );
  });

  it('ends with the refusal when a page is refused, and asks no further page', async () => {
    const api = fakeApi(clientsOf(9), { failOn: (v) => v.m1 === 4 && v.after !== null });
    const load = new BoardLoad(api.client, 2026, 3);
    await finished(load);
    expect(load.error?.message).toBe('FORBIDDEN');
    expect(load.complete.has(4)).toBe(false);
    const before = api.calls.length;
    await new Promise((r) => setTimeout(r, 20));
    // The other quarters stop at their next page rather than read the year to its end.
    expect(api.calls.length).toBe(before);
    expect(api.calls.length).toBeLessThan(12);
  });
});
