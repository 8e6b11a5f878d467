import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import {
  type ContextSigner,
  DRAIN_MS,
  jsonErrors,
  type Logger,
  nothingHere,
  requireJsonBody,
  tuneKeepAlive,
} from '@cifra/context';
import { type ControlDb, registerConsoleVersion } from '@cifra/db';
import type { ServiceTracing } from '@cifra/tracing';
import cors from 'cors';
import express from 'express';
import type { GraphQLFormattedError } from 'graphql';
import {
  admitByHeaders,
  admittedOf,
  type BodyLimits,
  DEFAULT_BODY_LIMITS,
  integrationCalling,
  readBody,
} from './admission.ts';
import { audiencePlugin, type IntrospectionPolicy } from './audience.ts';
import type { Authenticator } from './auth.ts';
import { createGatewayCaches, type GatewayCaches } from './caches.ts';
import { answerClientErrors } from './client-errors.ts';
import { consoleHandler } from './console.ts';
import {
  type ConsoleOidcClient,
  consoleConnectOrigins,
  consoleSignInConfig,
  consoleSignInRouter,
} from './console-sign-in.ts';
import {
  costLimitPlugin,
  DEFAULT_DEMAND_LIMITS,
  type DemandLimits,
  demandRefusal,
  demandValidationRules,
  integrationLimitsWithin,
  queryLengthLimit,
  tokenLimitError,
} from './demand-control.ts';
import { keepVendorTelemetryOff } from './env.ts';
import { continueAfterAdmission, refuseUnmetExpectation } from './expect-continue.ts';
import { type ExportServing, exportDownload } from './export-download.ts';
import { DEFAULT_FETCH_LANE_LIMITS, type FetchLaneLimits, FetchLanes } from './fetch-lanes.ts';
import type { GatewayContext } from './gateway-context.ts';
import {
  forgetAccessAfterMutations,
  integrationUsagePlugin,
  servedOperationsOnly,
} from './gateway-plugins.ts';
import { apolloHandler, graphqlPostListener } from './graphql-post.ts';
import { type LocalSignIn, localSignInRouter } from './local-sign-in.ts';
import { type IntegrationTokens, tokenEndpoint } from './oauth.ts';
import {
  GatewayMetrics,
  type MetricSources,
  operationNamesOf,
  requestTracing,
  traceOperationPlugin,
} from './observability.ts';
import { phaseSpansPlugin, planResolved } from './phase-spans.ts';
import { personRatePlugin, type RateLimits } from './rate-limits.ts';
import { SUBGRAPH_CONNECTIONS, type SubgraphClient, subgraphClient } from './subgraph-http.ts';
import { SubgraphSource } from './subgraph-source.ts';
import { fromThisMachine } from './this-machine.ts';
import { type ConsoleDocuments, trustedDocumentsOnly } from './trusted-documents.ts';

