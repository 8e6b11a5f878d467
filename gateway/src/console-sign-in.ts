import type { Logger } from '@cifra/context';
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

/** Where the console's page learns the origins it may call: read again after an hour. */
const DISCOVERY_FRESH_MS = 60 * 60 * 1000;
/** After a failed read, the last known origins stand (the issuer's at first) until the next try. */
const DISCOVERY_RETRY_MS = 30 * 1000;
const DISCOVERY_TIMEOUT_MS = 2000;
/** The provider's endpoints the console's page calls itself (oidc-client-ts), by discovery's names. */
const PAGE_CALLED_ENDPOINTS = ['token_endpoint', 'userinfo_endpoint', 'revocation_endpoint'] as const;

/**
 * The origins beyond its own the console's page may call (`connect-src`), nothing when not OIDC:
 * the issuer's (discovery) and those of the endpoints the page calls — the token endpoint (code
 * exchange, refresh), user info and revocation — which a provider may serve from another origin
 * than its issuer. They are read from the issuer's discovery document when a page is first served
 * and kept an hour; a page never waits more than two seconds for them, and while the provider
 * cannot be read the page gets the last known origins (the issuer's alone at first).
 */
export function consoleConnectOrigins(config: ConsoleSignInConfig, log: Logger): () => Promise<string[]> {
  if (config.mode !== 'oidc') return async () => [];
  const issuerOrigin = new URL(config.issuer).origin;
  const discoveryUrl = `${config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let known: { origins: string[]; until: number } | undefined;
  let reading: Promise<string[]> | undefined;

  const read = async (): Promise<string[]> => {
    try {
      const res = await fetch(discoveryUrl, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
      if (!res.ok) throw new Error(`it answered ${res.status}`);
      const origins = calledOrigins(issuerOrigin, (await res.json()) as Record<string, unknown>);
      known = { origins, until: Date.now() + DISCOVERY_FRESH_MS };
    } catch (err) {
      log.warn(
        { err, discoveryUrl },
        "the console could not read the identity provider's discovery document",
      );
      known = { origins: known?.origins ?? [issuerOrigin], until: Date.now() + DISCOVERY_RETRY_MS };
    }
    return known.origins;
  };

  return () => {
    if (known && known.until > Date.now()) return Promise.resolve(known.origins);
    reading ??= read().finally(() => {
      reading = undefined;
    });
    // Once known, a page is served with what is known while it is read again.
    return known ? Promise.resolve(known.origins) : reading;
  };
}

/** The issuer's origin and those of the endpoints the page calls, http(s) only, each once. */
export function calledOrigins(issuerOrigin: string, discovery: Record<string, unknown>): string[] {
  const origins = new Set([issuerOrigin]);
  for (const name of PAGE_CALLED_ENDPOINTS) {
    const value = discovery[name];
    if (typeof value !== 'string' || !URL.canParse(value)) continue;
    const url = new URL(value);
    if (url.protocol === 'https:' || url.protocol === 'http:') origins.add(url.origin);
  }
  return [...origins];
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
