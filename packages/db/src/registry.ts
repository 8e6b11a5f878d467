import { eq, inArray } from 'drizzle-orm';
import { dbServers, tenants } from './control/schema.ts';
import { type ControlDb, type TenantDb, tenantDb } from './drizzle.ts';
import { INVESTIGATOR_SECRET, investigatorUrl } from './investigate.ts';
import { LocationListener } from './location-notifications.ts';
import { appLoginUrl, TENANT_DB_SECRET } from './logins.ts';
import { pg } from './pg.ts';
import { endPool, guardPool } from './unavailable.ts';
import { resolveSecrets, withoutCredentials } from './url.ts';

export interface TenantLocation {
  tenantId: string;
  slug: string;
  status: 'PROVISIONING' | 'ACTIVE' | 'SUSPENDED' | 'DELETED';
  databaseName: string;
  serverAdminUrl: string;
}

export interface TenantRegistryOptions {
  control: ControlDb;
  /**
   * Values for `${NAME}` placeholders in server URLs, and the secrets client logins' passwords are
   * derived from: TENANT_DB_SECRET (the application's) and INVESTIGATOR_DB_SECRET.
   */
  secrets: Readonly<Record<string, string | undefined>>;
  /** Global bound on open pools; past it the least recently used pool is closed. */
  maxPools?: number;
  /** Connections per tenant pool. */
  poolSize?: number;
  /** A connection idle this long is closed; a pool left with none is dropped at the next sweep. */
  idleTimeoutMs?: number;
  /** How long a tenant's location is trusted before it is read again from the control plane. */
  locationTtlMs?: number;
  statementTimeoutMs?: number;
  /** How long opening a connection may take before it fails (a dead server must not hang callers). */
  connectionTimeoutMs?: number;
  /**
   * The control plane, to listen there for announced location changes (a move, a restore in place:
   * `announceLocationChange`): the client's location and pool are forgotten at once. Without it, or
   * while the listening connection is down, a changed location is seen when `locationTtlMs` lapses.
   */
  listen?: { connection: pg.ClientConfig; onError?: (err: unknown) => void };
}

type ConnectCallback = (
  err: Error | undefined,
  client?: pg.PoolClient,
  release?: (err?: Error) => void,
) => void;

interface Entry {
  pool: pg.Pool;
  /** Where the pool connects: a location read again and found elsewhere means a new pool. */
  url: string;
  db: TenantDb;
  lastUsedAt: number;
}

/**
 * Resolves a tenant to its own database and keeps a small, lazily opened pool per tenant. Pools are
 * bounded globally (LRU eviction), so thousands of clients never mean thousands of idle
 * connections; a pool whose connections have all idled out is dropped by the sweeper.
 */
export class TenantRegistry {
  private readonly pools = new Map<string, Entry>();
  private readonly locations = new Map<string, { at: number; location: TenantLocation }>();
  /** Retired pools not ended yet (still serving what they had): `close` ends them too. */
  private readonly ending = new Set<pg.Pool>();
  private readonly opts: Required<Omit<TenantRegistryOptions, 'listen'>>;
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;
  /** Listens for announced location changes, when the registry was given the control plane's address. */
  readonly listener: LocationListener | undefined;

  constructor(options: TenantRegistryOptions) {
    const { listen, ...rest } = options;
    this.opts = {
      maxPools: 50,
      poolSize: 4,
      idleTimeoutMs: 30_000,
      locationTtlMs: 30_000,
      statementTimeoutMs: 30_000,
      connectionTimeoutMs: 10_000,
      ...rest,
    };
    this.sweeper = setInterval(() => this.sweep(), Math.max(1_000, this.opts.idleTimeoutMs)).unref();
    this.listener = listen
      ? new LocationListener({
          connection: listen.connection,
          onChange: (tenantId) => this.forget(tenantId),
          // Announcements may have been missed while down: every location is read again at its
          // client's next use (its pool kept if the location is unchanged).
          onResumed: () => this.locations.clear(),
          onError: listen.onError,
        })
      : undefined;
  }

  private locationQuery() {
    return this.opts.control
      .select({
        tenantId: tenants.id,
        slug: tenants.slug,
        status: tenants.status,
        databaseName: tenants.databaseName,
        serverAdminUrl: dbServers.adminUrl,
      })
      .from(tenants)
      .innerJoin(dbServers, eq(dbServers.id, tenants.serverId));
  }

