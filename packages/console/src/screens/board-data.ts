import type { ApolloClient } from '@apollo/client';
import { graphql } from '../__generated__/gql.ts';
import type { ConsoleBoardQuarterQuery } from '../__generated__/graphql.ts';
import { markStep } from '../page-marks.ts';
import type { CellStage } from '../stages.ts';

/**
 * The close board's data: every client × the twelve months of a year, loaded as fast as the API
 * allows (docs/console.md, "The board of 200 clients in under a second").
 *
 * - The API computes a month's board for every client the caller sees whatever the page asked
 *   (`closeBoard` pages in memory), so few large pages cost the server far less than many small
 *   ones: 390 clients a page.
 * - Three months of 390 clients a request keep the cost estimate under the gateway's limit (about
 *   24,900 of 25,000 with the `__typename`s Apollo asks for and each month's `banksReconciled`:
 *   test/schema/console-board-cost.test.ts),
 *   and the year's four quarters are asked at once, in parallel — four requests, so the shell's own
 *   requests still find one of the browser's six connections: a board of up to 390 clients is one
 *   round of four requests, 1,500 clients four rounds.
 * - It starts before the board's screen mounts (`prefetchBoard`, from the shell, while the shell's
 *   own `me` is on its way), and each quarter is shown as it arrives.
 */

export const BOARD_PAGE = 390;
const QUARTERS = [
  [1, 2, 3],
  [4, 5, 6],
  [7, 8, 9],
  [10, 11, 12],
] as const;
/** Pages a quarter reads at most: a guard against a server that never says it is done. */
const MAX_PAGES = 1_000;

/**
 * What the board shows of a month's page: its clients' rows, the fewest fields the cells need.
 * Sandbox clients come too, marked: the screen leaves them out (and out of its counts) until the
 * person asks to see them, as the API's own board does.
 */
export const BoardQuarterQuery = graphql(`
  query ConsoleBoardQuarter($year: Int!, $m1: Int!, $m2: Int!, $m3: Int!, $first: Int!, $after: String) {
    a: closeBoard(year: $year, month: $m1, includeSandboxes: true) {
      ...ConsoleBoardCells
    }
    b: closeBoard(year: $year, month: $m2, includeSandboxes: true) {
      ...ConsoleBoardCells
    }
    c: closeBoard(year: $year, month: $m3, includeSandboxes: true) {
      ...ConsoleBoardCells
    }
  }
  fragment ConsoleBoardCells on CloseBoard {
    month
    clientsConnection(first: $first, after: $after) {
      edges {
        node {
          client {
            id
            slug
            name
            sandbox
          }
          availability
          unavailableCode
          periodState
          stage
          banksReconciled
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

type Month = NonNullable<ConsoleBoardQuarterQuery['a']>;
export type BoardCell = Month['clientsConnection']['edges'][number]['node'];

/** One page of one month, as it arrived. */
export interface BoardChunk {
  /** 1 to 12. */
  month: number;
  cells: BoardCell[];
}

/** A year's board being loaded: its chunks so far, and whether (and how) it ended. */
export class BoardLoad {
  readonly chunks: BoardChunk[] = [];
  done = false;
  error: Error | null = null;
  /** Months with every page in. */
  readonly complete = new Set<number>();
  readonly startedAt = Date.now();
  private listeners = new Set<() => void>();

  constructor(
    client: Pick<ApolloClient, 'query'>,
    year: number,
    private readonly pageSize = BOARD_PAGE,
  ) {
    Promise.all(QUARTERS.map((months) => this.quarter(client, year, months))).then(
      () => this.finish(null),
      (error: unknown) => this.finish(error instanceof Error ? error : new Error(String(error))),
    );
  }

  /** Called on every chunk and at the end; returns the unsubscription. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit() {
    for (const l of this.listeners) l();
  }

  private finish(error: Error | null) {
    if (this.done) return;
    markStep('board-data');
    this.done = true;
    this.error = error;
    this.emit();
  }

  /** One quarter's months, page after page (every month orders its clients alike: one cursor serves three). */
  private async quarter(
    client: Pick<ApolloClient, 'query'>,
    year: number,
    [m1, m2, m3]: readonly [number, number, number],
  ) {
    let after: string | null = null;
    for (let n = 0; n < MAX_PAGES && !this.error; n++) {
      const result: { data?: ConsoleBoardQuarterQuery } = await client.query({
        query: BoardQuarterQuery,
        variables: { year, m1, m2, m3, first: this.pageSize, after },
        fetchPolicy: 'no-cache',
      });
      markStep('board-first-data');
      const months = [result.data?.a, result.data?.b, result.data?.c];
      months.forEach((m, i) => {
        this.chunks.push({
          month: [m1, m2, m3][i] ?? 0,
          cells: m?.clientsConnection.edges.map((e) => e.node) ?? [],
        });
      });
      const next = months.find((m) => m?.clientsConnection.pageInfo.hasNextPage)?.clientsConnection.pageInfo
        .endCursor;
      if (!next) {
        for (const m of [m1, m2, m3]) this.complete.add(m);
        this.emit();
        return;
      }
      this.emit();
      after = next;
    }
  }
}

/**
 * Loads started ahead of the board's screen, by Apollo Client (one per signed-in person) and year.
 * The screen takes its load from here once (a later visit loads the board afresh).
 */
const started = new WeakMap<ApolloClient, Map<number, BoardLoad>>();

/** A prefetched load older than this is not shown: the board is read afresh. */
const PREFETCH_FRESH_MS = 30_000;

export function prefetchBoard(client: ApolloClient, year: number): void {
  const byYear = started.get(client) ?? new Map<number, BoardLoad>();
  started.set(client, byYear);
  if (!byYear.has(year)) byYear.set(year, new BoardLoad(client, year));
}

/** The load prefetched for this year if it is fresh, or a new one. */
export function takeBoardLoad(client: ApolloClient, year: number): BoardLoad {
  const byYear = started.get(client);
  const load = byYear?.get(year);
  byYear?.delete(year);
  return load && Date.now() - load.startedAt < PREFETCH_FRESH_MS ? load : new BoardLoad(client, year);
}

/** One client's line of the board. */
export interface BoardRow {
  id: string;
  slug: string;
  name: string;
  /** A sandbox client: marked, and shown only when the board is asked to. */
  sandbox: boolean;
  /**
   * Index 0 is January; null while that month is still on its way. `banks`: every bank account
   * reconciled through the month's end (null: not checked, e.g. no bank account or a locked month).
   */
  cells: ({ stage: CellStage; detail: string | null; banks: boolean | null } | null)[];
}

/** The rows so far, by client name: a month not in yet leaves its cells unknown (null). */
export function rowsOf(chunks: readonly BoardChunk[]): BoardRow[] {
  const rows = new Map<string, BoardRow>();
  for (const { month, cells } of chunks) {
    for (const entry of cells) {
      let row = rows.get(entry.client.id);
      if (!row) {
        row = {
          id: entry.client.id,
          slug: entry.client.slug,
          name: entry.client.name,
          sandbox: entry.client.sandbox,
          cells: Array.from({ length: 12 }, () => null),
        };
        rows.set(entry.client.id, row);
      }
      row.cells[month - 1] =
        entry.availability === 'UNAVAILABLE'
          ? { stage: 'UNAVAILABLE', detail: entry.unavailableCode ?? null, banks: null }
          : {
              stage: entry.stage ?? 'NO_PERIOD',
              detail: entry.periodState ?? null,
              banks: entry.banksReconciled ?? null,
            };
    }
  }
  return [...rows.values()].sort((a, b) => a.name.localeCompare(b.name));
}
