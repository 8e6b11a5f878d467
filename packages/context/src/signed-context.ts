import { randomUUID } from 'node:crypto';
import { isPermission, isRoleCluster, type Permission, type RoleCluster } from '@cifra/permissions';
import { exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';

/** The header that carries the gateway-signed context to every subgraph. */
export const CONTEXT_HEADER = 'x-cifra-context';
const ISSUER = 'cifra-gateway';
const AUDIENCE = 'cifra-subgraphs';
const ALG = 'EdDSA';
type Key = Awaited<ReturnType<typeof importJWK>>;

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
}

const permissionList = z.array(z.string()).transform((list) => list.filter(isPermission));

const claimsSchema = z.object({
  sub: z.string().uuid(),
  rid: z.string().min(1),
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
  client: z.object({ name: z.string().nullable(), version: z.string().nullable() }),
});

export interface ContextKeyPair {
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function generateContextKeys(): Promise<ContextKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true });
  return { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
}

/** Held by the gateway alone. Ed25519, so a subgraph that is compromised still cannot mint contexts. */
export class ContextSigner {
  private constructor(
    private readonly key: Key,
    private readonly ttlSeconds: number,
  ) {}

  static async fromJwk(privateJwk: JWK, ttlSeconds = 60): Promise<ContextSigner> {
    return new ContextSigner(await importJWK(privateJwk, ALG), ttlSeconds);
  }

  sign(ctx: Omit<RequestContext, 'requestId'> & { requestId?: string }): Promise<string> {
    return new SignJWT({
      rid: ctx.requestId ?? randomUUID(),
      email: ctx.email,
      tenant: ctx.tenant,
      perms: ctx.permissions,
      firm: { id: ctx.firm.id, role: ctx.firm.role, perms: ctx.firm.permissions },
      client: ctx.client,
    })
      .setProtectedHeader({ alg: ALG })
      .setSubject(ctx.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }
}

export class ContextVerifier {
  private constructor(private readonly key: Key) {}

  static async fromJwk(publicJwk: JWK): Promise<ContextVerifier> {
    return new ContextVerifier(await importJWK(publicJwk, ALG));
  }

  /** The verified context, or null when the token is missing, forged, expired or malformed. */
  async verify(token: string | undefined): Promise<RequestContext | null> {
    if (!token) return null;
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: [ALG],
        clockTolerance: 5,
      });
      const c = claimsSchema.parse(payload);
      return {
        requestId: c.rid,
        userId: c.sub,
        email: c.email,
        tenant: c.tenant,
        permissions: c.perms,
        firm: { id: c.firm.id, role: c.firm.role, permissions: c.firm.perms },
        client: c.client,
      };
    } catch {
      return null;
    }
  }
}