  async location(tenantId: string): Promise<TenantLocation> {
    const cached = this.locations.get(tenantId);
    if (cached && Date.now() - cached.at < this.opts.locationTtlMs) return cached.location;
    const [row] = await this.locationQuery().where(eq(tenants.id, tenantId));
    if (!row) throw new Error(`Unknown tenant ${tenantId}`);
    this.locations.set(tenantId, { at: Date.now(), location: row });
    return row;
  }

  /**
   * Read many tenants' locations in one control-plane query (a fan-out over 1,500 clients would
   * otherwise cost 1,500 lookups). Only fills the cache; pools still open lazily.
   */
  async preloadLocations(tenantIds: readonly string[]): Promise<void> {
    const now = Date.now();
    const missing = tenantIds.filter((id) => {
      const cached = this.locations.get(id);
      return !cached || now - cached.at >= this.opts.locationTtlMs;
    });
    if (missing.length === 0) return;
    const rows = await this.locationQuery().where(inArray(tenants.id, missing));
    for (const row of rows) this.locations.set(row.tenantId, { at: now, location: row });
  }

  /** A `${NAME}` secret the services were given (the investigator's, the checkpoint's). */
  secret(name: string): string | undefined {
    return this.opts.secrets[name];
  }

  /** Pools that may be open at once, across all tenants (the fan-out bound must stay below it). */
  get maxPools(): number {
    return this.opts.maxPools;
  }

  /**
   * Only the server's address is taken from the directory; its admin credentials (a `${SECRET}`
   * placeholder there) are dropped unread, so the services that only read and write books never
   * need the server's admin password.
   */
  private address(location: TenantLocation): string {
    return resolveSecrets(withoutCredentials(location.serverAdminUrl), this.opts.secrets);
  }

  private required(name: string, what: string): string {
    const secret = this.opts.secrets[name];
    if (!secret) throw new Error(`${what} need ${name} in the services' secrets`);
    return secret;
  }

  /** How the application connects to a client: its database, as that client's own login. */
  appUrl(location: TenantLocation): string {
    const secret = this.required(TENANT_DB_SECRET, 'client databases');
    return appLoginUrl(this.address(location), location.databaseName, secret);
  }

  /** How a client's investigations connect: its database, as its own investigator login (member of nothing). */
  investigatorUrl(location: TenantLocation): string {
    const secret = this.required(INVESTIGATOR_SECRET, 'investigations');
    return investigatorUrl(this.address(location), location.databaseName, secret);
  }

  async db(tenantId: string): Promise<TenantDb> {
    return (await this.entry(tenantId)).db;
  }

  async pool(tenantId: string): Promise<pg.Pool> {
    return (await this.entry(tenantId)).pool;
  }

  private fresh(tenantId: string): boolean {
    const cached = this.locations.get(tenantId);
    return cached !== undefined && Date.now() - cached.at < this.opts.locationTtlMs;
  }

  private touch(tenantId: string, entry: Entry): Entry {
    // Map order is recency order: move this tenant to the back.
    this.pools.delete(tenantId);
    this.pools.set(tenantId, entry);
    entry.lastUsedAt = Date.now();
    return entry;
  }

  private async entry(tenantId: string): Promise<Entry> {
    if (this.closed) throw new Error('Tenant registry is closed');
    const existing = this.pools.get(tenantId);
    if (existing && this.fresh(tenantId)) return this.touch(tenantId, existing);
    // No pool, or its location is due to be read again: a pool whose client moved meanwhile (an
    // announcement missed) is replaced, so a stale location lasts `locationTtlMs` at most.
    let location: TenantLocation;
    try {
      location = await this.location(tenantId);
    } catch (err) {
      // The control plane unreadable for a moment: the books stay reachable where they were (a
      // moved client's old database refuses writes, TENANT_READ_ONLY).
      const current = this.pools.get(tenantId);
      if (current && !(err instanceof Error && err.message.startsWith('Unknown tenant')))
        return this.touch(tenantId, current);
      throw err;
    }
    const url = this.appUrl(location);
    const raced = this.pools.get(tenantId);
    if (raced?.url === url) return this.touch(tenantId, raced);
    if (raced) this.drop(tenantId);
    const pool = new pg.Pool({
      connectionString: url,
      max: this.opts.poolSize,
      idleTimeoutMillis: this.opts.idleTimeoutMs,
      allowExitOnIdle: true,
      statement_timeout: this.opts.statementTimeoutMs,
      connectionTimeoutMillis: this.opts.connectionTimeoutMs,
      application_name: 'cifra',
    });
    // A dropped connection must not crash the process; the next query gets a fresh one.
    guardPool(pool);
    const entry = { pool, url, db: tenantDb(pool), lastUsedAt: Date.now() };
    this.pools.set(tenantId, entry);
    while (this.pools.size > this.opts.maxPools) {
      const [oldest] = this.pools.keys();
      if (oldest === undefined) break;
      this.drop(oldest);
    }
    return entry;
  }

