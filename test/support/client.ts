/** A GraphQL client for tests: plain HTTP to the gateway, the way any frontend would call it. */
export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[];
}

/**
 * An INTERNAL_SERVER_ERROR is a bug, so a test that receives one it did not ask for fails right
 * there, with the answer in the message: no suite can pass by accident over a server error.
 */
export class UnexpectedInternalError extends Error {
  constructor(readonly result: GqlResult<unknown>) {
    super(`unexpected INTERNAL_SERVER_ERROR: ${JSON.stringify(result.errors)}`);
  }
}

export function gql(url: string, token?: string, tenant?: string, opts: { allowInternal?: boolean } = {}) {
  return async <T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GqlResult<T>> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (tenant) headers['x-tenant'] = tenant;
    const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const result: GqlResult<T> = {
      status: res.status,
      ...((await res.json()) as Omit<GqlResult<T>, 'status'>),
    };
    if (!opts.allowInternal && (res.status >= 500 || codes(result).includes('INTERNAL_SERVER_ERROR'))) {
      throw new UnexpectedInternalError(result);
    }
    return result;
  };
}

export const codes = (r: GqlResult<unknown>) => (r.errors ?? []).map((e) => e.extensions?.code);

/** A connection as a test selects it: `{ edges { node { … } } }`. */
export interface Nodes<T> {
  edges: { node: T }[];
}

/** The nodes of a connection's page, in order (none when it is missing). */
export const nodes = <T>(connection: Nodes<T> | null | undefined): T[] =>
  (connection?.edges ?? []).map((e) => e.node);
