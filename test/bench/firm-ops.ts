/**
 * What the firm-scale benchmarks do through the gateway, shared: the whole close board a page at a
 * time, a batch period operation watched to its end, and a local stand-in for the ECB daily file.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { gql } from '../support/client.ts';
import type { BenchContext } from './harness.ts';

type Call = ReturnType<typeof gql>;

/** The board a page at a time (`clientsConnection`): a whole board is every page. */
const BOARD = `query($y: Int!, $m: Int!, $first: Int!, $after: String) { closeBoard(year: $y, month: $m) {
  unavailableCount behindCount
  clientsConnection(first: $first, after: $after) {
    edges { node { client { slug } availability periodState stage lastTransition { at } asOf freshness } }
    pageInfo { hasNextPage endCursor } } } }`;

export type BoardLine = { client: { slug: string }; periodState: string | null; freshness: string };
type BoardPage = {
  closeBoard: {
    unavailableCount: number;
    clientsConnection: {
      edges: { node: BoardLine }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  };
};

/** One month's whole board, page after page, as a screen showing every client reads it (or its first `pages`). */
export async function wholeBoard(
  call: Call,
  at: { year: number; month: number; page: number; pages?: number },
): Promise<{ lines: BoardLine[]; pages: number; unavailable: number }> {
  const lines: BoardLine[] = [];
  let after: string | null = null;
  let unavailable = 0;
  for (let pages = 1; ; pages++) {
    const r: Awaited<ReturnType<typeof call<BoardPage>>> = await call<BoardPage>(BOARD, {
      y: at.year,
      m: at.month,
      first: at.page,
      after,
    });
    if (r.errors || !r.data) throw new Error(`close board answered wrongly: ${JSON.stringify(r.errors)}`);
    const page = r.data.closeBoard.clientsConnection;
    lines.push(...page.edges.map((e) => e.node));
    unavailable = Math.max(unavailable, r.data.closeBoard.unavailableCount);
    if (!page.pageInfo.hasNextPage || pages === at.pages) return { lines, pages, unavailable };
    after = page.pageInfo.endCursor;
  }
}

/**
 * Where a page of the board's time goes, each variant timed `runs` times on the first page of
 * `first` lines (medians): the bench's page as it is, the same page without the counts (which read
 * every line of the board), its lines with one field each, and the counts alone.
 */
export async function boardBreakdown(
  call: Call,
  at: { year: number; month: number; first: number; runs: number },
): Promise<{ variant: string; medianMs: number; bytes: number }[]> {
  const line = 'client { slug } availability periodState stage lastTransition { at } asOf freshness';
  const variants: [string, string][] = [
    [
      'the page with its counts',
      `unavailableCount behindCount clientsConnection(first: $first) { edges { node { ${line} } } }`,
    ],
    ['the page without counts', `clientsConnection(first: $first) { edges { node { ${line} } } }`],
    ['the page, one field a line', 'clientsConnection(first: $first) { edges { node { client { slug } } } }'],
    // The page's clients and lines are still read and cut; only no line is executed or sent.
    ['the page, no line asked', 'clientsConnection(first: $first) { pageInfo { hasNextPage endCursor } }'],
    ['the counts alone', 'unavailableCount behindCount'],
  ];
  const out: { variant: string; medianMs: number; bytes: number }[] = [];
  for (const [variant, fields] of variants) {
    const vars = fields.includes('$first') ? '$y: Int!, $m: Int!, $first: Int!' : '$y: Int!, $m: Int!';
    const query = `query(${vars}) { closeBoard(year: $y, month: $m) { ${fields} } }`;
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i <= at.runs; i++) {
      const t0 = performance.now();
      const r = await call(query, {
        y: at.year,
        m: at.month,
        ...(vars.includes('$first') && { first: at.first }),
      });
      if (i > 0) times.push(performance.now() - t0); // the first run warms the gateway's plan
      if (r.errors) throw new Error(`${variant}: ${JSON.stringify(r.errors)}`);
      bytes = JSON.stringify(r.data).length;
    }
    times.sort((a, b) => a - b);
    out.push({ variant, medianMs: times[Math.floor((times.length - 1) / 2)] as number, bytes });
  }
  return out;
}

export interface BatchRun {
  totalMs: number;
  acceptedMs: number;
  counts: Record<string, number>;
  /** The distinct refusals of failed items: each code with its message. */
  failures: string[];
}

/** Start a batch period operation on `tenants` and wait for it to finish (the job worker runs it). */
export async function runBatch(
  call: Call,
  input: { tenants: string[]; year: number; month: number; action: string },
): Promise<BatchRun> {
  const t0 = performance.now();
  const start = await call<{ startBatchPeriodOperation: { id: string } }>(
    `mutation($i: StartBatchPeriodOperationInput!) { startBatchPeriodOperation(input: $i) { id } }`,
    { i: input },
  );
  if (start.errors || !start.data) throw new Error(JSON.stringify(start.errors));
  const acceptedMs = performance.now() - t0;
  const id = start.data.startBatchPeriodOperation.id;
  for (;;) {
    const r = await call<{ batchOperation: { status: string; counts: Record<string, number> } }>(
      `query($id: ID!) { batchOperation(id: $id) { status counts { done failed skipped } } }`,
      { id },
    );
    if (r.data?.batchOperation.status === 'FINISHED') {
      const totalMs = performance.now() - t0;
      const failed = await call<{
        batchOperation: { items: { errorCode: string | null; errorMessage: string | null }[] };
      }>(`query($id: ID!) { batchOperation(id: $id) { items { errorCode errorMessage } } }`, { id });
      const codes = (failed.data?.batchOperation.items ?? []).flatMap((i) =>
        i.errorCode ? [`${i.errorCode} (${i.errorMessage ?? 'no message'})`] : [],
      );
      return { totalMs, acceptedMs, counts: r.data.batchOperation.counts, failures: [...new Set(codes)] };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const ECB_DAILY = `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
<Cube><Cube time="2026-11-20"><Cube currency="USD" rate="1.0812"/><Cube currency="JPY" rate="162.53"/><Cube currency="GBP" rate="0.8543"/></Cube></Cube>
</gesmes:Envelope>`;

/** A local stand-in for the ECB daily file, closed when the benchmark ends; counts its requests. */
export async function ecbStandIn(ctx: BenchContext): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const http = createServer((_req, res) => {
    hits += 1;
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(ECB_DAILY);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  ctx.defer(() => new Promise((resolve) => http.close(resolve)));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/eurofxref-daily.xml`,
    hits: () => hits,
  };
}
