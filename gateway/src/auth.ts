import {
  createRemoteJWKSet,
  importJWK,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
  SignJWT,
} from 'jose';

export const LOCAL_ISSUER = 'cifra-local';
export const LOCAL_AUDIENCE = 'cifra';

export type AuthConfig = (
  | { kind: 'oidc'; jwksUrl: string; issuer: string; audience: string }
  | { kind: 'local'; publicJwk: JWK }
) & {
  /** The longest lifetime (exp − iat) a user token may have; 24 h by default. */
  maxTokenLifetimeSeconds?: number;
};

export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;
/** Clock skew tolerated between the identity provider and the gateway. */
const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Who a valid token names: a person by their email, or — a client-credentials token of the firm's
 * OIDC provider, one without an email — a client by its `client_id` (else `azp`).
 */
export type Bearer = { email: string } | { oidcClient: string };

export interface Authenticator {
  /** The `iss` its tokens must carry: LOCAL_ISSUER for the embedded default's local issuer. */
  readonly issuer: string;
  /** The bearer of a valid token, or null for a missing, forged or expired one. */
  identify(authorization: string | undefined): Promise<Bearer | null>;
}

/**
 * Users sign in at the firm's identity provider (OIDC; keys from its JWKS) or, in the embedded
 * default, with tokens from the local issuer (`pnpm token`). Either way the gateway knows the
 * caller by the token's verified email.
 */
export async function createAuthenticator(config: AuthConfig): Promise<Authenticator> {
  const key: JWTVerifyGetKey | Awaited<ReturnType<typeof importJWK>> =
    config.kind === 'oidc'
      ? createRemoteJWKSet(new URL(config.jwksUrl))
      : await importJWK(config.publicJwk, 'EdDSA');
  const issuer = config.kind === 'oidc' ? config.issuer : LOCAL_ISSUER;
  const audience = config.kind === 'oidc' ? config.audience : LOCAL_AUDIENCE;
  const maxLifetime = config.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  return {
    issuer,
    async identify(authorization) {
      const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
      if (!token) return null;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, key as Parameters<typeof jwtVerify>[1], {
          issuer,
          audience,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['exp'],
        }));
      } catch {
        return null;
      }
      if (!acceptable(payload, maxLifetime)) return null;
      if (typeof payload.email === 'string') return { email: payload.email.toLowerCase() };
      const client = payload.client_id ?? payload.azp;
      return config.kind === 'oidc' && payload.email === undefined && typeof client === 'string' && client
        ? { oidcClient: client }
        : null;
    },
  };
}

/**
 * What jose does not check: a token that claims to be issued in the future, one that lives longer
 * than the firm allows (a stolen long-lived token is a standing key), and an identity provider's
 * word that the email address was never verified.
 */
function acceptable(payload: JWTPayload, maxLifetimeSeconds: number): boolean {
  const now = Math.floor(Date.now() / 1000);
  const exp = payload.exp as number;
  if (payload.iat !== undefined && payload.iat > now + CLOCK_TOLERANCE_SECONDS) return false;
  if (payload.nbf !== undefined && payload.nbf > now + CLOCK_TOLERANCE_SECONDS) return false;
  if (exp - (payload.iat ?? now) > maxLifetimeSeconds) return false;
  // Some providers send the claim as a string: "false" says the same as false.
  const verified = payload.email_verified;
  return verified !== false && !(typeof verified === 'string' && verified.trim().toLowerCase() === 'false');
}

/** Mint a token from the local issuer (embedded default and tests only). */
export async function signLocalToken(privateJwk: JWK, email: string, ttl = '12h'): Promise<string> {
  return new SignJWT({ email: email.toLowerCase() })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setSubject(email.toLowerCase())
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(await importJWK(privateJwk, 'EdDSA'));
}