  /** Forget a tenant's pool and location (after suspension, a move, or a failed provisioning). */
  forget(tenantId: string): void {
    this.locations.delete(tenantId);
    this.drop(tenantId);
  }

  /**
   * A pool given up (evicted past the bound, idle, or its client forgotten) is retired, not broken:
   * a request or a batch item holds its client's books for all its statements, and the pool under
   * them may be evicted between two of them by other clients' work. A retired pool's checked-out
   * connections finish their work, the callers already waiting for one of its connections get it,
   * then it ends; a connection asked of it afterwards comes from its client's current pool, opened
   * again if need be (where the client is now, when it moved). Before, such a caller was refused
   * ("Cannot use a pool after calling end") and a caller waiting on a saturated pool waited out its
   * connection timeout: TENANT_UNAVAILABLE for a client whose database was up.
   */
  private drop(tenantId: string): void {
    const entry = this.pools.get(tenantId);
    if (!entry) return;
    this.pools.delete(tenantId);
    this.retire(tenantId, entry.pool);
  }

  private retire(tenantId: string, pool: pg.Pool): void {
    this.followCurrentPool(tenantId, pool);
    this.ending.add(pool);
    // Waiters are served as connections come back ('acquire'); one that gave up waiting leaves
    // without an event, and the next connection returned ('release') tells.
    const endOnceServed = () => {
      if (pool.waitingCount > 0) return;
      pool.off('acquire', endOnceServed);
      pool.off('release', endOnceServed);
      // end() lets checked-out clients finish their work, then closes them.
      void pool
        .end()
        .catch(() => undefined)
        .finally(() => this.ending.delete(pool));
    };
    pool.on('acquire', endOnceServed);
    pool.on('release', endOnceServed);
    endOnceServed();
  }

  /** The connections asked of a retired `pool` from now on come from `tenantId`'s current pool. */
  private followCurrentPool(tenantId: string, pool: pg.Pool): void {
    const connect = pool.connect.bind(pool) as (
      callback?: ConnectCallback,
    ) => Promise<pg.PoolClient> | undefined;
    pool.connect = ((callback?: ConnectCallback) => {
      if (this.closed) return connect(callback);
      const current = this.pool(tenantId);
      if (!callback) return current.then((p) => p.connect());
      current.then(
        (p) => p.connect(callback),
        (err: Error) => callback(err, undefined, () => undefined),
      );
      return undefined;
    }) as pg.Pool['connect'];
  }

  private sweep(): void {
    const cutoff = Date.now() - this.opts.idleTimeoutMs;
    for (const [tenantId, { pool, lastUsedAt }] of this.pools) {
      if (lastUsedAt < cutoff && pool.totalCount === 0 && pool.waitingCount === 0) this.drop(tenantId);
    }
  }

  /** Open pools and their connections; `tenants` lists the tenants with a pool, least recently used first. */
  stats(): { pools: number; connections: number; idle: number; tenants: string[] } {
    let connections = 0;
    let idle = 0;
    for (const { pool } of this.pools.values()) {
      connections += pool.totalCount;
      idle += pool.idleCount;
    }
    return { pools: this.pools.size, connections, idle, tenants: [...this.pools.keys()] };
  }

  /** Open connections per database server (its host and port only), for metrics. */
  serverStats(): { server: string; connections: number; idle: number }[] {
    const byServer = new Map<string, { server: string; connections: number; idle: number }>();
    for (const [tenantId, { pool }] of this.pools) {
      const url = this.locations.get(tenantId)?.location.serverAdminUrl;
      const server = url ? new URL(withoutCredentials(url)).host : 'unknown';
      const s = byServer.get(server) ?? { server, connections: 0, idle: 0 };
      s.connections += pool.totalCount;
      s.idle += pool.idleCount;
      byServer.set(server, s);
    }
    return [...byServer.values()];
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    await this.listener?.close();
    const pools = [...this.pools.values()].map((e) => e.pool);
    this.pools.clear();
    // Retired pools not ended yet end with the rest.
    const ended = [...pools, ...this.ending].map((pool) => endPool(pool));
    this.ending.clear();
    await Promise.all(ended);
  }
}
