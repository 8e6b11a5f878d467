import type { Logger } from '@cifra/context';
import { authenticateClient, type ControlDb, isConnectionFailure } from '@cifra/db';
import { isPermission } from '@cifra/permissions';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { GraphQLError } from 'graphql';
import { importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import { type RateLimits, sourceAddress } from './rate-limits.ts';

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4) for partner integrations: `POST /oauth/token` with
 * the integration's client id and secret returns a short-lived access token the gateway signs
 * itself (a JWT access token, RFC 9068), bound to this API's audience. Errors have RFC 6749 §5.2's
 * shape. docs/partners.md.
 */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ISSUER = 'cifra-gateway';
export const INTEGRATION_AUDIENCE = 'cifra-integration';
const TYP = 'at+jwt';

export interface IntegrationToken {
  integrationId: string;
  clientId: string;
  /** Permission constants the token is narrowed to; null: whatever the grants allow. */
  scope: string[] | null;
  /** How it was obtained: a secret at /oauth/token (default), or the firm's OIDC provider. */
  via?: 'secret' | 'oidc';
}

/**
 * A scope's permission constants, each once: a scope names what a token may do, and a constant
 * repeated adds nothing to it. Repeated, it had grown with the request (8 KiB of form: a thousand
 * times `GL.Read`), and the context each fetch carries with it past what a subgraph reads.
 */
export const scopeOf = (text: string): string[] => [...new Set(text.split(' ').filter(Boolean))];

/** Signs and verifies integration access tokens with the gateway's Ed25519 key. */
export class IntegrationTokens {
  private constructor(
    private readonly privateKey: Awaited<ReturnType<typeof importJWK>>,
    private readonly publicKey: Awaited<ReturnType<typeof importJWK>>,
  ) {}

  static async fromJwk(privateJwk: JWK): Promise<IntegrationTokens> {
    const { d: _private, ...publicJwk } = privateJwk;
    return new IntegrationTokens(await importJWK(privateJwk, 'EdDSA'), await importJWK(publicJwk, 'EdDSA'));
  }

  sign(token: IntegrationToken): Promise<string> {
    return new SignJWT({
      client_id: token.clientId,
      ...(token.scope ? { scope: token.scope.join(' ') } : {}),
    })
      .setProtectedHeader({ alg: 'EdDSA', typ: TYP })
      .setIssuer(ISSUER)
      .setAudience(INTEGRATION_AUDIENCE)
      .setSubject(token.integrationId)
      .setIssuedAt()
      .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
      .sign(this.privateKey);
  }

  /** The token's integration, or null for anything that is not a live token of ours. */
  async verify(token: string): Promise<IntegrationToken | null> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        issuer: ISSUER,
        audience: INTEGRATION_AUDIENCE,
        typ: TYP,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: 5,
      });
      if (typeof payload.client_id !== 'string' || typeof payload.sub !== 'string') return null;
      const scope = typeof payload.scope === 'string' ? scopeOf(payload.scope) : null;
      return { integrationId: payload.sub, clientId: payload.client_id, scope };
    } catch {
      return null;
    }
  }
}

type OAuthError =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'temporarily_unavailable';

class TokenRefusal extends Error {
  constructor(
    readonly error: OAuthError,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const FORM_LIMIT_BYTES = 8 * 1024;
// Uncompressed only (body-parser inflates by default): a token request is a few hundred bytes, and
// partners.md promises 415 for a compressed form.
const form = express.urlencoded({ extended: false, limit: FORM_LIMIT_BYTES, inflate: false });

/**
 * The token request's form, read as body-parser reads it, with its refusals in RFC 6749's form
 * (`invalid_request`, `Cache-Control: no-store`) rather than the API's GraphQL errors: an oversized
 * form (413), another charset or a compressed one (415), or one that cannot be read (400).
 */
const readForm: RequestHandler = (req, res, next) =>
  form(req, res, (err?: unknown) => {
    if (!err) return next();
    const { status, type } = err as { status?: number; type?: string };
    const description =
      type === 'entity.too.large'
        ? `The request is larger than ${FORM_LIMIT_BYTES} bytes`
        : type === 'charset.unsupported' || type === 'encoding.unsupported'
          ? 'Send the form as UTF-8, uncompressed'
          : 'The request cannot be read';
    const answered = status !== undefined && status >= 400 && status < 500 ? status : 400;
    send(res, answered, { error: 'invalid_request', error_description: description });
  });

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded, then base64. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  const encoded = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '')?.[1];
  if (!encoded) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return null;
  }
}

