import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { CONTEXT_HEADER, type ContextSigner, type Logger } from '@cifra/context';
import { type ControlDb, control as controlSchema, type TenantRegistry } from '@cifra/db';
import { EXPORT_CONTENT, type ExportLinkVerifier, exportFileName, streamExport } from '@cifra/exports';
import { Permissions } from '@cifra/permissions';
import cors from 'cors';
import express from 'express';
import { GraphQLError } from 'graphql';
import { resolveAccess, unauthenticated } from './access.ts';
import type { Authenticator } from './auth.ts';
import {
  costLimitPlugin,
  DEFAULT_DEMAND_LIMITS,
  type DemandLimits,
  demandRefusal,
  demandValidationRules,
  tokenLimitError,
} from './demand-control.ts';

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
  exports?: { verifier: ExportLinkVerifier; registry: TenantRegistry };
  /** Browser origins allowed to call the API (CORS); none by default. */
  corsOrigins?: readonly string[];
  /** Demand control: what one request may ask (docs/architecture/gateway.md). */
  limits?: Partial<DemandLimits>;
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

interface GatewayContext {
  signedContext?: string;
}

class SubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({
    request,
    context,
  }: Parameters<RemoteGraphQLDataSource<GatewayContext>['willSendRequest'] & {}>[0]) {
    // Also called for health checks with an empty context: those carry no identity.
    if (context?.signedContext) request.http?.headers.set(CONTEXT_HEADER, context.signedContext);
  }

  /**
   * A subgraph answers 400 when a variable fails its scalar (a Money of "1e3"); its body is a
   * proper GraphQL error with a stable code, so pass that on rather than an internal error.
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
export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const log = opts.log.child({ component: 'gateway' });
  const limits = { ...DEFAULT_DEMAND_LIMITS, ...opts.limits };
  const gateway = new ApolloGateway({
    supergraphSdl: opts.supergraphSdl,
    buildService: ({ name, url }) => new SubgraphSource({ url: opts.subgraphUrls[name] ?? url }),
  });
  const server = new ApolloServer<GatewayContext>({
    gateway,
    logger: log,
    includeStacktraceInErrorResponses: false,
    // Demand control runs before the gateway plans anything: the parser stops at the token limit,
    // validation at depth, aliases and directives, and the cost estimate before execution.
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: demandValidationRules(limits),
    plugins: [costLimitPlugin(limits)],
    formatError: (formatted, error) => {
      const tooMany = tokenLimitError(formatted.message, limits) ?? demandRefusal(error);
      if (!tooMany) return formatted;
      const { http: _status, ...extensions } = tooMany.extensions;
      return { message: tooMany.message, extensions };
    },
    // The process stops its services in order (ops/src/shutdown.ts); Apollo's own signal handlers
    // would stop this server on their own and re-raise the signal.
    stopOnTerminationSignals: false,
  });
  await server.start();

  const app = express();
  app.disable('x-powered-by');
  // Nothing is cross-origin unless the firm lists the origin; a preflight is answered here.
  const allowedOrigins = new Set(opts.corsOrigins ?? []);
  app.use(
    cors({
      origin: (origin, done) => done(null, origin !== undefined && allowedOrigins.has(origin)),
      credentials: true,
      allowedHeaders: CORS_ALLOWED_HEADERS,
      exposedHeaders: ['x-request-id'],
      maxAge: 600,
    }),
  );
  app.get('/healthz', async (_req, res) => {
    const checks = await Promise.all(
      Object.entries(opts.subgraphUrls).map(async ([name, url]) => {
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
  });
  app.get('/exports/:token', async (req, res) => {
    const refuse = (status: number, code: string, message: string) =>
      res.status(status).json({ errors: [{ message, extensions: { code } }] });
    if (!opts.exports) return refuse(404, 'NOT_FOUND', 'Exports are not served here');
    // The tenant comes from the signed link alone: no header or query parameter is consulted.
    const claims = await opts.exports.verifier.verify(req.params.token);
    if (!claims) return refuse(401, 'UNAUTHENTICATED', 'This export link is invalid or has expired');
    // The link outlives nothing: the user must still be a member of that client with GL.Export.
    const access = await resolveAccess(opts.control, claims.email, claims.tenantSlug, {
      name: null,
      version: null,
    }).catch(() => null);
    if (
      !access ||
      access.userId !== claims.userId ||
      access.tenant?.id !== claims.tenantId ||
      !access.permissions.includes(Permissions.GL.Export)
    ) {
      return refuse(403, 'FORBIDDEN', 'You can no longer export this client');
    }
    try {
      const currencies = await opts.control.select().from(controlSchema.currencies);
      const units = new Map(currencies.map((c) => [c.code, c.minorUnits]));
      const pool = await opts.exports.registry.pool(claims.tenantId);
      await streamExport({
        pool,
        claims,
        minorUnitsOf: (code) => {
          const u = units.get(code.trim());
          if (u === undefined) throw new Error(`Unknown currency ${code}`);
          return u;
        },
        out: res,
        onStart: () => {
          res.status(200);
          res.setHeader('Content-Type', EXPORT_CONTENT[claims.format].contentType);
          res.setHeader('Content-Disposition', `attachment; filename="${exportFileName(claims)}"`);
          res.setHeader('Cache-Control', 'no-store');
          res.setHeader('X-Content-Type-Options', 'nosniff');
        },
      });
    } catch (err) {
      log.error({ err, exportId: claims.exportId }, 'export failed');
      if (!res.headersSent) return refuse(500, 'INTERNAL_SERVER_ERROR', 'The export failed');
      // Mid-stream: cut the download so the client sees an incomplete file, not a short valid one.
      res.destroy(err instanceof Error ? err : undefined);
    }
  });
  app.use(
    '/graphql',
    express.json({ limit: '5mb' }),
    expressMiddleware(server, {
      context: async ({ req }) => {
        const email = await opts.authenticator.verify(req.header('authorization'));
        if (!email) throw unauthenticated('Sign in: send a valid bearer token');
        const tenantSlug = req.header('x-tenant')?.trim() || undefined;
        const access = await resolveAccess(opts.control, email, tenantSlug, {
          name: req.header('apollographql-client-name') ?? null,
          version: req.header('apollographql-client-version') ?? null,
        });
        try {
          return { signedContext: await opts.signer.sign(access) };
        } catch (err) {
          log.error({ err }, 'could not sign the request context');
          throw new GraphQLError('Internal error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
        }
      },
    }),
  );

  const http: Server = await new Promise((resolve) => {
    const s = app.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve(s));
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}/graphql`,
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
      await server.stop();
    },
  };
}