export interface GatewayOptions {
  port: number;
  host?: string;
  supergraphSdl: string;
  /** Where each subgraph answers, by subgraph name; overrides the URLs in the supergraph. */
  subgraphUrls: Readonly<Record<string, string>>;
  authenticator: Authenticator;
  signer: ContextSigner;
  control: ControlDb;
  log: Logger;
  /** Serving export downloads: the link verifier (public key only) and the tenant registry. */
  exports?: ExportServing;
  /** Browser origins allowed to call the API (CORS); none by default. */
  corsOrigins?: readonly string[];
  /**
   * How many proxies in front append to `X-Forwarded-For` (`TRUST_PROXY_HOPS`, default 0): the
   * source address the rate limits count is the one that many hops from the right
   * (`sourceAddress`), so that behind a load balancer each caller has a bucket of their own.
   */
  trustProxyHops?: number;
  /**
   * Demand control: what one request may ask (docs/architecture/gateway.md). `false` turns it off,
   * for measuring what it costs only: no deployable passes it.
   */
  limits?: Partial<DemandLimits> | false;
  /** The tighter limits of partner integrations and entity keys (never looser than `limits`). */
  integrationLimits?: Partial<DemandLimits>;
  /**
   * How long a caller's access is remembered across instances, in ms (default 1,000; 0 turns the
   * gateway's caches off): see `caches.ts`.
   */
  accessCacheMs?: number;
  /** Who may introspect the schema and see field suggestions (default: the firm's staff). */
  introspection?: IntrospectionPolicy;
  /**
   * Serve Prometheus metrics at /metrics (to this machine by a loopback name, or to anyone with
   * this bearer token), with what the process can report about its pools and job queue.
   */
  metrics?: MetricSources & { token?: string };
  /**
   * What a request's body may weigh (`BODY_MAX_BYTES`, `BULK_BODY_MAX_BYTES`): refused with 413
   * before it is read (docs/architecture/gateway.md).
   */
  bodyLimits?: Partial<BodyLimits>;
  /**
   * Each client's share of the connections to a subgraph, and how long a fetch waits for its turn
   * (`SUBGRAPH_FETCHES_PER_CLIENT`, `SUBGRAPH_FETCH_WAIT_MS`; gateway/src/fetch-lanes.ts).
   */
  subgraphFetches?: Partial<FetchLaneLimits>;
  /** Token buckets per person and per source address (docs/architecture/gateway.md). */
  rateLimits?: RateLimits;
  /**
   * How long `close` lets requests in flight finish, in ms, before it cuts them (default
   * `DRAIN_MS`): a shutdown stops taking connections at once.
   */
  drainMs?: number;
  /** Partner integrations' access tokens: `POST /oauth/token` is served when given (docs/partners.md). */
  integrationTokens?: IntegrationTokens;
  /**
   * Traces (OpenTelemetry): a span per request and per subgraph fetch, whose `traceparent` the
   * subgraph continues. Absent, nothing of it is installed.
   */
  tracing?: ServiceTracing;
  /**
   * Console sign-in with the local issuer's key (`/auth/local/*`, gateway/src/local-sign-in.ts).
   * Refused at start unless `authenticator` is the local issuer's.
   */
  localSignIn?: LocalSignIn;
  /** The built firm console (packages/console/dist), served at `/` beside the API. */
  console?: { dir: string };
  /**
   * The console's OIDC client at the firm's provider (CONSOLE_OIDC_CLIENT_ID…), told to the
   * console at `GET /auth/config` (gateway/src/console-sign-in.ts). Ignored with the local issuer.
   */
  consoleOidc?: ConsoleOidcClient;
  /** The console's persisted-documents manifest: people may send these documents by id. */
  consoleDocuments?: ConsoleDocuments['documents'];
  /**
   * The version of that manifest (its file's SHA-256, hex): registered in the control plane at
   * start beside earlier versions, whose documents a console of an earlier build still runs by
   * sending its version (`apollographql-client-version`) until it is retired (docs/console.md).
   */
  consoleManifestVersion?: string;
  /**
   * The firm's staff run only the console's documents: their query text is refused
   * (STAFF_TRUSTED_DOCUMENTS_ONLY; docs/console.md). Needs `consoleDocuments`.
   */
  staffTrustedDocumentsOnly?: boolean;
}

/** Headers a browser client may send across origins, and the ones it may read back. */
const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'x-tenant',
  'x-request-id',
  'apollographql-client-name',
  'apollographql-client-version',
  'apollo-require-preflight',
];

export interface RunningGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The only door for clients. It authenticates the caller, resolves the client named in the
 * X-Tenant header, checks membership, computes permissions, and forwards every subgraph request
 * with a short-lived context it signs itself; subgraphs believe nothing else.
 */
/**
 * What a client may see of an error: no subgraph name, no internal address, nothing of a
 * subgraph's HTTP answer. A subgraph that cannot be reached, or that answered the gateway's fetch
 * with an HTTP error (Apollo's `extensions.response`: its URL, status and body) — a 401 included,
 * which means the gateway's own context was refused, never the caller — is SERVICE_UNAVAILABLE.
 * Details stay in the log under the request's id.
 */
