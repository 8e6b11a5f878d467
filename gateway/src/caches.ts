import type { RequestContext } from '@cifra/context';
import { decodeJwt } from 'jose';
import { LRUCache } from 'lru-cache';

/**
 * What the gateway remembers between requests, so that the common case — the same person or
 * partner asking again within the second — costs neither a signature check nor the control
 * plane's membership reads (docs/architecture/gateway.md, "Caches"):
 *
 * - a verified token, until it expires: a valid signature stays valid, and who may do what is
 *   looked up separately;
 * - a caller's access to a client (or to the firm), for `ttlMs` (one second by default): a role
 *   revoked through another gateway instance applies there within that time; any mutation through
 *   this gateway empties it, so a change made here applies to the very next request.
 *
 * Refusals are never remembered: a revoked caller is looked up afresh on each try.
 */
export interface GatewayCaches {
  callers: LRUCache<string, CachedCaller>;
  access: LRUCache<string, CachedAccess>;
}

type CachedCaller = object;
/** A caller's access as resolved, less what differs per request (its id and the client app). */
export type CachedAccess = Omit<RequestContext, 'requestId' | 'client'> & { tenantRole?: string };

/** Tokens beyond this many are verified again (an attacker's stream of valid tokens cannot grow memory). */
const MAX_TOKENS = 10_000;
const MAX_ACCESS = 10_000;

export function createGatewayCaches(accessTtlMs = 1_000): GatewayCaches {
  return {
    callers: new LRUCache({ max: MAX_TOKENS }),
    access: new LRUCache({ max: MAX_ACCESS, ttl: Math.max(1, accessTtlMs) }),
  };
}

/**
 * Remember what `verify` made of a bearer token until the token expires (its `exp`, already
 * checked by `verify`); an invalid token is not remembered.
 */
export async function cachedCaller<T extends CachedCaller>(
  caches: GatewayCaches | undefined,
  authorization: string | undefined,
  verify: () => Promise<T | null>,
): Promise<T | null> {
  const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
  if (!caches || !token) return verify();
  const known = caches.callers.get(token);
  if (known) return known as T;
  const caller = await verify();
  const exp = caller ? decodeJwt(token).exp : undefined;
  const ttl = exp ? exp * 1000 - Date.now() : 0;
  if (caller && ttl > 0) caches.callers.set(token, caller, { ttl });
  return caller;
}

/** The caller's access for `key`, from the cache or `resolve` (which may refuse; refusals are not kept). */
export async function cachedAccess<T extends CachedAccess>(
  caches: GatewayCaches | undefined,
  key: string,
  resolve: () => Promise<T>,
): Promise<T> {
  const known = caches?.access.get(key);
  if (known) return known as T;
  const access = await resolve();
  caches?.access.set(key, access);
  return access;
}
