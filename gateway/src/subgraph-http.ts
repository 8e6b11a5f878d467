import { STATUS_CODES } from 'node:http';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Pool } from 'undici';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

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
 * Sockets kept to one subgraph at most: requests beyond them wait in the pool for a free one rather
 * than open a connection each (a burst never becomes a storm of new connections to a subgraph).
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
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
        headers.append(name, one);
      }
    }
    return bufferedResponse(to, answer.statusCode, headers, await answer.body.text());
  };
  return { fetcher, close: () => pool.close() };
}

/** A subgraph's answer, read: what RemoteGraphQLDataSource asks of a fetch Response. */
function bufferedResponse(url: string, status: number, headers: Headers, body: string): FetcherResponse {
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