function clientSafe(formatted: GraphQLFormattedError, log: Logger): GraphQLFormattedError {
  const { serviceName, response, ...extensions } = formatted.extensions ?? {};
  const unreachable = /https?:\/\/|ECONNREFUSED|ECONNRESET|socket hang up/.test(formatted.message);
  if (unreachable || response !== undefined) {
    const { url, status } = (response ?? {}) as { url?: unknown; status?: unknown };
    log.error({ serviceName, message: formatted.message, url, status }, 'a subgraph could not be reached');
    return {
      message: 'A service behind the gateway is unavailable; try again shortly',
      path: formatted.path,
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    };
  }
  return serviceName === undefined ? formatted : { ...formatted, extensions };
}

export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const log = opts.log.child({ component: 'gateway' });
  // `false` only where the perimeter's cost is measured (pnpm bench observability).
  const demand = opts.limits !== false;
  const limits = { ...DEFAULT_DEMAND_LIMITS, ...(opts.limits || {}) };
  if (opts.staffTrustedDocumentsOnly && !opts.consoleDocuments) {
    throw new Error("Staff trusted documents only: the gateway needs the console's documents");
  }
  if (opts.consoleDocuments && opts.consoleManifestVersion) {
    await registerConsoleVersion(opts.control, opts.consoleManifestVersion, opts.consoleDocuments);
  }
  const caches = opts.accessCacheMs === 0 ? undefined : createGatewayCaches(opts.accessCacheMs);
  // Built before anything starts: with another authenticator than the local issuer's, this throws.
  const mountConsole = consoleRoutes(opts, log);
  keepVendorTelemetryOff();
  /** A keep-alive pool to each subgraph, closed with the gateway. */
  const clients: SubgraphClient[] = [];
  // Made before the server that drains it on stop; its request listener is added once built.
  const http: Server = createServer();
  const server = apolloServer(opts, { demand, limits, caches, clients, http, log });
  await server.start();

  const metrics = opts.metrics
    ? new GatewayMetrics(opts.metrics, operationNamesOf(opts.consoleDocuments))
    : undefined;
  const app = express();
  app.disable('x-powered-by');
  // Express's `req.ip` (proxy-addr): the address that many hops from the right of X-Forwarded-For.
  app.set('trust proxy', opts.trustProxyHops ?? 0);
  // No ETag on what the routes send (Express hashes every body for it): a GraphQL POST is never
  // revalidated, and the hash was 1 % of the gateway's CPU under load. The console's files keep
  // theirs (express.static and sendFile make their own).
  app.set('etag', false);
  /** What every request goes through first, POST /graphql included (graphql-post.ts). */
  const first = firstSteps(opts, log, metrics);
  app.use(...first);
  if (metrics) app.get('/metrics', metricsRoute(metrics, opts.metrics?.token));
  app.get('/healthz', healthRoute(opts.subgraphUrls));
  // A download is recorded before a byte is sent: HEAD (which Express would route to GET) sends
  // none, so it is not a download and is not served.
  app.head('/exports/:token', (_req, res) => void res.status(405).setHeader('Allow', 'GET').end());
  app.get('/exports/:token', exportDownload(opts.control, opts.exports, log, opts.rateLimits));
  if (opts.integrationTokens) {
    app.use(
      tokenEndpoint({
        control: opts.control,
        tokens: opts.integrationTokens,
        log,
        rateLimits: opts.rateLimits,
      }),
    );
  }
  const admitted = admissionSteps(opts, { caches, demand, limits, log });
  // Through Express: GET /graphql (a trusted document by id) and any path below /graphql/.
  app.use(
    '/graphql',
    ...admitted(false),
    expressMiddleware(server, { context: async ({ res }) => admittedOf(res) }),
  );

  // Last: every API route above keeps its path, and the console answers only what is left.
  mountConsole(app);

  const errors = jsonErrors(log);
  app.use(nothingHere, errors);
  // POST /graphql, the load, skips Express's router; the same steps run (graphql-post.ts).
  http.on(
    'request',
    graphqlPostListener(app, [...first, ...admitted(true), apolloHandler(server, admittedOf)], errors, log),
  );
  tuneKeepAlive(http);
  // Expect: 100-continue is answered after admission, so a refused body is never sent.
  continueAfterAdmission(http);
  // What Node's parser refuses (headers over 16 KiB, not HTTP, too slow) is a GraphQL error too.
  answerClientErrors(http, log);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}/graphql`,
    port,
    // Stops taking connections, lets the requests in flight finish (up to `drainMs`), then stops
    // the engine and the subgraph pools.
    close: async () => {
      await server.stop();
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}

/** What every request goes through first: its trace, a refused `Expect`, and CORS. */
function firstSteps(opts: GatewayOptions, log: Logger, metrics: GatewayMetrics | undefined) {
  // Nothing is cross-origin unless the firm lists the origin; a preflight is answered here.
  const allowedOrigins = new Set(opts.corsOrigins ?? []);
  return [
    requestTracing(log, metrics, opts.tracing),
    refuseUnmetExpectation,
    cors({
      origin: (origin, done) => done(null, origin !== undefined && allowedOrigins.has(origin)),
      credentials: true,
      allowedHeaders: CORS_ALLOWED_HEADERS,
      exposedHeaders: ['x-request-id'],
      maxAge: 600,
    }),
  ];
}

/**
 * The console's side of the gateway, mounted last: local sign-in (when on: built here, so that it
 * throws before anything starts if another authenticator than the local issuer's is configured),
 * the sign-in configuration the console reads, and the console's files.
 */
function consoleRoutes(opts: GatewayOptions, log: Logger): (app: express.Express) => void {
  const localSignIn = opts.localSignIn
    ? localSignInRouter({
        signIn: opts.localSignIn,
        authenticator: opts.authenticator,
        control: opts.control,
      })
    : undefined;
  const signInConfig = consoleSignInConfig({
    issuer: opts.authenticator.issuer,
    local: localSignIn !== undefined,
    client: opts.consoleOidc,
  });
  return (app) => {
    if (localSignIn) app.use(localSignIn);
    app.use(consoleSignInRouter(signInConfig));
    if (opts.console) app.use(consoleHandler(opts.console.dir, consoleConnectOrigins(signInConfig, log)));
  };
}

/**
 * Admission on /graphql, in order: a JSON body required; the caller, their access and their charge
 * from the headers; then the body, counted; its length; and trusted documents where they are the
 * rule. `plain`: plain JSON bodies read without body-parser (json-body.ts).
 */
function admissionSteps(
  opts: GatewayOptions,
  {
    caches,
    demand,
    limits,
    log,
  }: { caches?: GatewayCaches; demand: boolean; limits: DemandLimits; log: Logger },
): (plain: boolean) => express.RequestHandler[] {
  const admission = {
    authenticator: opts.authenticator,
    control: opts.control,
    integrationTokens: opts.integrationTokens,
    rateLimits: opts.rateLimits,
    bodyLimits: { ...DEFAULT_BODY_LIMITS, ...opts.bodyLimits },
    caches,
    tracing: opts.tracing,
    log,
  };
  const documents = opts.consoleDocuments
    ? {
        documents: opts.consoleDocuments,
        version: opts.consoleManifestVersion ?? null,
        staffOnly: opts.staffTrustedDocumentsOnly ?? false,
      }
    : undefined;
  return (plain) => [
    requireJsonBody,
    admitByHeaders(admission),
    readBody(admission, plain),
    ...(demand ? [queryLengthLimit(limits.maxQueryLength)] : []),
    trustedDocumentsOnly(opts.control, integrationCalling, documents),
  ];
}

/**
 * The engine: Apollo Gateway over the subgraphs (each reached by a keep-alive pool, added to
 * `clients`), behind Apollo Server with demand control, the audience's introspection, tracing,
 * integration usage, the access caches' forgetting and the per-person rate.
 */
function apolloServer(
  opts: GatewayOptions,
  {
    demand,
    limits,
    caches,
    clients,
    http,
    log,
  }: {
    demand: boolean;
    limits: DemandLimits;
    caches: GatewayCaches | undefined;
    clients: SubgraphClient[];
    http: Server;
    log: Logger;
  },
): ApolloServer<GatewayContext> {
  const gateway = new ApolloGateway({
    supergraphSdl: opts.supergraphSdl,
    buildService: ({ name, url }) => {
      const target = opts.subgraphUrls[name] ?? url ?? '';
      const client = subgraphClient(target);
      clients.push(client);
      const lanes = new FetchLanes(SUBGRAPH_CONNECTIONS, {
        ...DEFAULT_FETCH_LANE_LIMITS,
        ...opts.subgraphFetches,
      });
      return new SubgraphSource({ url: target }, name, opts.signer, opts.tracing, client.fetcher, lanes);
    },
    ...(opts.tracing ? { experimental_didResolveQueryPlan: planResolved(opts.tracing) } : {}),
  });
  return new ApolloServer<GatewayContext>({
    gateway,
    logger: log,
    includeStacktraceInErrorResponses: false,
    // Demand control runs before the gateway plans anything: the parser stops at the token limit,
    // validation at depth, aliases and directives, and the cost estimate before execution.
    parseOptions: demand ? { maxTokens: limits.maxTokens } : {},
    validationRules: demand ? demandValidationRules(limits) : [],
    plugins: [
      ApolloServerPluginDrainHttpServer({
        httpServer: http,
        stopGracePeriodMillis: opts.drainMs ?? DRAIN_MS,
      }),
      ...(demand
        ? [
            costLimitPlugin<GatewayContext>(
              limits,
              integrationLimitsWithin(limits, opts.integrationLimits),
              (ctx) => Boolean(ctx.access?.integration),
            ),
          ]
        : []),
      audiencePlugin(opts.introspection ?? 'staff'),
      traceOperationPlugin(),
      ...(opts.tracing ? [phaseSpansPlugin(opts.tracing)] : []),
      servedOperationsOnly,
      integrationUsagePlugin(opts.control, log),
      ...(caches ? [forgetAccessAfterMutations(caches)] : []),
      ...(opts.rateLimits ? [personRatePlugin(opts.rateLimits)] : []),
    ],
    formatError: (formatted, error) => {
      const tooMany = tokenLimitError(formatted.message, limits) ?? demandRefusal(error);
      if (tooMany) {
        const { http: _status, ...extensions } = tooMany.extensions;
        return { message: tooMany.message, extensions };
      }
      return clientSafe(formatted, log);
    },
    // The process stops its services in order (ops/src/shutdown.ts); Apollo's own signal handlers
    // would stop this server on their own and re-raise the signal.
    stopOnTerminationSignals: false,
  });
}

/** `GET /metrics`: Prometheus's text, to this machine (this-machine.ts) or to the bearer of `token`. */
function metricsRoute(metrics: GatewayMetrics, token: string | undefined) {
  return async (req: express.Request, res: express.Response) => {
    if (!(fromThisMachine(req) || (token && req.header('authorization') === `Bearer ${token}`))) {
      res.status(403).json({
        errors: [{ message: 'Metrics are not served to you', extensions: { code: 'FORBIDDEN' } }],
      });
      return;
    }
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  };
}

/** `GET /healthz`: each subgraph's own health, 503 when any does not answer in 2 s. */
function healthRoute(subgraphUrls: Readonly<Record<string, string>>) {
  return async (_req: express.Request, res: express.Response) => {
    const checks = await Promise.all(
      Object.entries(subgraphUrls).map(async ([name, url]) => {
        try {
          const r = await fetch(url.replace(/\/graphql$/, '/healthz'), {
            signal: AbortSignal.timeout(2_000),
          });
          return [name, r.ok ? 'ok' : 'unavailable'] as const;
        } catch {
          return [name, 'unavailable'] as const;
        }
      }),
    );
    const ok = checks.every(([, s]) => s === 'ok');
    res
      .status(ok ? 200 : 503)
      .json({ status: ok ? 'ok' : 'unavailable', subgraphs: Object.fromEntries(checks) });
  };
}
