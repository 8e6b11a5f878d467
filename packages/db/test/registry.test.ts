import {
  createTestControlDatabase,
  createTestTenantDatabase,
  type TestDatabase,
  testServerUrl,
  testServiceSecrets,
} from '@cifra/testing';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  appLoginRole,
  type ControlDb,
  control,
  controlDb,
  pg,
  TenantRegistry,
  withClient,
} from '../src/index.ts';

const MAX_POOLS = 3;
const POOL_SIZE = 2;
/** More clients than the registry may keep pools for. */
const TENANTS = MAX_POOLS + 3;

let controlDatabase: TestDatabase;
let controlPool: pg.Pool;
let db: ControlDb;
const books: TestDatabase[] = [];
const tenantIds: string[] = [];
let registry: TenantRegistry | undefined;

beforeAll(async () => {
  controlDatabase = await createTestControlDatabase();
  controlPool = new pg.Pool({ connectionString: controlDatabase.adminUrl, max: 2 });
  db = controlDb(controlPool);
  await db.insert(control.currencies).values({ code: 'PAB', name: 'Balboa', minorUnits: 2 });
  const [firm] = await db.insert(control.firms).values({ slug: 'pool-firm', name: 'Pool Firm' }).returning();
  const [server] = await db
    .insert(control.dbServers)
    .values({ name: 'test', adminUrl: testServerUrl() })
    .returning();
  for (let i = 0; i < TENANTS; i++) {
    const book = await createTestTenantDatabase();
    books.push(book);
    const [row] = await db
      .insert(control.tenants)
      .values({
        firmId: firm!.id,
        slug: `pool-client-${i}`,
        name: `Pool client ${i}`,
        region: 'PA',
        baseCurrency: 'PAB',
        timezone: 'America/Panama',
        serverId: server!.id,
        databaseName: book.name,
        status: 'ACTIVE',
      })
      .returning();
    tenantIds.push(row!.id);
  }
});

afterEach(async () => {
  await registry?.close();
  registry = undefined;
});

afterAll(async () => {
  await controlPool.end();
  for (const book of books) await book.drop();
  await controlDatabase.drop();
});

/** Connections the clients' application logins hold on the server, by client database (other test files excluded). */
async function serverConnections(): Promise<Map<string, number>> {
  return withClient(testServerUrl(), async (c) => {
    const r = await c.query<{ datname: string; n: number }>(
      `SELECT datname, count(*)::int AS n FROM pg_stat_activity
        WHERE usename = ANY($1::text[]) AND datname = ANY($2::text[]) GROUP BY datname`,
      [books.map((b) => appLoginRole(b.name)), books.map((b) => b.name)],
    );
    return new Map(r.rows.map((row) => [row.datname, row.n]));
  });
}

const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const nameOf = (tenantId: string) => books[tenantIds.indexOf(tenantId)]!.name;

/** Query a client's books through the registry with every connection of its pool busy at once. */
async function useFully(r: TenantRegistry, tenantId: string): Promise<void> {
  const tdb = await r.db(tenantId);
  const results = await Promise.all(
    Array.from({ length: POOL_SIZE }, () =>
      tdb.execute<{ db: string }>(sql`SELECT current_database() AS db, pg_sleep(0.05)`),
    ),
  );
  for (const result of results) expect(result.rows[0]?.db).toBe(nameOf(tenantId));
}

