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
  /**
   * Access lookups under way, by key: requests that miss together (every second, when an entry
   * expires, all those in flight for that caller) share one lookup instead of each reading the
   * control plane.
   */
  pending: Map<string, Promise<CachedAccess>>;
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
    pending: new Map(),
  };
}

/**
 * Everything remembered about access is dropped, lookups under way included: a request that comes
 * after this looks its access up afresh, and a lookup begun before it is not remembered.
 */
export function forgetAccess(caches: GatewayCaches): void {
  caches.access.clear();
  caches.pending.clear();
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

/**
 * The caller's access for `key`: from the cache, from a lookup of it already under way, or from
 * `resolve` (which may refuse: a refusal reaches the requests that shared the lookup and is not kept).
 */
export async function cachedAccess<T extends CachedAccess>(
  caches: GatewayCaches | undefined,
  key: string,
  resolve: () => Promise<T>,
): Promise<T> {
  if (!caches) return resolve();
  const known = caches.access.get(key) ?? caches.pending.get(key);
  if (known) return known as T | Promise<T>;
  const lookup: Promise<T> = resolve().then(
    (access) => {
      if (caches.pending.get(key) !== lookup) return access;
      caches.pending.delete(key);
      caches.access.set(key, access);
      return access;
    },
    (refused: unknown) => {
      if (caches.pending.get(key) === lookup) caches.pending.delete(key);
      throw refused;
    },
  );
  caches.pending.set(key, lookup);
  // A lookup that hangs (the control plane stalled) is shared no longer than an entry would be kept.
  setTimeout(() => {
    if (caches.pending.get(key) === lookup) caches.pending.delete(key);
  }, caches.access.ttl).unref();
  return lookup;
}
