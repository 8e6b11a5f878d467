import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { expressMiddleware } from '@as-integrations/express5';
import {
  type Actor,
  ARCHIVED_READ_ONLY,
  type ControlDb,
  clientChangeAnnouncer,
  isArchived,
  type TenantDb,
  type TenantRegistry,
  tenantDb,
} from '@cifra/db';
import { badInput, DomainError, findBadArgumentText } from '@cifra/domain';
import type { ExportLinkSigner } from '@cifra/exports';
import { buildShield, type Permission, type PermissionContext, type RuleMap } from '@cifra/permissions';
import {
  type Context,
  endSpan,
  markOutcome,
  type ServiceTracing,
  type Span,
  type Tracing,
  tracedPool,
} from '@cifra/tracing';
import { sql } from 'drizzle-orm';
import express, { type RequestHandler } from 'express';
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  getNamedType,
  isObjectType,
  parse,
} from 'graphql';
import { applyMiddleware, type IMiddleware, type IMiddlewareFunction } from 'graphql-middleware';
import { nameBadScalars } from './bad-scalars.ts';
import { formatSubgraphError } from './errors.ts';
import {
  DRAIN_MS,
  jsonErrors,
  nothingHere,
  requireJsonBody,
  SUBGRAPH_BODY_LIMIT_BYTES,
  tuneKeepAlive,
} from './http.ts';
import type { Logger } from './logger.ts';
import { CONTEXT_HEADER, type ContextVerifier, type RequestContext } from './signed-context.ts';

export interface SubgraphDeps {
  control: ControlDb;
  registry: TenantRegistry;
  verifier: ContextVerifier;
  log: Logger;
  /** Signs export download links (the ledger subgraph); the gateway holds the verifying key. */
  exportLinks?: ExportLinkSigner;
  /** Traces: each subgraph reports as its own service. Absent, nothing of it is installed. */
  tracing?: Tracing;
}

/** What every resolver gets: the verified caller, and databases bound to the caller's client. */
export interface BaseContext extends PermissionContext {
  request: RequestContext;
  auth: { permissions: ReadonlySet<Permission> };
  actor: Actor;
  log: Logger;
  control: ControlDb;
  deps: SubgraphDeps;
  /** The active client's id; refuses when the request names no client. */
  tenantId(): string;
  /** The active client's database, as the application role. Resolvers never choose a database. */
  tenantDb(): Promise<TenantDb>;
  /** The request's span, when traces are on. */
  span?: Span;
}

export interface SubgraphDefinition<C extends BaseContext> {
  name: string;
  typeDefs: DocumentNode;
  // biome-ignore lint/suspicious/noExplicitAny: Apollo's resolver map is typed loosely by design.
  resolvers: GraphQLResolverMap<any>;
  rules: RuleMap;
  /** Per-request additions (DataLoaders): one set per request, never shared across tenants. */
  extendContext(base: BaseContext): C;
}

/**
 * A subgraph's executable schema. Its resolvers and rules are module-level values (a service's own
 * dependencies reach them through the request's context, `extendContext`), so one schema serves
 * every server built from them: a process that starts several (the all-in-one stack, each test
 * file's stack) builds each once, not ~0.1 s of federation checks every time. Apollo Server wraps
 * the fields of a schema it is given once, in place, and those wrappers read the request's context.
 */
const schemas = new WeakMap<object, WeakMap<RuleMap, GraphQLSchema>>();

export function buildSchema<C extends BaseContext>(def: SubgraphDefinition<C>): GraphQLSchema {
  let byRules = schemas.get(def.resolvers);
  if (!byRules) {
    byRules = new WeakMap();
    schemas.set(def.resolvers, byRules);
  }
  const known = byRules.get(def.rules);
  if (known) return known;
  const schema = buildSubgraphSchema([{ typeDefs: def.typeDefs, resolvers: def.resolvers }]);
  // Permissions first (a caller without them learns nothing about their input), then the text rules.
  const executable = applyMiddleware(
    schema,
    buildShield(def.rules),
    { Query: refuseBadText, Mutation: refuseBadText },
    refuseEmptyCursors(schema),
  );
  byRules.set(def.rules, executable);
  return executable;
}

/**
 * Every text argument of every root field, however deep in its input object: no NUL, no unpaired
 * surrogate (PostgreSQL can store neither) and no more than MAX_TEXT_LENGTH characters, refused
 * with BAD_USER_INPUT naming the field before any resolver runs (as the services name it:
 * `lines[0].memo` in `input`, `input[3].memo` and `index` in a list). Fields keep their own limits.
 */
const refuseBadText: IMiddlewareFunction = (resolve, root, args, ctx, info) => {
  for (const [name, value] of Object.entries(args ?? {})) {
    const bad = findBadArgumentText(name, value);
    if (bad) {
      const { problem, ...named } = bad;
      throw badInput(`${bad.field}: ${problem}`, named);
    }
  }
  return resolve(root, args, ctx, info);
};

/**
 * Every connection field (one with an `after` argument answering a type with `pageInfo`), on any
 * type: an empty `after` is not a cursor, and is refused as every text a connection did not issue
 * is (BAD_USER_INPUT naming `after`), not read as "from the start". Lists whose `after` is a key
 * of their own (`accounts`: an account code) are not connections and keep it.
 */
