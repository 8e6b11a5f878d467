import {
  APP_ROLE,
  appLoginRole,
  appLoginUrl,
  type ControlDb,
  control,
  controlDb,
  createDatabase,
  databaseExists,
  dropClientLogins,
  dropDatabase,
  ensureTenantTemplate,
  isOpaqueDatabaseName,
  opaqueDatabaseName,
  pg,
  TENANT_DB_SECRET,
  tenantTemplateName,
  withClient,
  withDatabase,
} from '@cifra/db';
import {
  createEmptyDatabase,
  createTestControlDatabase,
  createTestTenantDatabase,
  TENANT_TEMPLATE,
  type TestDatabase,
  testServerUrl,
  testServiceSecrets,
} from '@cifra/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateAllTenants, refreshTenantTemplates, type TenantMigrationResult } from '../src/migrate-all.ts';

let controlDatabase: TestDatabase;
let pool: pg.Pool;
let db: ControlDb;
const databases: TestDatabase[] = [];
const secrets = testServiceSecrets;

async function addTenant(
  slug: string,
  database: TestDatabase | string,
  status: 'ACTIVE' | 'PROVISIONING' = 'ACTIVE',
) {
  const [firm] = await db.select().from(control.firms);
  const [server] = await db.select().from(control.dbServers);
  const databaseName = typeof database === 'string' ? database : database.name;
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
  // Renamed databases are where the directory says.
  for (const t of await db.select().from(control.tenants)) {
    await dropDatabase(testServerUrl(), t.databaseName);
    await dropClientLogins(testServerUrl(), t.databaseName);
  }
  await pool.end();
  for (const d of databases) await d.drop();
  await controlDatabase.drop();
});

const directoryRow = async (slug: string) =>
  (await db.select().from(control.tenants).where(eq(control.tenants.slug, slug)))[0]!;

const hasBooks = async (slug: string) =>
  withClient(withDatabase(testServerUrl(), (await directoryRow(slug)).databaseName), async (c) => {
    const r = await c.query(`SELECT to_regclass('public.journal_entries') IS NOT NULL AS ok`);
    return r.rows[0].ok as boolean;
  });

/** As the client's own application login, the way the services connect. */
const asClientLogin = async <T>(slug: string, sql: string): Promise<T[]> => {
  const { databaseName } = await directoryRow(slug);
  const url = appLoginUrl(testServerUrl(), databaseName, secrets[TENANT_DB_SECRET]!);
  return withClient(url, async (c) => (await c.query(sql)).rows as T[]);
};

