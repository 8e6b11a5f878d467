import { type ControlDb, control, controlDb, pg, withClient } from '@cifra/db';
import {
  createEmptyDatabase,
  createTestControlDatabase,
  createTestTenantDatabase,
  type TestDatabase,
  testServerUrl,
} from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateAllTenants, type TenantMigrationResult } from '../src/migrate-all.ts';

let controlDatabase: TestDatabase;
let pool: pg.Pool;
let db: ControlDb;
const databases: TestDatabase[] = [];
const byName = new Map<string, TestDatabase>();

async function addTenant(
  slug: string,
  database: TestDatabase | string,
  status: 'ACTIVE' | 'PROVISIONING' = 'ACTIVE',
) {
  const [firm] = await db.select().from(control.firms);
  const [server] = await db.select().from(control.dbServers);
  const databaseName = typeof database === 'string' ? database : database.name;
  if (typeof database !== 'string') byName.set(slug, database);
  await db.insert(control.tenants).values({
    firmId: firm!.id,
    slug,
    name: slug,
    region: 'PA',
    baseCurrency: 'PAB',
    timezone: 'America/Panama',
    serverId: server!.id,
    databaseName,
    status,
  });
}

const fresh = async () => {
  const d = await createEmptyDatabase();
  databases.push(d);
  return d;
};

beforeAll(async () => {
  controlDatabase = await createTestControlDatabase();
  pool = new pg.Pool({ connectionString: controlDatabase.adminUrl, max: 2 });
  db = controlDb(pool);
  await db.insert(control.currencies).values({ code: 'PAB', name: 'Balboa', minorUnits: 2 });
  await db.insert(control.firms).values({ slug: 'migrate-firm', name: 'Migrate Firm' });
  await db.insert(control.dbServers).values({ name: 'test', adminUrl: testServerUrl() });

  const current = await createTestTenantDatabase();
  databases.push(current);
  await addTenant('a-current', current);
  await addTenant('b-behind', await fresh());
  // A table in the way of the first migration: this client's migration fails.
  const broken = await fresh();
  await withClient(broken.adminUrl, (c) => c.query('CREATE TABLE accounts (squatter int)'));
  await addTenant('c-broken', broken);
  await addTenant('d-missing', 'cifra_t_no_such_database');
  await addTenant('e-behind-too', await fresh());
  await addTenant('f-half-made', await fresh(), 'PROVISIONING');
});

afterAll(async () => {
  await pool.end();
  for (const d of databases) await d.drop();
  await controlDatabase.drop();
});

const hasBooks = (slug: string) =>
  withClient(byName.get(slug)!.adminUrl, async (c) => {
    const r = await c.query(`SELECT to_regclass('public.journal_entries') IS NOT NULL AS ok`);
    return r.rows[0].ok as boolean;
  });

describe('migrating every client database', () => {
  it('migrates each client, reports the failures by slug, and goes on past them', async () => {
    const reported: TenantMigrationResult[] = [];
    const results = await migrateAllTenants({
      control: db,
      secrets: {},
      concurrency: 2,
      onResult: (r) => reported.push(r),
    });
    expect(results.map((r) => [r.slug, r.status])).toEqual([
      ['a-current', 'migrated'],
      ['b-behind', 'migrated'],
      ['c-broken', 'failed'],
      ['d-missing', 'failed'],
      ['e-behind-too', 'migrated'],
      ['f-half-made', 'skipped'],
    ]);
    expect(results.find((r) => r.slug === 'd-missing')?.error).toMatch(/does not exist/);
    expect(results.find((r) => r.slug === 'c-broken')?.error).toBeTruthy();
    expect(reported).toHaveLength(6);
    expect(await hasBooks('b-behind')).toBe(true);
    expect(await hasBooks('e-behind-too')).toBe(true);
    // The failed migration left the broken client as it was, and the half-made one was not touched.
    expect(await hasBooks('c-broken')).toBe(false);
    expect(await hasBooks('f-half-made')).toBe(false);

    // A second run finds nothing left to do for the healthy clients and still reports the broken ones.
    const again = await migrateAllTenants({ control: db, secrets: {}, concurrency: 3 });
    expect(again.filter((r) => r.status === 'failed').map((r) => r.slug)).toEqual(['c-broken', 'd-missing']);
    expect(again.filter((r) => r.status === 'migrated')).toHaveLength(3);
  });
});
