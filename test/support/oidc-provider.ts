import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

/**
 * A real OpenID provider for the console's tests: `oidc-provider` on loopback, with its own
 * development login and consent pages (any password), a public client for the console
 * (authorization code, PKCE required, refresh tokens) and JWT access tokens for the gateway's
 * audience carrying the account's `email` — the claim the gateway knows a person by
 * (gateway/src/auth.ts). The issuer's address is known before the console's (the stack needs it
 * to start), so the client is registered afterwards by `serve(consoleOrigin)`. Its token endpoint
 * is on another origin than the issuer (`tokenOrigin`), as many providers' is. `options` leave out
 * refresh tokens or the end-session endpoint, as some providers do (console-oidc-fallbacks test).
 */
export const CONSOLE_CLIENT_ID = 'cifra-console';
/** The gateway's AUTH_AUDIENCE: a resource indicator, so an absolute URI. */
export const API_AUDIENCE = 'https://api.cifra.test/';

export interface TestProvider {
  issuer: string;
  /** The token endpoint's origin: another one than the issuer's, as many providers have it. */
  tokenOrigin: string;
  /** The requests that origin answered, as `METHOD path` (the page's calls of the token endpoint). */
  tokenRequests: string[];
  jwksUrl: string;
  /** The provider's signing key, to forge tokens it would sign with other claims. */
  privateJwk: JWK;
  /** Register the console's client (its origin's callback) and start answering. */
  serve(consoleOrigin: string): void;
  /** Grants the token endpoint answered, by type (authorization_code, refresh_token). */
  grants: string[];
  close(): Promise<void>;
}

/** Listen on loopback, on a port of the system's choosing; the server's origin. */
async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * The token endpoint on an origin of its own: a server passing `/token` (and its CORS preflight)
 * through to the provider, whose discovery document names it — as providers whose token endpoint
 * is not on their issuer's origin do. Nothing else is answered there.
 */
function tokenEndpointServer(issuerServer: Server, seen: string[]): Server {
  const port = (issuerServer.address() as AddressInfo).port;
  return createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (!req.url?.startsWith('/token')) return void res.writeHead(404).end();
    const upstream = request(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
}

/** What the provider leaves out, to test the console without it (both offered by default). */
export interface ProviderOptions {
  /** false: no refresh token is ever issued (the console's session ends when its token expires). */
  refreshTokens?: boolean;
  /** false: no `end_session_endpoint` in discovery (the console signs out in its tab only). */
  endSession?: boolean;
}

export async function startTestProvider(
  accounts: Record<string, { name: string }>,
  options: ProviderOptions = {},
): Promise<TestProvider> {
  const { refreshTokens = true, endSession = true } = options;
  const server: Server = createServer((_req, res) => res.writeHead(503).end());
  const issuer = await listen(server);
  const tokenRequests: string[] = [];
  const tokenServer = tokenEndpointServer(server, tokenRequests);
  const tokenOrigin = await listen(tokenServer);
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const grants: string[] = [];

  const accountOf = (id: string) => {
    const email = id.toLowerCase();
    const account = accounts[email];
    return account ? { email, ...account } : undefined;
  };

  const serve = (consoleOrigin: string) => {
    const configuration: Configuration = {
      clients: [
        {
          client_id: CONSOLE_CLIENT_ID,
          token_endpoint_auth_method: 'none',
          grant_types: refreshTokens ? ['authorization_code', 'refresh_token'] : ['authorization_code'],
          response_types: ['code'],
          redirect_uris: [`${consoleOrigin}/signin-callback`],
          post_logout_redirect_uris: [`${consoleOrigin}/`],
        },
      ],
      jwks: { keys: [privateJwk] },
      pkce: { required: () => true },
      // The console's page calls discovery and the token endpoint: from its origin only.
      clientBasedCORS: (_ctx, origin) => origin === consoleOrigin,
      ttl: {
        AccessToken: 3600,
        IdToken: 3600,
        RefreshToken: 86_400,
        Session: 86_400,
        Grant: 86_400,
        Interaction: 600,
      },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      scopes: ['openid', 'offline_access', 'email', 'profile'],
      async findAccount(_ctx, id) {
        const account = accountOf(id);
        if (!account) return undefined;
        return {
          accountId: account.email,
          claims: async () => ({
            sub: account.email,
            email: account.email,
            email_verified: true,
            name: account.name,
          }),
        };
      },
      // Refresh tokens for the console's public client, as most providers issue them to a SPA
      // (never when `refreshTokens` is false, even for `offline_access`).
      issueRefreshToken: async (_ctx, client) => refreshTokens && client.grantTypeAllowed('refresh_token'),
      async extraTokenClaims(_ctx, token) {
        if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
        return { email: accountOf(token.accountId)?.email, email_verified: true };
      },
      features: {
        devInteractions: { enabled: true },
        // Off: discovery names no end_session_endpoint.
        rpInitiatedLogout: { enabled: endSession },
        resourceIndicators: {
          enabled: true,
          defaultResource: async () => API_AUDIENCE,
          useGrantedResource: async () => true,
          getResourceServerInfo: async () => ({
            scope: 'openid email profile offline_access',
            audience: API_AUDIENCE,
            accessTokenFormat: 'jwt',
            accessTokenTTL: 3600,
            jwt: { sign: { alg: 'RS256' } },
          }),
        },
      },
    };
    const provider = new Provider(issuer, configuration);
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.path === '/.well-known/openid-configuration' && ctx.body) {
        ctx.body = { ...(ctx.body as object), token_endpoint: `${tokenOrigin}/token` };
      }
    });
    provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
      grants.push(String(ctx.oidc.params?.grant_type));
    });
    server.removeAllListeners('request');
    server.on('request', provider.callback());
  };

  const stop = (s: Server) =>
    new Promise<void>((resolve) => {
      s.closeAllConnections();
      s.close(() => resolve());
    });
  return {
    issuer,
    tokenOrigin,
    tokenRequests,
    jwksUrl: `${issuer}/jwks`,
    privateJwk,
    serve,
    grants,
    close: async () => {
      await Promise.all([stop(server), stop(tokenServer)]);
    },
  };
}
