import {
  type Actor,
  appLoginRole,
  appLoginUrl,
  type ControlDb,
  control,
  controlDb,
  createDatabase,
  databaseExists,
  dropDatabase,
  isOpaqueDatabaseName,
  opaqueDatabaseName,
  pg,
  withClient,
  withDatabase,
} from '@cifra/db';
import { ISO_4217, payloadHash } from '@cifra/domain';
import {
  createTestControlDatabase,
  type TestDatabase,
  testServerUrl,
  testServiceSecrets,
} from '@cifra/testing';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionTenant } from '../src/services/provision-tenant.service.ts';

const ACTOR: Actor = { userId: null, email: 'ops@test', reason: 'provisioning test' };

let controlDatabase: TestDatabase;
let pool: pg.Pool;
let db: ControlDb;
let firmId: string;
let serverId: string;

beforeAll(async () => {
  controlDatabase = await createTestControlDatabase();
  pool = new pg.Pool({ connectionString: controlDatabase.adminUrl, max: 4 });
  db = controlDb(pool);
  await db.insert(control.currencies).values(ISO_4217.map((c) => ({ ...c })));
  const [firm] = await db.insert(control.firms).values({ slug: 'test-firm', name: 'Test Firm' }).returning();
  const [server] = await db
    .insert(control.dbServers)
    .values({ name: 'test', adminUrl: testServerUrl() })
    .returning();
  firmId = firm!.id;
  serverId = server!.id;
});

afterAll(async () => {
  const rows = await db.select().from(control.tenants);
  for (const row of rows) await dropDatabase(testServerUrl(), row.databaseName);
  await pool.end();
  await controlDatabase.drop();
});

const deps = (afterMigrate?: (databaseName: string) => Promise<void>) => ({
  control: db,
  secrets: testServiceSecrets,
  afterMigrate,
});

const tenantsWithSlug = (slug: string) =>
  db.select().from(control.tenants).where(eq(control.tenants.slug, slug));

const auditEvents = (action: string, tenantId: string) =>
  db
    .select()
    .from(control.controlAuditEvents)
    .where(
      and(eq(control.controlAuditEvents.action, action), eq(control.controlAuditEvents.tenantId, tenantId)),
    );

async function accountCount(databaseName: string): Promise<number> {
  return withClient(withDatabase(testServerUrl(), databaseName), async (c) => {
    const r = await c.query('SELECT count(*)::int AS n FROM accounts');
    return r.rows[0].n as number;
  });
}

