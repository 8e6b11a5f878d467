import express, { type Router } from 'express';

/**
 * How the console signs people in, as the gateway tells it at `GET /auth/config` (public: it says
 * nothing a visitor of the sign-in page would not see, and the console reads no environment):
 *
 * - `local`: the embedded default's local issuer, whose people are listed at /auth/local/users;
 * - `oidc`: the firm's OpenID provider (AUTH_ISSUER), authorization code + PKCE with the console's
 *   own public client (CONSOLE_OIDC_CLIENT_ID); the redirect URI is the configured one, else the
 *   console's origin + CONSOLE_OIDC_CALLBACK_PATH;
 * - `none`: this gateway verifies tokens but offers the console no way to get one (an external
 *   issuer without CONSOLE_OIDC_CLIENT_ID): the console says what to configure.
 */
export type ConsoleSignInConfig =
  | { mode: 'local' }
  | {
      mode: 'oidc';
      issuer: string;
      clientId: string;
      /** Absolute, as registered at the provider; null: the console's origin + the callback path. */
      redirectUri: string | null;
      /** Space-separated, as sent to the provider. */
      scopes: string;
    }
  | { mode: 'none'; message: string };

/** The console's page the provider redirects back to (never under /auth, which is the API's). */
export const CONSOLE_OIDC_CALLBACK_PATH = '/signin-callback';

/** The settings of the console's OIDC client, as the gateway is given them (ops/src/env.ts). */
export interface ConsoleOidcClient {
  clientId: string;
  redirectUri?: string;
  scopes: string;
}

/**
 * The one origin beyond its own the console's page may call (`connect-src`): the issuer's, for
 * discovery, the token endpoint (code exchange, refresh) and its JWKS. Nothing when not OIDC.
 */
export function consoleConnectOrigins(config: ConsoleSignInConfig): string[] {
  return config.mode === 'oidc' ? [new URL(config.issuer).origin] : [];
}

export function consoleSignInConfig(opts: {
  issuer: string;
  local: boolean;
  client?: ConsoleOidcClient;
}): ConsoleSignInConfig {
  if (opts.local) return { mode: 'local' };
  if (!opts.client || !URL.canParse(opts.issuer)) {
    return {
      mode: 'none',
      message:
        'This gateway verifies tokens from the firm’s identity provider, but no console client is configured (CONSOLE_OIDC_CLIENT_ID, with AUTH_ISSUER an https URL). Use a token from your provider with the API.',
    };
  }
  return {
    mode: 'oidc',
    issuer: opts.issuer,
    clientId: opts.client.clientId,
    redirectUri: opts.client.redirectUri ?? null,
    scopes: opts.client.scopes,
  };
}

export function consoleSignInRouter(config: ConsoleSignInConfig): Router {
  const router = express.Router();
  router.get('/auth/config', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(config);
  });
  return router;
}
