import {
  createPrivateKey,
  sign as cryptoSign,
  type JsonWebKey,
  type KeyObject,
  randomUUID,
} from 'node:crypto';
import { isPermission, isRoleCluster, type Permission, type RoleCluster } from '@cifra/permissions';
import { exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify } from 'jose';
import { z } from 'zod';

/** The header that carries the gateway-signed context to every subgraph. */
export const CONTEXT_HEADER = 'x-cifra-context';
const ISSUER = 'cifra-gateway';
/** A context is signed for one subgraph: `cifra-subgraph:<name>`. */
export const contextAudience = (subgraph: string) => `cifra-subgraph:${subgraph}`;
/**
 * How long a signed context lives. The gateway signs each subgraph fetch just before sending it,
 * so the context only has to cross one loopback or LAN hop: 15 s covers a busy server and clock
 * skew between hosts, and limits what a captured header is worth.
 */
export const CONTEXT_TTL_SECONDS = 15;
const ALG = 'EdDSA';
type Key = Awaited<ReturnType<typeof importJWK>>;

/**
 * The longest request id a context carries: the gateway keeps a caller's own `x-request-id` only
 * up to this length (gateway/src/observability.ts), and mints a UUID otherwise.
 */
export const REQUEST_ID_MAX_LENGTH = 128;

/** The request id of a batch item's work (`batch-item:<item id>`, subgraphs/period). */
export const BATCH_ITEM_REQUEST_ID_PREFIX = 'batch-item:';

/**
 * Request ids the services mint for their own work, which a caller's `x-request-id` may not take:
 * the gateway replaces a caller's id in one of them with a fresh one, so that no event a caller
 * causes carries one.
 */
export const SERVICE_REQUEST_ID_PREFIXES: readonly string[] = [BATCH_ITEM_REQUEST_ID_PREFIX];

/** Whether `requestId` is in a namespace of the services' own (SERVICE_REQUEST_ID_PREFIXES), in any case. */
export const isServiceRequestId = (requestId: string): boolean => {
  const id = requestId.toLowerCase();
  return SERVICE_REQUEST_ID_PREFIXES.some((prefix) => id.startsWith(prefix));
};

/**
 * The longest client application name, and version, a context carries — the caller's
 * `apollographql-client-name` and `apollographql-client-version` headers, which every audit event
 * of the request records. The gateway refuses a request sending a longer one (gateway/src/admission.ts).
 * Unbounded, two headers of 7,000 characters pushed the context past the 16 KiB of headers a
 * subgraph reads, and the request failed as an outage.
 */
export const CLIENT_IDENTITY_MAX_LENGTH = 128;

/**
 * What a subgraph may believe about a request, because the gateway signed it: who the caller is,
 * which client's books the request is for, and what the caller may do there. Subgraphs never
 * look at a tenant header or a user token themselves.
 */
export interface RequestContext {
  requestId: string;
  userId: string;
  email: string;
  /** The active client, or null for firm-level requests (`me`, `tenants`, the close board). */
  tenant: { id: string; slug: string } | null;
  /** Effective permissions on the active client, or firm-level permissions when there is none. */
  permissions: Permission[];
  firm: { id: string; role: RoleCluster | null; permissions: Permission[] };
  client: { name: string | null; version: string | null };
  /**
   * A partner integration acting (docs/partners.md); absent for a person. Then `userId` is the
   * integration's id and `email` its label (`integrationLabel`), which the audit trail records.
   */
  integration?: IntegrationActor;
}

/** A partner integration acting, as the gateway verified it. */
export interface IntegrationActor {
  id: string;
  name: string;
  /** The client id its token came from: a secret's prefix, or its client id at the firm's OIDC provider. */
  clientId: string;
  via: 'secret' | 'oidc';
  /** The permission constants its token is narrowed to; null: whatever its grants allow. */
  scope: string[] | null;
}

/** How an integration is named where a person's email would be: `integration:<client id>:<name>`. */
export const integrationLabel = (clientId: string, name: string) => `integration:${clientId}:${name}`;

/** The integration an actor label names, or null for a person's email. */
export function parseIntegrationLabel(
  label: string | null | undefined,
): { clientId: string; name: string } | null {
  const m = /^integration:([A-Za-z0-9._-]{1,128}):(.*)$/s.exec(label ?? '');
  return m ? { clientId: m[1] as string, name: m[2] as string } : null;
}

const permissionList = z.array(z.string()).transform((list) => list.filter(isPermission));