const loginExists = (role: string) =>
  withClient(
    testServerUrl(),
    async (c) => (await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount === 1,
  );

describe('provisioning a client, all or nothing', () => {
  it('leaves no client and no database when it fails part-way, and a retry with the same slug succeeds', async () => {
    const slug = 'half-made';
    let attempted: string | undefined;
    let claimId: string | undefined;
    const failing = deps(async (databaseName) => {
      attempted = databaseName;
      // At this point the claim and the migrated database both exist.
      const [claim] = await tenantsWithSlug(slug);
      claimId = claim?.id;
      expect(claim?.status).toBe('PROVISIONING');
      expect(await databaseExists(testServerUrl(), databaseName)).toBe(true);
      throw new Error('disk full while laying down the books');
    });

    await expect(provisionTenant(failing, ACTOR, firmId, { slug, name: 'Half Made, S.A.' })).rejects.toThrow(
      'disk full',
    );
    expect(attempted).toBeDefined();
    expect(claimId).toBeDefined();
    expect(await tenantsWithSlug(slug)).toEqual([]);
    expect(await db.select().from(control.tenants).where(eq(control.tenants.status, 'ACTIVE'))).toEqual([]);
    expect(await databaseExists(testServerUrl(), attempted!)).toBe(false);
    expect(await loginExists(appLoginRole(attempted!))).toBe(false);
    const failed = await auditEvents('tenant.provisioning_failed', claimId!);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      before: { slug },
      reason: 'disk full while laying down the books',
      actorEmail: 'ops@test',
    });

    const retried = await provisionTenant(deps(), ACTOR, firmId, { slug, name: 'Half Made, S.A.' });
    expect(retried.status).toBe('ACTIVE');
    expect(retried.databaseName).not.toBe(attempted);
    expect(await tenantsWithSlug(slug)).toEqual([retried]);
    expect(await databaseExists(testServerUrl(), retried.databaseName)).toBe(true);
    expect(await accountCount(retried.databaseName)).toBeGreaterThan(30);
    expect(await auditEvents('tenant.provisioned', retried.id)).toHaveLength(1);
    // Announced to the close board's read model with the client (the worker projects it), and the
    // failed attempt left nothing there.
    const projections = await db.select().from(control.clientCloseProjections);
    expect(projections.map((p) => p.tenantId)).toEqual([retried.id]);
    expect(projections[0]).toMatchObject({ asOf: null, projectedSeq: 0, changedAt: expect.any(Date) });
    expect(projections[0]!.changeSeq).toBeGreaterThan(0);
    // The database's name says nothing about the client; the client's own login opens it.
    expect(isOpaqueDatabaseName(retried.databaseName)).toBe(true);
    expect(retried.databaseName).not.toContain('half');
    const asApp = appLoginUrl(testServerUrl(), retried.databaseName, testServiceSecrets.TENANT_DB_SECRET!);
    expect(await withClient(asApp, async (c) => (await c.query('SELECT current_user AS u')).rows[0].u)).toBe(
      appLoginRole(retried.databaseName),
    );
  });

  it('cleans up the claim and database a crashed attempt left behind, then provisions', async () => {
    const slug = 'after-crash';
    const leftover = opaqueDatabaseName();
    await createDatabase(testServerUrl(), leftover);
    const [claim] = await db
      .insert(control.tenants)
      .values({
        firmId,
        slug,
        name: 'After Crash',
        region: 'PA',
        baseCurrency: 'PAB',
        timezone: 'America/Panama',
        serverId,
        databaseName: leftover,
      })
      .returning();
    expect(claim!.status).toBe('PROVISIONING');

    const made = await provisionTenant(deps(), ACTOR, firmId, { slug, name: 'After Crash' });
    expect(made.status).toBe('ACTIVE');
    expect(made.id).not.toBe(claim!.id);
    expect(await databaseExists(testServerUrl(), leftover)).toBe(false);
    expect(await tenantsWithSlug(slug)).toEqual([made]);
    expect(await auditEvents('tenant.provisioning_failed', claim!.id)).toMatchObject([
      { reason: 'leftover of an interrupted provisioning' },
    ]);
  });

  it('refuses a slug that is already an active client and changes nothing', async () => {
    const before = await db.select().from(control.tenants);
    await expect(
      provisionTenant(deps(), ACTOR, firmId, { slug: 'half-made', name: 'Someone Else' }),
    ).rejects.toMatchObject({ code: 'TENANT_EXISTS' });
    expect(await db.select().from(control.tenants)).toEqual(before);
  });

  it('refuses a white label whose logo is a script, before any database is made', async () => {
    const before = await db.select().from(control.tenants);
    await expect(
      provisionTenant(deps(), ACTOR, firmId, {
        slug: 'scripted-logo',
        name: 'Scripted Logo',
        whiteLabel: { logoUrl: 'javascript:alert(document.cookie)' },
      }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await db.select().from(control.tenants)).toEqual(before);
    expect(await databasesFor('scripted-logo')).toEqual([]);
  });
});

/**
 * Databases on the server that provisioning made for `slug` and that still exist. Names are opaque,
 * so they are found from the trail: every attempt that claimed the slug recorded its database.
 */
