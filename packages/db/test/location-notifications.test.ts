import { once } from 'node:events';
import {
  createTestControlDatabase,
  createTestTenantDatabase,
  type TestDatabase,
  testServerUrl,
  testServiceSecrets,
} from '@cifra/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  announceLocationChange,
  type ControlDb,
  control,
  controlDb,
  LOCATION_CHANNEL,
  pg,
  TenantRegistry,
  withClient,
} from '../src/index.ts';

/**
 * Location announcements (docs/architecture/backups.md, "Telling the other processes"): registries
 * sharing one control plane, as the processes of a deployment do. A registry's location cache is
 * given an hour, so only an announcement (or a resumed listener) can make it see a change here.
 */
let controlDatabase: TestDatabase;
let controlPool: pg.Pool;
let db: ControlDb;
let books: [TestDatabase, TestDatabase];
let tenantId: string;
const registries: TenantRegistry[] = [];
const HOUR_MS = 3_600_000;

beforeAll(async () => {
  controlDatabase = await createTestControlDatabase();
  controlPool = new pg.Pool({ connectionString: controlDatabase.adminUrl, max: 2 });
  db = controlDb(controlPool);
  await db.insert(control.currencies).values({ code: 'PAB', name: 'Balboa', minorUnits: 2 });
  const [firm] = await db.insert(control.firms).values({ slug: 'loc-firm', name: 'Loc Firm' }).returning();
  const [server] = await db
    .insert(control.dbServers)
    .values({ name: 'test', adminUrl: testServerUrl() })
    .returning();
  books = [await createTestTenantDatabase(), await createTestTenantDatabase()];
  const [row] = await db
    .insert(control.tenants)
    .values({
      firmId: firm!.id,
      slug: 'loc-client',
      name: 'Loc client',
      region: 'PA',
      baseCurrency: 'PAB',
      timezone: 'America/Panama',
      serverId: server!.id,
      databaseName: books[0].name,
      status: 'ACTIVE',
    })
    .returning();
  tenantId = row!.id;
});

beforeEach(async () => {
  await db
    .update(control.tenants)
    .set({ databaseName: books[0].name })
    .where(eq(control.tenants.id, tenantId));
});

afterEach(async () => {
  for (const r of registries.splice(0)) await r.close();
});

afterAll(async () => {
  await controlPool.end();
  for (const book of books) await book.drop();
  await controlDatabase.drop();
});

function registry(opts: { listen?: boolean; locationTtlMs?: number } = {}): TenantRegistry {
  const r = new TenantRegistry({
    control: db,
    secrets: testServiceSecrets,
    locationTtlMs: opts.locationTtlMs ?? HOUR_MS,
    listen: opts.listen === false ? undefined : { connection: controlPool.options, onError: () => undefined },
  });
  registries.push(r);
  return r;
}

const databaseOf = async (r: TenantRegistry) =>
  (await (await r.db(tenantId)).execute<{ db: string }>(sql`SELECT current_database() AS db`)).rows[0]?.db;

/** Point the client at the other database, announcing it (as a move does) or not (a missed announcement). */
async function repoint(to: TestDatabase, announce: boolean) {
  await db.transaction(async (tx) => {
    await tx.update(control.tenants).set({ databaseName: to.name }).where(eq(control.tenants.id, tenantId));
    if (announce) await announceLocationChange(tx, tenantId);
  });
}

/** The listener's own session on the control plane (to end it as a server restart would). */
const endListenerSessions = () =>
  withClient(testServerUrl(), (c) =>
    c.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = $1 AND application_name = 'cifra-location-listener'`,
      [controlDatabase.name],
    ),
  );

describe('a location change announced on the control plane', () => {
  it('is seen by every other registry at its next request, its old pool closed', async () => {
    const [a, b] = [registry(), registry()];
    const ttlOnly = registry({ listen: false });
    await Promise.all([a.listener!.ready(), b.listener!.ready()]);
    for (const r of [a, b, ttlOnly]) expect(await databaseOf(r)).toBe(books[0].name);
    const heard = Promise.all([once(a.listener!, 'change'), once(b.listener!, 'change')]);
    await repoint(books[1], true);
    expect(await heard).toEqual([[tenantId], [tenantId]]);
    expect(await databaseOf(a)).toBe(books[1].name);
    expect(await databaseOf(b)).toBe(books[1].name);
    // Without the announcement a process keeps the old location for its cache's lifetime.
    expect(await databaseOf(ttlOnly)).toBe(books[0].name);
    expect(a.stats().pools).toBe(1);
  });

  it('is not announced when its transaction rolls back', async () => {
    const r = registry();
    await r.listener!.ready();
    await expect(
      db.transaction(async (tx) => {
        await announceLocationChange(tx, tenantId);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    // A later announcement is the first one heard: the rolled-back one was never delivered.
    const heard: string[] = [];
    r.listener!.on('change', (id: string) => heard.push(id));
    const next = once(r.listener!, 'change');
    await withClient(controlDatabase.adminUrl, (c) =>
      c.query('SELECT pg_notify($1, $2)', [LOCATION_CHANNEL, 'marker']),
    );
    await next;
    expect(heard).toEqual(['marker']);
  });
});

describe('a listener whose connection drops', () => {
  it('reconnects without taking the process down, and reads every location again (announcements may have been missed)', async () => {
    const r = new TenantRegistry({
      control: db,
      secrets: testServiceSecrets,
      locationTtlMs: HOUR_MS,
      listen: { connection: controlPool.options, onError: () => undefined },
    });
    registries.push(r);
    await r.listener!.ready();
    expect(await databaseOf(r)).toBe(books[0].name);
    // Changed while nobody listens for it: no announcement reaches this registry.
    await repoint(books[1], false);
    expect(await databaseOf(r)).toBe(books[0].name);
    const lost = once(r.listener!, 'lost');
    const resumed = once(r.listener!, 'listening');
    await endListenerSessions();
    await lost;
    await resumed;
    expect(r.listener!.listening).toBe(true);
    expect(await databaseOf(r)).toBe(books[1].name);
    // And it hears the next announcement.
    const heard = once(r.listener!, 'change');
    await repoint(books[0], true);
    await heard;
    expect(await databaseOf(r)).toBe(books[0].name);
  });

  it('keeps trying while the control plane refuses it, and close() stops it', async () => {
    const r = new TenantRegistry({
      control: db,
      secrets: testServiceSecrets,
      listen: {
        connection: { connectionString: 'postgres://nobody:nothing@127.0.0.1:1/postgres' },
        onError: () => undefined,
      },
    });
    // Two failed attempts in a row: the listener backs off and tries again instead of giving up.
    let failures = 0;
    await new Promise<void>((resolve) =>
      r.listener!.on('failed', () => {
        failures += 1;
        if (failures === 2) resolve();
      }),
    );
    expect(r.listener!.listening).toBe(false);
    await r.close();
  });
});

describe('a location cache that lapses', () => {
  it('replaces a pool whose client was moved meanwhile, with no announcement at all', async () => {
    const r = registry({ listen: false, locationTtlMs: 0 });
    expect(await databaseOf(r)).toBe(books[0].name);
    await repoint(books[1], false);
    expect(await databaseOf(r)).toBe(books[1].name);
    expect(r.stats().pools).toBe(1);
  });
});
