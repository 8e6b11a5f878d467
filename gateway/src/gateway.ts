import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { CONTEXT_HEADER, type ContextSigner, type Logger } from '@cifra/context';
import type { ControlDb } from '@cifra/db';
import express from 'express';
import { GraphQLError } from 'graphql';
import { resolveAccess, unauthenticated } from './access.ts';
import type { Authenticator } from './auth.ts';

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
}

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
  const gateway = new ApolloGateway({
    supergraphSdl: opts.supergraphSdl,
    buildService: ({ name, url }) => new SubgraphSource({ url: opts.subgraphUrls[name] ?? url }),
  });
  const server = new ApolloServer<GatewayContext>({
    gateway,
    logger: log,
    includeStacktraceInErrorResponses: false,
  });
  await server.start();

  const app = express();
  app.disable('x-powered-by');
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
