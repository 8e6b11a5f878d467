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
  translateDbError,
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
/** Another client's database, and one a restore in place replaced: neither may be pointed at. */
const others = { client: opaqueDatabaseName(), replaced: opaqueDatabaseName() };
let pool: pg.Pool;
let db: ControlDb;
const operator = { userId: null, email: 'ops@operator', reason: 'operator test' };

beforeAll(async () => {
  controlDatabase = await createTestControlDatabase();
  for (const name of [target.name, others.client, others.replaced])
    await createDatabase(testServerUrl(), name);
  pool = new pg.Pool({ connectionString: controlDatabase.adminUrl, max: 2 });
  db = controlDb(pool);
  await db.insert(control.currencies).values({ code: 'PAB', name: 'Balboa', minorUnits: 2 });
  await db.insert(control.dbServers).values({ name: 'main', adminUrl: testServerUrl() });
});

afterAll(async () => {
  await pool.end();
  for (const name of [target.name, others.client, others.replaced]) {
    await dropDatabase(testServerUrl(), name);
    await dropClientLogins(testServerUrl(), name);
  }
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

  it('refuses a firm slug or admin email a client or member could not have, and a taken slug in words', async () => {
    const firms = async () => (await db.select().from(control.firms)).length;
    const before = await firms();
    await expect(
      createFirm(db, operator, { name: 'Escape', slug: '../../etc', adminEmail: 'a@escape.example' }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/^firm\.slug: /) });
    await expect(
      createFirm(db, operator, { name: 'No Mail', adminEmail: 'notanemail' }),
    ).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringMatching(/^firm\.adminEmail: /),
    });
    await createFirm(db, operator, { name: 'Demo', slug: 'demo-firm', adminEmail: 'one@demo.example' });
    const taken = await createFirm(db, operator, {
      name: 'Demo again',
      slug: 'demo-firm',
      adminEmail: 'two@demo.example',
    }).catch((e) => e);
    expect(taken).toMatchObject({ code: 'CONFLICT', message: 'A firm with this slug already exists' });
    expect(await firms()).toBe(before + 1);
    expect((await db.select().from(control.users)).map((u) => u.email)).not.toContain('two@demo.example');
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

  it('refuses, in words and before touching anything, a database another client lives in or a restore replaced', async () => {
    const [firm] = await db.select().from(control.firms);
    const [server] = await db.select().from(control.dbServers);
    const client = {
      firmId: firm!.id,
      region: 'PA',
      baseCurrency: 'PAB',
      timezone: 'America/Panama',
      serverId: server!.id,
      status: 'ACTIVE' as const,
    };
    const [staying] = await db
      .insert(control.tenants)
      .values({ ...client, slug: 'staying', name: 'Staying', databaseName: others.client })
      .returning();
    const [backup] = await db
      .insert(control.clientBackups)
      .values({
        firmId: firm!.id,
        tenantId: staying!.id,
        tenantSlug: 'staying',
        serverName: 'main',
        location: `${firm!.id}/${staying!.id}/restored`,
        keyId: 'k',
      })
      .returning();
    // A restore in place of `staying` kept its old books under this name until the sweep drops them.
    await db.insert(control.restoreInPlaceRequests).values({
      firmId: firm!.id,
      tenantId: staying!.id,
      tenantSlug: 'staying',
      backupId: backup!.id,
      reason: 'restored in place for the operator test',
      requestedBy: 'a@demo.firm',
      approvedBy: 'b@demo.firm',
      status: 'RESTORED',
      replacedDatabaseName: others.replaced,
      keepUntil: new Date(Date.now() + 86_400_000),
    });
    const [before] = await db.select().from(control.tenants).where(eq(control.tenants.slug, 'moving'));
    const moves = (await events('tenant.moved')).length;
    const secrets = testServiceSecrets;
    const refused = (databaseName: string) =>
      repointClient(db, operator, { slug: 'moving', databaseName, secrets }).then(
        () => null,
        (err: unknown) => err as { code?: string; message: string; details?: Record<string, unknown> },
      );
    const taken = await refused(others.client);
    expect(taken).toMatchObject({ code: 'CONFLICT', details: { field: 'database', tenant: 'staying' } });
    expect(taken?.message).toContain('holds the books of client staying');
    const replaced = await refused(others.replaced);
    expect(replaced).toMatchObject({ code: 'CONFLICT', details: { field: 'database', tenant: 'staying' } });
    expect(replaced?.message).toContain('replaced');
    // Nothing was touched: no login made on either database, the client where it was, no event.
    const logins = await withClient(testServerUrl(), async (c) =>
      (
        await c.query('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [
          [appLoginRole(others.client), appLoginRole(others.replaced)],
        ])
      ).rows.map((r) => r.rolname),
    );
    expect(logins).toEqual([]);
    const [after] = await db.select().from(control.tenants).where(eq(control.tenants.slug, 'moving'));
    expect(after).toEqual(before);
    expect(await events('tenant.moved')).toHaveLength(moves);
    // Two operators racing past the check: the unique index's refusal in words, not its statement.
    const raced = await db
      .update(control.tenants)
      .set({ databaseName: others.client })
      .where(eq(control.tenants.slug, 'moving'))
      .catch((err: unknown) => err);
    expect(translateDbError(raced)).toMatchObject({
      code: 'CONFLICT',
      message: "This database holds another client's books",
    });
  });
});
