import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { CONTEXT_HEADER, type ContextSigner } from '@cifra/context';
import { endSpan, isSampled, parentIn, type ServiceTracing, traceHeaders } from '@cifra/tracing';
import { GraphQLError } from 'graphql';
import type { FetchLanes } from './fetch-lanes.ts';
import type { GatewayContext } from './gateway-context.ts';

type ProcessOptions = Parameters<RemoteGraphQLDataSource<GatewayContext>['process']>[0];

/** One subgraph as the gateway reaches it: fair turns, signed context, trace parentage, pooled fetches. */
export class SubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
    private readonly subgraph: string,
    private readonly signer: ContextSigner,
    private readonly tracing: ServiceTracing | undefined,
    /** The pooled client to this subgraph (subgraph-http.ts). */
    fetcher: Fetcher,
    /** Each client's share of that pool's connections (fetch-lanes.ts). */
    private readonly lanes: FetchLanes,
  ) {
    super(config);
    this.fetcher = retryStaleSocket(tracing ? tracedFetcher(fetcher, subgraph, tracing) : fetcher);
  }

  /**
   * A fetch waits for its client's turn (its lane) before anything of it is made: let through, it
   * finds a connection free, so its context is signed (willSendRequest) as it leaves, never before
   * a wait that could outlast it.
   */
  override async process(options: ProcessOptions) {
    const access = options.context?.access;
    const client = access?.tenant?.id;
    const key = client ? `client:${client}` : access ? `firm:${access.userId}` : 'gateway';
    const release = await this.lanes.enter(key, () => laneRefusal(client !== undefined));
    try {
      return await super.process(options);
    } finally {
      release();
    }
  }

  /**
   * Each fetch carries a context signed for this subgraph alone, just before it leaves, usable
   * once: a captured header opens no other subgraph and cannot be replayed.
   */
  override async willSendRequest({
    request,
    context,
  }: Parameters<RemoteGraphQLDataSource<GatewayContext>['willSendRequest'] & {}>[0]) {
    // Also called for health checks with an empty context: those carry no identity.
    if (context?.access) {
      request.http?.headers.set(CONTEXT_HEADER, await this.signer.sign(context.access, this.subgraph));
    }
    // The execution's span (else the request's) goes with the fetch as its parent; the fetcher
    // makes the fetch's own span.
    const span = context?.trace?.execute ?? context?.trace?.span;
    if (this.tracing && span) {
      for (const [name, value] of Object.entries(traceHeaders(span.context)))
        request.http?.headers.set(name, value);
    }
  }

  /**
   * A subgraph answers 400 when a variable fails its scalar (a Money of "1e3"); its body is a
   * proper GraphQL error with a stable code, so pass that on rather than an internal error. Any
   * other HTTP error is Apollo's, with the answer in `extensions.response`: the gateway's failure,
   * which `clientSafe` (gateway.ts) answers as SERVICE_UNAVAILABLE without it.
   */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]) {
    if (response.status === 400) {
      const body = (await response
        .clone()
        .json()
        .catch(() => null)) as {
        errors?: { message?: string; extensions?: Record<string, unknown> }[];
      } | null;
      const first = body?.errors?.[0];
      if (first?.message && typeof first.extensions?.code === 'string') {
        return new GraphQLError(first.message, { extensions: first.extensions });
      }
    }
    return super.errorFromResponse(response);
  }
}

type Fetcher = RemoteGraphQLDataSource['fetcher'];

/**
 * A fetch that waited its bound for its lane: a client's (its books are slow to answer, and its
 * share of the way there is taken) or a person's firm-level requests'.
 */
function laneRefusal(ofClient: boolean): GraphQLError {
  return ofClient
    ? new GraphQLError(
        "This client's books are slow to answer and its requests are waiting: try again shortly",
        {
          extensions: { code: 'TENANT_UNAVAILABLE' },
        },
      )
    : new GraphQLError('A service behind the gateway is busy with your requests: try again shortly', {
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      });
}

/**
 * Each fetch of a traced request (willSendRequest put the request's `traceparent` on it) is a
 * client span under that request, and the subgraph gets the fetch's own `traceparent` instead.
 * Fetches outside a traced request (health checks) are sent as they are.
 */
export function tracedFetcher(fetcher: Fetcher, subgraph: string, tracing: ServiceTracing): Fetcher {
  return async (url, init) => {
    const parent = init?.headers ? parentIn(init.headers) : undefined;
    // Not traced, or not sampled: the request's own `traceparent` (flags 00) tells the subgraph
    // not to record either, and no span is made here.
    if (!parent || !isSampled(parent)) return fetcher(url, init);
    const target = new URL(url);
    const { span, context } = tracing.clientSpan(
      `POST ${subgraph}`,
      {
        'http.request.method': 'POST',
        'server.address': target.hostname,
        'server.port': Number(target.port || 80),
        'cifra.subgraph': subgraph,
      },
      parent,
    );
    try {
      const response = await fetcher(url, {
        ...init,
        headers: { ...init?.headers, ...traceHeaders(context) },
      });
      span.setAttribute('http.response.status_code', response.status);
      endSpan(span, response.ok ? 'OK' : `HTTP_${response.status}`);
      return response;
    } catch (err) {
      endSpan(span, (err as { code?: string }).code ?? 'FETCH_FAILED');
      throw err;
    }
  };
}

/** A socket the subgraph closed while it sat in the pool: the request never reached the server. */
const STALE_SOCKET = /ECONNRESET|EPIPE|UND_ERR_SOCKET|socket hang up|other side closed/i;

/**
 * A subgraph request that fails on a stale pooled socket is sent once more — only when it cannot
 * have changed anything (a query; a mutation is never sent twice).
 */
export function retryStaleSocket(fetcher: Fetcher): Fetcher {
  return async (url, init) => {
    try {
      return await fetcher(url, init);
    } catch (err) {
      const body = typeof init?.body === 'string' ? init.body : '{}';
      const isQuery = /^\s*(query\b|\{)/.test(String((JSON.parse(body) as { query?: unknown }).query ?? ''));
      const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
      const cause = [e.code, e.message, e.cause?.code, e.cause?.message].join(' ');
      if (!isQuery || !STALE_SOCKET.test(cause)) throw err;
      return fetcher(url, init);
    }
  };
}
