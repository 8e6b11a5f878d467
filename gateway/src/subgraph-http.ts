import { STATUS_CODES } from 'node:http';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Pool } from 'undici';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;
type FetcherHeaders = FetcherResponse['headers'];

/**
 * The gateway's HTTP client to one subgraph: an undici connection pool kept alive to its origin,
 * asked with `pool.request` (undici's own API) rather than through `fetch`. Node's fetch is undici
 * too, but wraps every request and answer in WHATWG Request, Response and web streams; in a
 * profile of the gateway under load that wrapping was most of the 14 % the subgraph hop cost
 * (issue 17 §3). The answer is read whole (a subgraph answers JSON that Apollo parses whole anyway)
 * and handed to Apollo as the small Response it reads: status, headers, text or JSON.
 */
export interface SubgraphClient {
  fetcher: Fetcher;
  close(): Promise<void>;
}

/**
 * Sockets kept to one subgraph at most: a burst never becomes a storm of new connections to a
 * subgraph. The gateway lets no more fetches than this through at once, each client its share
 * (fetch-lanes.ts): requests beyond them wait there, in their client's turn, rather than in this
 * pool's one queue behind whichever client is slowest.
 */
export const SUBGRAPH_CONNECTIONS = 128;

export function subgraphClient(url: string, connections = SUBGRAPH_CONNECTIONS): SubgraphClient {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections });
  const fetcher: Fetcher = async (to, init) => {
    const where = to === url ? target : new URL(to);
    if (where.origin !== target.origin) throw new Error(`this client reaches ${target.origin} only`);
    const answer = await pool.request({
      path: `${where.pathname}${where.search}`,
      method: (init?.method ?? 'GET') as 'GET',
      headers: init?.headers,
      body: init?.body,
      signal: init?.signal,
    });
    const body = await answer.body.text();
    return bufferedResponse(to, answer.statusCode, new AnswerHeaders(answer.headers), body);
  };
  return { fetcher, close: () => pool.close() };
}

type Raw = Record<string, string | string[] | undefined>;

/**
 * A subgraph answer's headers as a fetch Response shows them, over undici's own object (names
 * already lower-case) rather than copied into a WHATWG `Headers` per answer: the data source only
 * ever asks for one or two of them. A value sent more than once reads as one, joined by ", ", as
 * `Headers.get` gives it.
 */
export class AnswerHeaders implements FetcherHeaders {
  constructor(private readonly raw: Raw) {}
  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
  set(name: string, value: string): void {
    this.raw[name.toLowerCase()] = value;
  }
  append(name: string, value: string): void {
    const known = this.get(name);
    this.set(name, known === null ? value : `${known}, ${value}`);
  }
  delete(name: string): void {
    delete this.raw[name.toLowerCase()];
  }
  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw).sort()) {
      const value = this.get(name);
      if (value !== null) yield [name, value];
    }
  }
  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }
  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/** A subgraph's answer, read: what RemoteGraphQLDataSource asks of a fetch Response. */
function bufferedResponse(
  url: string,
  status: number,
  headers: FetcherHeaders,
  body: string,
): FetcherResponse {
  return {
    url,
    status,
    statusText: STATUS_CODES[status] ?? '',
    ok: status >= 200 && status < 300,
    redirected: false,
    bodyUsed: false,
    headers,
    text: async () => body,
    json: async () => JSON.parse(body),
    arrayBuffer: async () => new TextEncoder().encode(body).buffer as ArrayBuffer,
    clone: () => bufferedResponse(url, status, headers, body),
  };
}
