import {
  appLoginRole,
  appLoginUrl,
  type ControlDb,
  control,
  controlDb,
  createDatabase,
  dropClientLogins,
  dropDatabase,
  opaqueDatabaseName,
  pg,
  TENANT_DB_SECRET,
  withClient,
} from '@cifra/db';
import {
  createTestControlDatabase,
  type TestDatabase,
  testServerUrl,
  testServiceSecrets,
} from '@cifra/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFirm, repointClient } from '../src/operator.ts';

let controlDatabase: TestDatabase;
/** The copy of the books the client moves to (an opaque name, as any client database's). */
const target = { name: opaqueDatabaseName() };
let pool: pg.Pool;
let db: ControlDb;
const operator = { userId: null, email: 'ops@operator', reason: 'operator test' };

beforeAll(async () => {
  controlDatabase = await createTestControlDatabase();
  await createDatabase(testServerUrl(), target.name);
  pool = new pg.Pool({ connectionString: controlDatabase.adminUrl, max: 2 });
  db = controlDb(pool);
  await db.insert(control.currencies).values({ code: 'PAB', name: 'Balboa', minorUnits: 2 });
  await db.insert(control.dbServers).values({ name: 'main', adminUrl: testServerUrl() });
});

afterAll(async () => {
  await pool.end();
  await dropDatabase(testServerUrl(), target.name);
  await dropClientLogins(testServerUrl(), target.name);
  await controlDatabase.drop();
});

const events = (action: string) =>
  db.select().from(control.controlAuditEvents).where(eq(control.controlAuditEvents.action, action));

describe('operator actions', () => {
  it('creates a firm with its first FirmAdmin, recorded in the firm trail', async () => {
    const made = await createFirm(db, operator, {
      name: 'Zeta Auditores, S.A.',
      adminEmail: 'Boss@Zeta.Example',
    });
    expect(made.slug).toBe('zeta-auditores-s-a');
    const [membership] = await db
      .select()
      .from(control.firmMemberships)
      .where(eq(control.firmMemberships.firmId, made.firmId));
    expect(membership).toMatchObject({ userId: made.adminUserId, firmRole: 'FirmAdmin' });
    expect(await events('firm.created')).toEqual([
      expect.objectContaining({
        firmId: made.firmId,
        actorEmail: 'ops@operator',
        after: expect.objectContaining({ admin: 'boss@zeta.example' }),
      }),
    ]);
    await expect(
      createFirm(db, operator, { name: 'Other', adminEmail: 'boss@zeta.example' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('repoints a client to a database that exists, and records where it was and where it is', async () => {
    const [firm] = await db.select().from(control.firms);
    const [server] = await db.select().from(control.dbServers);
    await db.insert(control.tenants).values({
      firmId: firm!.id,
      slug: 'moving',
      name: 'Moving',
      region: 'PA',
      baseCurrency: 'PAB',
      timezone: 'America/Panama',
      serverId: server!.id,
      databaseName: 'c_before_move',
      status: 'ACTIVE',
    });
    const secrets = testServiceSecrets;
    // A name that could say whose books these are is refused before anything is looked up.
    await expect(
      repointClient(db, operator, { slug: 'moving', databaseName: 'cafe_boquete_books', secrets }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'database' } });
    await expect(
      repointClient(db, operator, { slug: 'moving', databaseName: opaqueDatabaseName(), secrets }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const moved = await repointClient(db, operator, { slug: 'moving', databaseName: target.name, secrets });
    expect(moved.to).toEqual({ server: 'main', database: target.name });
    const [row] = await db.select().from(control.tenants).where(eq(control.tenants.slug, 'moving'));
    expect(row?.databaseName).toBe(target.name);
    expect(await events('tenant.moved')).toEqual([
      expect.objectContaining({
        before: { server: 'main', database: 'c_before_move' },
        after: { server: 'main', database: target.name },
      }),
    ]);
    // The client's own login was made for the database it now lives in.
    const asClient = appLoginUrl(testServerUrl(), target.name, secrets[TENANT_DB_SECRET]!);
    expect(
      await withClient(asClient, async (c) => (await c.query('SELECT current_user AS u')).rows[0].u),
    ).toBe(appLoginRole(target.name));
  });
});
