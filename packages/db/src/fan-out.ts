import { type TenantDb, tenantDb } from './drizzle.ts';
import type { TenantRegistry } from './registry.ts';
import { isRefusingConnections } from './unavailable.ts';

/**
 * Firm views read many clients' databases at once (the close board and exceptions in the period
 * subgraph, stale rate usage in the FX subgraph): one implementation of the bounded, read-only,
 * per-client-timed fan-out, here beside the registry whose pool bound it respects.
 */
export interface FanOutOptions {
  /** Clients read at once; clamped below the registry's pool bound so pools are not evicted mid-read. */
  concurrency: number;
  /** Per client: connecting plus reading. A slower client is reported UNAVAILABLE, the rest still answer. */
  timeoutMs: number;
}

export const DEFAULT_FAN_OUT: FanOutOptions = { concurrency: 16, timeoutMs: 5_000 };

export type UnavailableCode =
  | 'TIMEOUT'
  | 'CONNECTION_REFUSED'
  | 'DATABASE_NOT_FOUND'
  | 'LOGIN_REFUSED'
  | 'ERROR';

export type FanOutResult<T> =
  | { tenantId: string; ok: true; value: T }
  | { tenantId: string; ok: false; code: UnavailableCode; reason: string };

class FanOutTimeout extends Error {}

/** Why a client could not answer, in words a firm operator can act on (no internals). */
export function unavailable(err: unknown): { code: UnavailableCode; reason: string } {
  if (err instanceof FanOutTimeout) return { code: 'TIMEOUT', reason: err.message };
  const e = err as { code?: string; message?: string; cause?: unknown } | undefined;
  const code = e?.code ?? (e?.cause as { code?: string } | undefined)?.code;
  if (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EHOSTUNREACH' ||
    code === '57P03' ||
    isRefusingConnections(err)
  ) {
    return { code: 'CONNECTION_REFUSED', reason: "The client's database server refused the connection" };
  }
  if (code === '3D000') return { code: 'DATABASE_NOT_FOUND', reason: "The client's database does not exist" };
  // The client's own login is gone (with its database) or its password no longer derives from
  // the services' TENANT_DB_SECRET (rotated without `pnpm migrate`).
  if (code === '28P01' || code === '28000') {
    return { code: 'LOGIN_REFUSED', reason: "The client's database refused the client's login" };
  }
  if (code === '57014' || /timeout/i.test(e?.message ?? '')) {
    return { code: 'TIMEOUT', reason: "The client's database did not answer in time" };
  }
  return { code: 'ERROR', reason: "The client's database could not be read" };
}

/**
 * Run `read` against many clients' databases with at most `concurrency` at once. Each client's read
 * gets one connection of its own, set read-only (`default_transaction_read_only`) and bounded by
 * `statement_timeout`; a timer covers the whole read, including a server that never accepts the
 * connection. So a fan-out over 1,500 clients holds `concurrency` connections at a time, and the
 * registry's LRU bound closes the pools behind it. Results come back in the order of `tenantIds`.
 */
export async function fanOut<T>(
  registry: TenantRegistry,
  tenantIds: readonly string[],
  read: (db: TenantDb, tenantId: string) => Promise<T>,
  options: FanOutOptions = DEFAULT_FAN_OUT,
): Promise<FanOutResult<T>[]> {
  const concurrency = Math.max(1, Math.min(options.concurrency, registry.maxPools - 1, tenantIds.length));
  await registry.preloadLocations(tenantIds);
  const results: FanOutResult<T>[] = new Array(tenantIds.length);
  let next = 0;
  const timeoutMs = Math.max(1, Math.floor(options.timeoutMs));
  const one = async (tenantId: string): Promise<FanOutResult<T>> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FanOutTimeout(`No answer within ${timeoutMs} ms`)), timeoutMs);
    });
    const work = (async () => {
      const client = await (await registry.pool(tenantId)).connect();
      let healthy = false;
      try {
        await client.query(`SET statement_timeout = ${timeoutMs}; SET default_transaction_read_only = on`);
        const value = await read(tenantDb(client), tenantId);
        await client.query('RESET statement_timeout; RESET default_transaction_read_only');
        healthy = true;
        return value;
      } finally {
        // A connection left mid-way (timeout, error) is closed rather than handed to the next caller.
        client.release(!healthy);
      }
    })();
    // A read that finishes after its timeout must not surface as an unhandled rejection.
    work.catch(() => undefined);
    try {
      return { tenantId, ok: true, value: await Promise.race([work, timeout]) };
    } catch (err) {
      return { tenantId, ok: false, ...unavailable(err) };
    } finally {
      clearTimeout(timer);
    }
  };
  const lanes = Array.from({ length: concurrency }, async () => {
    while (next < tenantIds.length) {
      const i = next++;
      results[i] = await one(tenantIds[i] as string);
    }
  });
  await Promise.all(lanes);
  return results;
}