function refuseEmptyCursors(schema: GraphQLSchema): IMiddleware {
  const refuse: IMiddlewareFunction = (resolve, root, args, ctx, info) => {
    if (args?.after === '') throw badInput('after: not a cursor this query returned', { field: 'after' });
    return resolve(root, args, ctx, info);
  };
  const map: Record<string, Record<string, IMiddlewareFunction>> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const answer = getNamedType(field.type);
      const paged = isObjectType(answer) && 'pageInfo' in answer.getFields();
      if (!paged || !field.args.some((a) => a.name === 'after')) continue;
      map[type.name] = { ...map[type.name], [field.name]: refuse };
    }
  }
  return map;
}

function unauthenticated(): GraphQLError {
  return new GraphQLError('This service only answers requests forwarded by the gateway', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

/** A traced request: its span, and what its statements' spans are made with. */
interface RequestSpan {
  span: Span;
  context: Context;
  tracing: ServiceTracing;
}

export function createBaseContext(
  request: RequestContext,
  deps: SubgraphDeps,
  traced?: RequestSpan,
): BaseContext {
  const tenantId = () => {
    if (!request.tenant) {
      throw new DomainError('BAD_USER_INPUT', 'Choose a client first: send its slug in the X-Tenant header');
    }
    return request.tenant.id;
  };
  let db: Promise<TenantDb> | undefined;
  return {
    request,
    auth: { permissions: new Set(request.permissions) },
    actor: {
      userId: request.userId,
      email: request.email,
      requestId: request.requestId,
      clientName: request.client.name,
      clientVersion: request.client.version,
    },
    log: deps.log.child({ requestId: request.requestId, tenant: request.tenant?.slug }),
    control: deps.control,
    deps,
    tenantId,
    tenantDb: () => {
      // A traced request gets its own view of the client's pool: each statement a span under it.
      // (An unsampled request — OTEL_TRACES_SAMPLER — records nothing: it takes the shared one.)
      db ??= traced?.span.isRecording()
        ? deps.registry
            .pool(tenantId())
            .then((pool) => tenantDb(tracedPool(pool, traced.tracing.tracer, traced.context)))
        : deps.registry.db(tenantId());
      return db;
    },
    span: traced?.span,
  };
}

const spanOf = (res: { locals: Record<string, unknown> }) => res.locals.span as RequestSpan | undefined;

/**
 * A span per request, continuing the gateway's trace from `traceparent` — parentage only: who is
 * asking is still read from the signed context alone. It carries the request id, the client and the
 * operation from that context, and the outcome.
 */
function serverSpan(tracing: ServiceTracing): RequestHandler {
  return (req, res, next) => {
    const { span, context } = tracing.serverSpan(
      'POST /graphql',
      req.headers,
      { 'http.request.method': req.method, 'url.path': '/graphql', 'http.route': '/graphql' },
      true,
    );
    res.locals.span = { span, context, tracing } satisfies RequestSpan;
    res.on('finish', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      endSpan(span, res.statusCode < 400 ? undefined : `HTTP_${res.statusCode}`);
    });
    next();
  };
}

/** The operation the gateway named for this fetch, once the body is parsed. */
const spanOperation: RequestHandler = (req, res, next) => {
  const operation = (req.body as { operationName?: unknown } | undefined)?.operationName;
  if (typeof operation === 'string') spanOf(res)?.span.setAttribute('graphql.operation.name', operation);
  next();
};

/** The answer's first error code on the request's span (the `finish` handler ends it). */
const outcomePlugin: ApolloServerPlugin<BaseContext> = {
  async requestDidStart({ contextValue }) {
    // A request that is not sampled records nothing: no hook for Apollo to call.
    const span = contextValue.span;
    if (!span?.isRecording()) return;
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const errors = response.body.singleResult.errors ?? [];
        const outcome = errors.length ? String(errors[0]?.extensions?.code ?? 'ERROR') : 'OK';
        span.setAttribute('cifra.outcome', outcome);
        markOutcome(span, outcome);
      },
    };
  },
};

/**
 * A mutation on a client announces that the client's books may have changed, so the close board's
 * read model re-reads that client within seconds (docs/architecture/close-board.md). Announced before
 * the answer leaves, so whoever made the change then sees it on the board or the line marked BEHIND.
 * Announcements are coalesced per process; a lost one only delays the board until the projector's sweep.
 */
const announceClientChanges: ApolloServerPlugin<BaseContext> = {
  async requestDidStart({ contextValue }) {
    return {
      async willSendResponse({ operation }) {
        const tenant = contextValue?.request?.tenant;
        if (operation?.operation !== 'mutation' || !tenant) return;
        await clientChangeAnnouncer(contextValue.control, (err) =>
          contextValue.deps.log.warn({ err }, 'close board: a client change was not announced'),
        ).announce(tenant.id);
      },
    };
  },
};