describe('migrating every client database', () => {
  it('migrates each client, reports the failures by slug, and goes on past them', async () => {
    const reported: TenantMigrationResult[] = [];
    const results = await migrateAllTenants({
      control: db,
      secrets,
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
    // The missing database's directory entry was left as it was.
    expect(await directoryRow('d-missing')).toMatchObject({
      databaseName: 'cifra_t_no_such_database',
      previousDatabaseName: null,
    });
    expect(results.find((r) => r.slug === 'c-broken')?.error).toBeTruthy();
    expect(reported).toHaveLength(6);
    expect(await hasBooks('b-behind')).toBe(true);
    expect(await hasBooks('e-behind-too')).toBe(true);
    // The failed migration left the broken client as it was, and the half-made one was not touched.
    expect(await hasBooks('c-broken')).toBe(false);
    expect(await hasBooks('f-half-made')).toBe(false);

    // A second run finds nothing left to do for the healthy clients and still reports the broken ones.
    const again = await migrateAllTenants({ control: db, secrets, concurrency: 3 });
    expect(again.filter((r) => r.status === 'failed').map((r) => r.slug)).toEqual(['c-broken', 'd-missing']);
    expect(again.filter((r) => r.status === 'migrated')).toHaveLength(3);
  });

  it("brings every server's template for new clients to the current migrations and drops stale ones", async () => {
    const stale = await ensureTenantTemplate(testServerUrl(), 'test0000opsstale0000');
    const refreshed = await refreshTenantTemplates({ control: db, secrets });
    expect(refreshed.map((r) => [r.template, r.error])).toEqual(
      refreshed.map(() => [tenantTemplateName(), undefined]),
    );
    const left = await withClient(testServerUrl(), async (c) =>
      (
        await c.query('SELECT datname FROM pg_database WHERE datname = ANY($1)', [
          [stale, tenantTemplateName()],
        ])
      ).rows.map((r) => r.datname as string),
    );
    expect(left).toEqual([tenantTemplateName()]);
  });

  it('refuses to start without the secret the client logins derive from', async () => {
    await expect(migrateAllTenants({ control: db, secrets: {} })).rejects.toThrow(TENANT_DB_SECRET);
  });
});

describe('upgrading clients from one shared login and slug-named databases', () => {
  it('renames each database to an opaque name, keeps its books, and gives it its own login', async () => {
    // A client as it was made before per-client logins: named from its slug, reached by cifra_app.
    const legacy = `cifra_t_legacy_books_${Date.now().toString(36)}`;
    await createDatabase(testServerUrl(), legacy, TENANT_TEMPLATE);
    await withClient(withDatabase(testServerUrl(), legacy), async (c) => {
      await c.query(`GRANT CONNECT ON DATABASE ${legacy} TO ${APP_ROLE}`);
      await c.query(`INSERT INTO accounts (code, name, type) VALUES ('1999', 'Legacy cash', 'ASSET')`);
    });
    await addTenant('legacy-books', legacy);
    // What `pnpm start` runs: only the clients still on the old scheme are visited.
    const results = await migrateAllTenants({ control: db, secrets, concurrency: 1, legacyOnly: true });
    expect(results.map((r) => r.slug)).toEqual(['d-missing', 'f-half-made', 'legacy-books']);
    expect(results.find((r) => r.slug === 'legacy-books')).toMatchObject({ status: 'migrated' });

    const row = await directoryRow('legacy-books');
    expect(isOpaqueDatabaseName(row.databaseName)).toBe(true);
    expect(row.previousDatabaseName).toBeNull();
    expect(await databaseExists(testServerUrl(), legacy)).toBe(false);
    expect(
      await asClientLogin<{ name: string; me: string }>(
        'legacy-books',
        `SELECT name, current_user AS me FROM accounts WHERE code = '1999'`,
      ),
    ).toEqual([{ name: 'Legacy cash', me: appLoginRole(row.databaseName) }]);
    // The shared role keeps its grants inside the database (the logins inherit them) but may not connect.
    const connect = await withClient(
      testServerUrl(),
      async (c) =>
        (
          await c.query(`SELECT has_database_privilege($1, $2, 'CONNECT') AS ok`, [
            APP_ROLE,
            row.databaseName,
          ])
        ).rows[0].ok,
    );
    expect(connect).toBe(false);
    const trail = await db
      .select()
      .from(control.controlAuditEvents)
      .where(eq(control.controlAuditEvents.action, 'tenant.database_renamed'));
    expect(trail.filter((e) => e.tenantId === row.id).map((e) => [e.before, e.after])).toEqual([
      [{ database: legacy }, { database: row.databaseName }],
    ]);
  });

  it('resumes a rename interrupted after the directory changed, before or after the server did', async () => {
    for (const serverRenamed of [false, true]) {
      const slug = `interrupted-${serverRenamed ? 'after' : 'before'}`;
      const old = `cifra_t_${slug.replace('-', '_')}_${Date.now().toString(36)}`;
      const target = opaqueDatabaseName();
      await createDatabase(testServerUrl(), serverRenamed ? target : old, TENANT_TEMPLATE);
      await addTenant(slug, target);
      await db
        .update(control.tenants)
        .set({ previousDatabaseName: old })
        .where(eq(control.tenants.slug, slug));

      const results = await migrateAllTenants({ control: db, secrets, concurrency: 1 });
      expect(results.find((r) => r.slug === slug)).toMatchObject({
        status: 'migrated',
        databaseName: target,
      });
      expect(await directoryRow(slug)).toMatchObject({ databaseName: target, previousDatabaseName: null });
      expect(await databaseExists(testServerUrl(), old)).toBe(false);
      expect(await asClientLogin<{ n: number }>(slug, 'SELECT count(*)::int AS n FROM accounts')).toEqual([
        { n: expect.any(Number) },
      ]);
    }
  });
});
