import { control, controlDb, dropDatabase, pg, TenantRegistry } from '@cifra/db';
import {
  createTestControlDatabase,
  createTestTenantDatabase,
  type TestDatabase,
  testServerUrl,
  testServiceSecrets,
} from '@cifra/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alreadyDone, type ClientCloseRow } from '../src/services/client-period.port.ts';
import { fanOut } from '../src/services/fan-out.ts';

let controlDbHandle: TestDatabase;
let books: TestDatabase[];
let pool: pg.Pool;
let registry: TenantRegistry;
const ids: Record<'ok' | 'slow' | 'gone' | 'dropped', string> = { ok: '', slow: '', gone: '', dropped: '' };

beforeAll(async () => {
  controlDbHandle = await createTestControlDatabase();
  books = [
    await createTestTenantDatabase(),
    await createTestTenantDatabase(),
    await createTestTenantDatabase(),
  ];
  // A database dropped behind the product's back: its login is still there.
  await dropDatabase(testServerUrl(), books[2]!.name);
  pool = new pg.Pool({ connectionString: controlDbHandle.adminUrl, max: 4 });
  const db = controlDb(pool);
  const [firm] = await db.insert(control.firms).values({ slug: 'f', name: 'F' }).returning();
  const [server] = await db
    .insert(control.dbServers)
    .values({ name: 's', adminUrl: testServerUrl() })
    .returning();
  const client = (slug: string, databaseName: string) => ({
    firmId: firm!.id,
    slug,
    name: slug,
    region: 'PA',
    baseCurrency: 'USD',
    timezone: 'America/Panama',
    serverId: server!.id,
    databaseName,
    status: 'ACTIVE' as const,
  });
  await db.insert(control.currencies).values({ code: 'USD', name: 'US Dollar', minorUnits: 2 });
  const rows = await db
    .insert(control.tenants)
    .values([
      client('ok', books[0]!.name),
      client('slow', books[1]!.name),
      client('gone', 't_never_created'),
      client('dropped', books[2]!.name),
    ])
    .returning();
  for (const r of rows) ids[r.slug as keyof typeof ids] = r.id;
  registry = new TenantRegistry({
    control: db,
    secrets: testServiceSecrets,
    maxPools: 3,
    poolSize: 1,
  });
});

afterAll(async () => {
  await registry?.close();
  await pool?.end();
  for (const b of books ?? []) await b.drop();
  await controlDbHandle?.drop();
});

describe('fanOut', () => {
  it('answers for the clients that answer and says why the others did not', async () => {
    const results = await fanOut(
      registry,
      [ids.ok, ids.slow, ids.gone, ids.dropped],
      async (db, tenantId) => {
        if (tenantId === ids.slow) await db.execute(sql`SELECT pg_sleep(30)`);
        const r = await db.execute(sql`SELECT current_database() AS name`);
        return r.rows[0]?.name as string;
      },
      // Far above what an answering client needs even on a busy machine, far below the slow one.
      { concurrency: 8, timeoutMs: 8_000 },
    );
    expect(results.map((r) => r.tenantId)).toEqual([ids.ok, ids.slow, ids.gone, ids.dropped]);
    expect(results[0]).toEqual({ tenantId: ids.ok, ok: true, value: books[0]!.name });
    expect(results[1]).toMatchObject({ ok: false, code: 'TIMEOUT' });
    // No login was ever made for a database that was never created.
    expect(results[2]).toMatchObject({ ok: false, code: 'LOGIN_REFUSED' });
    expect(results[3]).toMatchObject({ ok: false, code: 'DATABASE_NOT_FOUND' });
    // The bound holds: never more pools than the registry allows.
    expect(registry.stats().pools).toBeLessThanOrEqual(3);
  });

  it('reads clients read-only', async () => {
    const [r] = await fanOut(registry, [ids.ok], (db) => db.execute(sql`CREATE TABLE nope (x int)`), {
      concurrency: 1,
      timeoutMs: 2_000,
    });
    expect(r).toMatchObject({ ok: false, code: 'ERROR' });
  });
});

const row = (over: Partial<ClientCloseRow>): ClientCloseRow => ({
  periodId: 'p',
  periodState: 'UNLOCKED',
  closeStatus: null,
  stage: 'OPEN',
  lastTransition: null,
  banksReconciled: null,
  openChecklistItems: [],
  ...over,
});

describe('batch skips', () => {
  it('skips a client already where the action would take it, and only then', () => {
    expect(alreadyDone('LOCK_SALES', row({ periodState: 'LOCK_SALES' }))).toBe(true);
    expect(alreadyDone('LOCK_SALES', row({ periodState: 'LOCK_PURCHASING' }))).toBe(false);
    expect(alreadyDone('LOCK_PURCHASING', row({ periodState: 'LOCK_SALES_AND_PURCHASING' }))).toBe(true);
    expect(alreadyDone('LOCK_SALES_AND_PURCHASING', row({ periodState: 'LOCK_SALES' }))).toBe(false);
    expect(alreadyDone('START_CLOSE', row({ closeStatus: 'DRAFT' }))).toBe(true);
    expect(alreadyDone('START_CLOSE', row({ closeStatus: 'REOPENED' }))).toBe(false);
    expect(alreadyDone('SUBMIT_CLOSE', row({ closeStatus: 'DRAFT' }))).toBe(false);
    expect(alreadyDone('SUBMIT_CLOSE', row({ closeStatus: 'PENDING_APPROVAL' }))).toBe(true);
    expect(alreadyDone('APPROVE_CLOSE', row({ closeStatus: 'PENDING_APPROVAL' }))).toBe(false);
    expect(alreadyDone('APPROVE_CLOSE', row({ periodState: 'LOCKED' }))).toBe(true);
    expect(alreadyDone('LOCK_SALES', row({ periodState: null, periodId: null }))).toBe(false);
  });
});