describe('TenantRegistry with more clients than its pool bound', () => {
  it('never keeps more than maxPools pools, evicts the least recently used, and bounds server connections', async () => {
    const r = new TenantRegistry({
      control: db,
      secrets: testServiceSecrets,
      maxPools: MAX_POOLS,
      poolSize: POOL_SIZE,
      idleTimeoutMs: 60_000,
    });
    registry = r;
    for (const [i, tenantId] of tenantIds.entries()) {
      await useFully(r, tenantId);
      const stats = r.stats();
      expect(stats.pools).toBe(Math.min(i + 1, MAX_POOLS));
      expect(stats.connections).toBeLessThanOrEqual(MAX_POOLS * POOL_SIZE);
      // An evicted pool closes its connections as soon as they are returned.
      await vi.waitFor(async () => {
        expect(total(await serverConnections())).toBeLessThanOrEqual(MAX_POOLS * POOL_SIZE);
      });
    }
    // The last three clients hold pools, oldest first.
    expect(r.stats().tenants).toEqual(tenantIds.slice(-MAX_POOLS));

    // Touch the oldest of them, then open a pool for a client without one: the one used least
    // recently (not the oldest opened) is evicted.
    const [oldest, middle, newest] = tenantIds.slice(-MAX_POOLS) as [string, string, string];
    await r.db(oldest);
    await useFully(r, tenantIds[0]!);
    expect(r.stats().tenants).toEqual([newest, oldest, tenantIds[0]]);

    // On the server, exactly the clients with a pool hold connections; the evicted one holds none.
    await vi.waitFor(async () => {
      const byDb = await serverConnections();
      expect(byDb.get(nameOf(middle)) ?? 0).toBe(0);
      expect([...byDb.keys()].sort()).toEqual([newest, oldest, tenantIds[0]!].map(nameOf).sort());
      expect(total(byDb)).toBe(r.stats().connections);
    });
  });

  it('closes idle connections and drops pools left without any', async () => {
    const r = new TenantRegistry({
      control: db,
      secrets: testServiceSecrets,
      maxPools: MAX_POOLS,
      poolSize: POOL_SIZE,
      idleTimeoutMs: 200,
    });
    registry = r;
    await useFully(r, tenantIds[1]!);
    await useFully(r, tenantIds[2]!);
    expect(r.stats().pools).toBe(2);
    expect(total(await serverConnections())).toBeGreaterThan(0);
    await vi.waitFor(
      async () => {
        expect(r.stats()).toMatchObject({ pools: 0, connections: 0 });
        expect(total(await serverConnections())).toBe(0);
      },
      { timeout: 15_000, interval: 200 },
    );
    // A later request opens a fresh pool on demand.
    await useFully(r, tenantIds[1]!);
    expect(r.stats().tenants).toEqual([tenantIds[1]]);
  });
});

describe('a client held across the bound', () => {
  /** A registry that keeps one pool: any other client's use evicts it. */
  const registryOfOnePool = () => {
    registry = new TenantRegistry({
      control: db,
      secrets: testServiceSecrets,
      maxPools: 1,
      poolSize: POOL_SIZE,
      idleTimeoutMs: 60_000,
    });
    return registry;
  };

  it('keeps answering a caller that holds its books while other clients evict its pool', async () => {
    const r = registryOfOnePool();
    const held = await r.db(tenantIds[0]!);
    const read = async () =>
      (await held.execute<{ db: string }>(sql`SELECT current_database() AS db`)).rows[0]?.db;
    expect(await read()).toBe(nameOf(tenantIds[0]!));
    // Another client's request evicts the held client's pool (the bound is one pool)…
    await useFully(r, tenantIds[1]!);
    expect(r.stats().tenants).toEqual([tenantIds[1]]);
    // …and the held handle still reaches its own books, in a statement and in a transaction.
    expect(await read()).toBe(nameOf(tenantIds[0]!));
    await useFully(r, tenantIds[2]!);
    expect(
      await held.transaction(
        async (tx) => (await tx.execute<{ db: string }>(sql`SELECT current_database() AS db`)).rows[0]?.db,
      ),
    ).toBe(nameOf(tenantIds[0]!));
    expect(r.stats().pools).toBe(1);
  });

  it('serves the callers already waiting on a saturated pool it evicts, then ends that pool', async () => {
    const r = registryOfOnePool();
    const pool = await r.pool(tenantIds[3]!);
    const held = await r.db(tenantIds[3]!);
    // (drizzle's queries are lazy: `then` sends them now)
    const busy = Array.from({ length: POOL_SIZE }, () =>
      held.execute(sql`SELECT pg_sleep(0.3)`).then(String),
    );
    await vi.waitFor(() => expect(pool.totalCount - pool.idleCount).toBe(POOL_SIZE));
    const waiting = held
      .execute<{ db: string }>(sql`SELECT current_database() AS db`)
      .then((result) => result.rows[0]?.db);
    await vi.waitFor(() => expect(pool.waitingCount).toBe(1));
    // Evicted while every connection is busy and a caller waits for one: the waiter is served by
    // this pool as a connection comes back (before, it waited out the connection timeout).
    await useFully(r, tenantIds[4]!);
    await Promise.all(busy);
    expect(await waiting).toBe(nameOf(tenantIds[3]!));
    // Served, the retired pool ends; the client's next statement opens a pool of its own again.
    await vi.waitFor(() => expect(pool.ending && pool.totalCount === 0).toBe(true));
    expect((await held.execute<{ db: string }>(sql`SELECT current_database() AS db`)).rows[0]?.db).toBe(
      nameOf(tenantIds[3]!),
    );
    expect(r.stats().tenants).toEqual([tenantIds[3]]);
  });
});