const field = (body: Record<string, unknown>, name: string): string | undefined => {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new TokenRefusal('invalid_request', `${name} must be given once`);
  return value;
};

export function tokenEndpoint(opts: {
  control: ControlDb;
  tokens: IntegrationTokens;
  log: Logger;
  rateLimits?: RateLimits;
}): Router {
  const router = express.Router();
  router.post('/oauth/token', readForm, async (req, res) => {
    const usedBasic = /^Basic\s/i.test(req.header('authorization') ?? '');
    try {
      // Every attempt costs a slow hash: each one draws from the caller's address bucket.
      await opts.rateLimits?.chargeAddress(sourceAddress(req)).catch((err: unknown) => {
        if (err instanceof GraphQLError && err.extensions.code === 'RATE_LIMITED') {
          res.setHeader('Retry-After', String(err.extensions.retryAfterSeconds ?? 1));
          throw new TokenRefusal('temporarily_unavailable', err.message, 429);
        }
        throw err;
      });
      const answer = await issue(req, opts, usedBasic);
      send(res, 200, answer);
    } catch (err) {
      if (err instanceof TokenRefusal) {
        if (err.error === 'invalid_client' && usedBasic)
          res.setHeader('WWW-Authenticate', 'Basic realm="cifra", charset="UTF-8"');
        return send(res, err.status, { error: err.error, error_description: err.message });
      }
      if (isConnectionFailure(err)) {
        res.setHeader('Retry-After', '5');
        return send(res, 503, { error: 'temporarily_unavailable', error_description: 'Try again shortly' });
      }
      opts.log.error({ err }, 'the token endpoint failed');
      return send(res, 500, { error: 'server_error', error_description: 'Internal error' });
    }
  });
  router.all('/oauth/token', (_req, res) =>
    send(res.setHeader('Allow', 'POST'), 405, {
      error: 'invalid_request',
      error_description: 'POST the token request as application/x-www-form-urlencoded',
    }),
  );
  return router;
}

async function issue(
  req: Request,
  opts: { control: ControlDb; tokens: IntegrationTokens },
  usedBasic: boolean,
): Promise<Record<string, unknown>> {
  if (!req.is('application/x-www-form-urlencoded'))
    throw new TokenRefusal('invalid_request', 'Send the request as application/x-www-form-urlencoded');
  const body = (req.body ?? {}) as Record<string, unknown>;
  const grantType = field(body, 'grant_type');
  if (!grantType) throw new TokenRefusal('invalid_request', 'grant_type is required');
  if (grantType !== 'client_credentials')
    throw new TokenRefusal('unsupported_grant_type', 'Only grant_type=client_credentials is served');
  const inBody = { id: field(body, 'client_id'), secret: field(body, 'client_secret') };
  const basic = usedBasic ? basicCredentials(req.header('authorization')) : null;
  if (usedBasic && !basic) throw new TokenRefusal('invalid_client', 'Malformed Basic credentials', 401);
  if (basic && (inBody.id !== undefined || inBody.secret !== undefined))
    throw new TokenRefusal('invalid_request', 'Send the client credentials one way only');
  const id = basic?.id ?? inBody.id;
  const secret = basic?.secret ?? inBody.secret;
  if (!id || !secret) throw new TokenRefusal('invalid_client', 'Client authentication is required', 401);
  const rawScope = field(body, 'scope');
  const scope = rawScope === undefined ? null : scopeOf(rawScope);
  if (scope && (scope.length === 0 || scope.some((s) => !isPermission(s))))
    throw new TokenRefusal('invalid_scope', 'scope lists permission constants separated by spaces');
  const client = await authenticateClient(opts.control, id, secret);
  if (!client) throw new TokenRefusal('invalid_client', 'Client authentication failed', 401);
  const token = await opts.tokens.sign({
    integrationId: client.integrationId,
    clientId: client.clientId,
    scope,
  });
  return {
    access_token: token,
    token_type: 'Bearer',
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    ...(scope ? { scope: scope.join(' ') } : {}),
  };
}

/** RFC 6749 §5.1: never cached. */
function send(res: Response, status: number, body: Record<string, unknown>): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.status(status).json(body);
}