const claimsSchema = z.object({
  sub: z.string().uuid(),
  rid: z.string().min(1).max(REQUEST_ID_MAX_LENGTH),
  email: z.string(),
  tenant: z.object({ id: z.string().uuid(), slug: z.string() }).nullable(),
  perms: permissionList,
  firm: z.object({
    id: z.string().uuid(),
    role: z
      .string()
      .nullable()
      .transform((r) => (r !== null && isRoleCluster(r) ? r : null)),
    perms: permissionList,
  }),
  // The gateway's bound: a context carrying more is not one it made.
  client: z.object({
    name: z.string().max(CLIENT_IDENTITY_MAX_LENGTH).nullable(),
    version: z.string().max(CLIENT_IDENTITY_MAX_LENGTH).nullable(),
  }),
  integration: z
    .object({
      id: z.string().uuid(),
      name: z.string(),
      clientId: z.string(),
      via: z.enum(['secret', 'oidc']),
      scope: z.array(z.string()).nullable(),
    })
    .optional(),
});

export interface ContextKeyPair {
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function generateContextKeys(): Promise<ContextKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true });
  return { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
}

/** The JWS header every context carries, encoded once. */
const HEADER = Buffer.from(JSON.stringify({ alg: ALG })).toString('base64url');

/**
 * Held by the gateway alone. Ed25519, so a subgraph that is compromised still cannot mint contexts.
 *
 * It signs with node:crypto's one-shot Ed25519 (`crypto.sign`), not jose: jose 6 signs through
 * WebCrypto, an asynchronous job per signature that cost about twice as much (some 13 % of the
 * gateway's CPU in a profile under load, issue 17 §3). The result is the same compact JWS jose
 * verifies (header `{"alg":"EdDSA"}`, claims, signature), checked by `ContextVerifier` in every
 * subgraph.
 */
export class ContextSigner {
  private constructor(
    private readonly key: KeyObject,
    private readonly ttlSeconds: number,
  ) {}

  static async fromJwk(privateJwk: JWK, ttlSeconds = CONTEXT_TTL_SECONDS): Promise<ContextSigner> {
    if (privateJwk.kty !== 'OKP' || privateJwk.crv !== 'Ed25519' || !privateJwk.d) {
      throw new Error('The context signing key must be an Ed25519 private JWK');
    }
    return new ContextSigner(createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' }), ttlSeconds);
  }

  /** A context for one fetch to `subgraph`, usable once (its `jti`), for `ttlSeconds`. */
  async sign(
    ctx: Omit<RequestContext, 'requestId'> & { requestId?: string },
    subgraph: string,
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      rid: ctx.requestId ?? randomUUID(),
      email: ctx.email,
      tenant: ctx.tenant,
      perms: ctx.permissions,
      firm: { id: ctx.firm.id, role: ctx.firm.role, perms: ctx.firm.permissions },
      client: ctx.client,
      ...(ctx.integration ? { integration: ctx.integration } : {}),
      sub: ctx.userId,
      iss: ISSUER,
      aud: contextAudience(subgraph),
      jti: randomUUID(),
      iat: now,
      exp: now + this.ttlSeconds,
    };
    const input = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${input}.${cryptoSign(null, Buffer.from(input), this.key).toString('base64url')}`;
  }
}

export class ContextVerifier {
  /** Contexts already used, until they expire: a captured header cannot be replayed. */
  private readonly used = new Map<string, number>();
  private lastSweepAt = 0;

  private constructor(private readonly key: Key) {}

  static async fromJwk(publicJwk: JWK): Promise<ContextVerifier> {
    return new ContextVerifier(await importJWK(publicJwk, ALG));
  }

  /**
   * The verified context, or null when the token is missing, forged, expired, malformed, signed
   * for another subgraph, or already used once.
   */
  async verify(token: string | undefined, subgraph: string): Promise<RequestContext | null> {
    if (!token) return null;
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: contextAudience(subgraph),
        algorithms: [ALG],
        clockTolerance: 5,
        requiredClaims: ['jti', 'exp'],
      });
      if (!this.firstUse(payload.jti as string, payload.exp as number)) return null;
      const c = claimsSchema.parse(payload);
      return {
        requestId: c.rid,
        userId: c.sub,
        email: c.email,
        tenant: c.tenant,
        permissions: c.perms,
        firm: { id: c.firm.id, role: c.firm.role, permissions: c.firm.perms },
        client: c.client,
        ...(c.integration ? { integration: c.integration } : {}),
      };
    } catch {
      return null;
    }
  }

  private firstUse(jti: string, expSeconds: number): boolean {
    const now = Date.now();
    if (now - this.lastSweepAt > 5_000) {
      for (const [id, exp] of this.used) if (exp < now) this.used.delete(id);
      this.lastSweepAt = now;
    }
    if (this.used.has(jti)) return false;
    // Kept past its expiry by the verifier's clock tolerance, so it cannot come back then either.
    this.used.set(jti, expSeconds * 1000 + 5_000);
    return true;
  }
}