async function databasesFor(slug: string): Promise<string[]> {
  const started = await db
    .select()
    .from(control.controlAuditEvents)
    .where(
      and(
        eq(control.controlAuditEvents.action, 'tenant.provisioning_started'),
        sql`${control.controlAuditEvents.after}->>'slug' = ${slug}`,
      ),
    );
  const names = started.map((e) => (e.after as { database: string }).database);
  expect(names.every(isOpaqueDatabaseName)).toBe(true);
  const present = [];
  for (const name of names) if (await databaseExists(testServerUrl(), name)) present.push(name);
  return present;
}

const provisionedEventsFor = (slug: string) =>
  db
    .select()
    .from(control.controlAuditEvents)
    .where(
      and(
        eq(control.controlAuditEvents.action, 'tenant.provisioned'),
        sql`${control.controlAuditEvents.after}->>'slug' = ${slug}`,
      ),
    );

describe('provisioning one slug from many requests at once', () => {
  it('makes exactly one client; the other seven get TENANT_EXISTS; no orphan database, no phantom event', async () => {
    const slug = 'race-slug';
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        provisionTenant(deps(), ACTOR, firmId, { slug, name: `Race ${i}` }),
      ),
    );
    const made = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ slug, status: 'ACTIVE' });
    expect(refused.map((e) => e.code)).toEqual(Array(7).fill('TENANT_EXISTS'));
    expect(await tenantsWithSlug(slug)).toEqual(made);
    expect(await databasesFor(slug)).toEqual([made[0]!.databaseName]);
    expect(await provisionedEventsFor(slug)).toHaveLength(1);
    expect(await accountCount(made[0]!.databaseName)).toBeGreaterThan(30);
  });

  it('answers concurrent retries under one idempotency key with the one client they made', async () => {
    const slug = 'keyed-slug';
    const request = { slug, name: 'Keyed, S.A.', idempotencyKey: 'onboard-keyed' };
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => provisionTenant(deps(), ACTOR, firmId, request)),
    );
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(refused).toEqual([]);
    const made = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(new Set(made.map((t) => t.id)).size).toBe(1);
    // A retry once all is done sees the finished client.
    const again = await provisionTenant(deps(), ACTOR, firmId, request);
    expect(again).toMatchObject({ id: made[0]!.id, status: 'ACTIVE' });
    expect(await databasesFor(slug)).toEqual([again.databaseName]);

    const before = await db.select().from(control.tenants);
    const err = await provisionTenant(deps(), ACTOR, firmId, { ...request, name: 'Another Name' }).catch(
      (e) => e,
    );
    expect(err).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(err.details.firstRequestAt).toBe(again.createdAt.toISOString());
    expect(await db.select().from(control.tenants)).toEqual(before);

    // The region's defaults named, or a currency in lower case: the same request, the same client.
    for (const same of [
      { ...request, region: 'PA', baseCurrency: 'PAB', timezone: 'America/Panama' },
      { ...request, baseCurrency: 'pab' },
    ]) {
      expect(await provisionTenant(deps(), ACTOR, firmId, same)).toMatchObject({ id: made[0]!.id });
    }
    // Another default than the region's is another request.
    await expect(
      provisionTenant(deps(), ACTOR, firmId, { ...request, timezone: 'America/Bogota' }),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await db.select().from(control.tenants)).toEqual(before);
  });

  it('still answers a key stored before the defaults were part of its hash', async () => {
    const request = { slug: 'keyed-before', name: 'Keyed Before, S.A.', idempotencyKey: 'onboard-before' };
    const made = await provisionTenant(deps(), ACTOR, firmId, request);
    // As a row keyed before: the hash of the payload as sent, defaults absent.
    await db
      .update(control.tenants)
      .set({ idempotencyHash: payloadHash('provision_tenant', { slug: request.slug, name: request.name }) })
      .where(eq(control.tenants.id, made.id));
    expect(await provisionTenant(deps(), ACTOR, firmId, request)).toMatchObject({ id: made.id });
  });
});