/**
 * TENANT_READ_ONLY comes from the database (SQLSTATE 25006, translated in `db-errors.ts`), which
 * cannot say why its books are read-only: for a moment while a restore in place or a move switches
 * them, or because the client is archived (archiveClient). Only on that refusal, the client's row
 * says which: an archived client's refusal names it and carries no retry hint (`archived: true`).
 */
const archivedReadOnly: ApolloServerPlugin<BaseContext> = {
  async requestDidStart({ contextValue }) {
    return {
      async willSendResponse({ response }) {
        const tenant = contextValue?.request?.tenant;
        if (!tenant || response.body.kind !== 'single') return;
        const refused = (response.body.singleResult.errors ?? []).filter(
          (e) => e.extensions?.code === 'TENANT_READ_ONLY',
        );
        if (refused.length === 0) return;
        if (!(await isArchived(contextValue.control, tenant.id))) return;
        for (const e of refused) {
          const extensions: Record<string, unknown> = { ...e.extensions, archived: true };
          delete extensions.retryAfterSeconds;
          Object.assign(e, { message: ARCHIVED_READ_ONLY, extensions });
        }
      },
    };
  },
};

export interface RunningSubgraph {
  url: string;
  close(): Promise<void>;
}

/**
 * Serve a subgraph over HTTP: `POST /graphql` for the gateway (a valid signed context or nothing),
 * `GET /healthz` for orchestration.
 */
export async function startSubgraph<C extends BaseContext>(
  def: SubgraphDefinition<C>,
  deps: SubgraphDeps,
  listen: { port: number; host?: string; drainMs?: number },
): Promise<RunningSubgraph> {
  const log = deps.log.child({ subgraph: def.name });
  const tracing = deps.tracing?.service(def.name);
  // Made before the server that drains it on stop (DRAIN_MS); the app is its listener.
  const http: Server = createServer();
  const server = new ApolloServer<C>({
    schema: buildSchema(def),
    // Apollo's cache-control plugin (on by default) wraps every field's resolver to gather cache
    // hints that nothing here sets or reads (no @cacheControl, no response cache): on a 500-line
    // page of the close board it was one of the largest costs of a request (docs/benchmarks.md).
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginDrainHttpServer({
        httpServer: http,
        stopGracePeriodMillis: listen.drainMs ?? DRAIN_MS,
      }),
      ...(tracing ? [outcomePlugin] : []),
      nameBadScalars,
      announceClientChanges,
      archivedReadOnly,
    ],
    formatError: formatSubgraphError(log),
    includeStacktraceInErrorResponses: false,
    // The process stops its services in order (ops/src/shutdown.ts); Apollo's own signal handlers
    // would stop this server on their own and re-raise the signal.
    stopOnTerminationSignals: false,
    logger: log,
  });
  await server.start();
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', async (_req, res) => {
    try {
      await deps.control.execute(sql`SELECT 1`);
      res.json({ status: 'ok', subgraph: def.name });
    } catch {
      res.status(503).json({ status: 'unavailable', subgraph: def.name });
    }
  });
  app.use(
    '/graphql',
    ...(tracing ? [serverSpan(tracing)] : []),
    requireJsonBody,
    express.json({ limit: SUBGRAPH_BODY_LIMIT_BYTES }),
    ...(tracing ? [spanOperation] : []),
    expressMiddleware(server, {
      context: async ({ req, res }) => {
        const request = await deps.verifier.verify(req.header(CONTEXT_HEADER), def.name);
        if (!request) throw unauthenticated();
        const traced = spanOf(res);
        traced?.span.setAttributes({
          'cifra.request_id': request.requestId,
          ...(request.tenant
            ? { 'cifra.tenant.id': request.tenant.id, 'cifra.tenant.slug': request.tenant.slug }
            : {}),
        });
        return def.extendContext(createBaseContext(request, { ...deps, log }, traced));
      },
    }),
  );
  app.use(nothingHere, jsonErrors(log));
  http.on('request', app);
  tuneKeepAlive(http);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(listen.port, listen.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://${listen.host ?? '127.0.0.1'}:${port}/graphql`,
    // Stops taking connections and lets the requests in flight finish (up to DRAIN_MS).
    close: () => server.stop(),
  };
}

/**
 * A subgraph's schema, read once at start-up (`loadTypeDefs(new URL('./', import.meta.url))` from
 * its `src/`): see `readSubgraphSchema`.
 */
export function loadTypeDefs(srcDir: URL): DocumentNode {
  return parse(readSubgraphSchema(fileURLToPath(srcDir)));
}

/**
 * A subgraph's SDL: every `.graphql` file of `src/schema/`, then the `.graphql` files of each
 * feature folder of `src/` (a folder holding its schema beside its rules, resolvers, use cases
 * and store), each in name order, so each area keeps its types in a file of its own.
 */
export function readSubgraphSchema(srcDir: string): string {
  const features = readdirSync(srcDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'schema' && !d.name.startsWith('__'))
    .map((d) => d.name)
    .sort();
  return ['schema', ...features]
    .map((dir) => readSchemaDir(path.join(srcDir, dir)))
    .filter(Boolean)
    .join('\n');
}

/** The concatenated `.graphql` files of a directory, in name order. */
export function readSchemaDir(dir: string): string {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
}
