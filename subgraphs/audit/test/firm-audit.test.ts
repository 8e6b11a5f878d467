import { type ControlDb, control, controlDb, inTransaction, pg, recordAuditEvent } from '@cifra/db';
import { ISO_4217 } from '@cifra/domain';
import { createTestControlDatabase, type TestDatabase, testServerUrl } from '@cifra/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FirmReader,
  firmEntityHistory,
  listFirmAuditEvents,
} from '../src/services/firm-audit.service.ts';
import { verifyAuditChain } from '../src/services/verify-audit-chain.service.ts';

/** The firm's trail read as the services read it: as cifra_control_app, scoped to one firm. */

let database: TestDatabase;
let ownerPool: pg.Pool;
let appPool: pg.Pool;
let app: ControlDb;
const firm: Record<'a' | 'b', string> = { a: '', b: '' };
const tenantOf: Record<'a' | 'b', string> = { a: '', b: '' };
const userOf: Record<'a' | 'b', string> = { a: '', b: '' };

beforeAll(async () => {
  database = await createTestControlDatabase();
  ownerPool = new pg.Pool({ connectionString: database.adminUrl, max: 2 });
  appPool = new pg.Pool({ connectionString: database.appUrl, max: 2 });
  app = controlDb(appPool);
  const owner = controlDb(ownerPool);
  await owner.insert(control.currencies).values(ISO_4217.map((c) => ({ ...c })));
  const [server] = await owner
    .insert(control.dbServers)
    .values({ name: 's', adminUrl: testServerUrl() })
    .returning();
  for (const key of ['a', 'b'] as const) {
    const [f] = await owner
      .insert(control.firms)
      .values({ slug: `firm-${key}`, name: `Firm ${key}` })
      .returning();
    firm[key] = f!.id;
    const [u] = await owner
      .insert(control.users)
      .values({ email: `${key}@firms.test`, displayName: key })
      .returning();
    userOf[key] = u!.id;
    await owner
      .insert(control.firmMemberships)
      .values({ firmId: f!.id, userId: u!.id, firmRole: 'FirmAdmin' });
    const [t] = await owner
      .insert(control.tenants)
      .values({
        firmId: f!.id,
        slug: `client-${key}`,
        name: `Client ${key}`,
        region: 'PA',
        baseCurrency: 'PAB',
        timezone: 'America/Panama',
        serverId: server!.id,
        databaseName: `db_${key}`,
        status: 'ACTIVE',
      })
      .returning();
    tenantOf[key] = t!.id;
  }
  // As the services write them (cifra_control_app): the database attributes each event to a firm.
  const write = (key: 'a' | 'b', event: Parameters<typeof recordAuditEvent>[2]) => {
    const actor = { userId: userOf[key], email: `${key}@firms.test`, requestId: `r-${key}` };
    return inTransaction(app, actor, (tx) => recordAuditEvent(tx, actor, event));
  };
  for (const key of ['a', 'b'] as const) {
    await write(key, {
      action: 'tenant.settings_updated',
      entityType: 'Tenant',
      entityId: tenantOf[key],
      tenantId: tenantOf[key],
    });
    await write(key, {
      action: 'membership.added',
      entityType: 'FirmMembership',
      entityId: `${firm[key]}:x`,
      tenantId: null,
    });
  }
  await inTransaction(app, { userId: null, email: 'system@cifra' }, (tx) =>
    recordAuditEvent(
      tx,
      { userId: null, email: 'system@cifra' },
      {
        action: 'firm.seeded',
        entityType: 'Firm',
        entityId: firm.a,
      },
    ),
  );
});

afterAll(async () => {
  await appPool?.end();
  await ownerPool?.end();
  await database?.drop();
});

describe("a firm's trail", () => {
  it('attributes each event to its firm: from the client, else from the actor', async () => {
    const r = await ownerPool.query('SELECT action, firm_id FROM audit_events ORDER BY chain_seq');
    expect(r.rows).toEqual([
      { action: 'tenant.settings_updated', firm_id: firm.a },
      { action: 'membership.added', firm_id: firm.a },
      { action: 'tenant.settings_updated', firm_id: firm.b },
      { action: 'membership.added', firm_id: firm.b },
      // No client, no actor: not attributed, shown to the firm it names.
      { action: 'firm.seeded', firm_id: null },
    ]);
  });

  it("lists only the caller's firm's events, newest first, and filters by client", async () => {
    const a = await listFirmAuditEvents(app, { firmId: firm.a }, {});
    expect(a.edges.map((e) => e.node.action)).toEqual([
      'firm.seeded',
      'membership.added',
      'tenant.settings_updated',
    ]);
    const b = await listFirmAuditEvents(app, { firmId: firm.b }, {});
    expect(b.edges.map((e) => e.node.action)).toEqual(['membership.added', 'tenant.settings_updated']);
    const byClient = await listFirmAuditEvents(app, { firmId: firm.a }, { filter: { tenant: 'client-a' } });
    expect(byClient.edges.map((e) => e.node.tenantId)).toEqual([tenantOf.a]);
    const otherClient = await listFirmAuditEvents(
      app,
      { firmId: firm.a },
      { filter: { tenant: 'client-b' } },
    );
    expect(otherClient.edges).toEqual([]);
    const page = await listFirmAuditEvents(app, { firmId: firm.a }, { first: 2 });
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = await listFirmAuditEvents(
      app,
      { firmId: firm.a },
      { first: 2, after: page.pageInfo.endCursor },
    );
    expect(next.edges.map((e) => e.node.action)).toEqual(['tenant.settings_updated']);
  });

  it('hashes the firm: moving an event to another firm breaks the chain', async () => {
    expect(await verifyAuditChain(app)).toMatchObject({ ok: true, checked: 5 });
    await ownerPool.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
    await ownerPool.query('UPDATE audit_events SET firm_id = $1 WHERE chain_seq = 3', [firm.a]);
    await ownerPool.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    expect(await verifyAuditChain(app)).toMatchObject({
      ok: false,
      firstBrokenLink: { chainSeq: '3', problem: 'HASH_MISMATCH' },
    });
  });
});

describe("a firm's history", () => {
  it("answers for the firm's own entities and like an unknown id for another firm's", async () => {
    const own = await firmEntityHistory(app, { firmId: firm.a }, 'FirmMembership', `${firm.a}:${userOf.a}`);
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({
      entityType: 'FirmMembership',
      operation: 'INSERT',
      data: { firm_role: 'FirmAdmin' },
    });
    expect(
      await firmEntityHistory(app, { firmId: firm.a }, 'FirmMembership', `${firm.b}:${userOf.b}`),
    ).toEqual([]);
    expect(await firmEntityHistory(app, { firmId: firm.a }, 'Tenant', tenantOf.a)).toHaveLength(1);
    expect(await firmEntityHistory(app, { firmId: firm.a }, 'Tenant', tenantOf.b)).toEqual([]);
    expect(await firmEntityHistory(app, { firmId: firm.a }, 'User', userOf.a)).toHaveLength(1);
    expect(await firmEntityHistory(app, { firmId: firm.a }, 'User', userOf.b)).toEqual([]);
    expect(await firmEntityHistory(app, { firmId: firm.a }, 'Firm', firm.a)).toHaveLength(1);
    expect(await firmEntityHistory(app, { firmId: firm.a }, 'Firm', firm.b)).toEqual([]);
    await expect(firmEntityHistory(app, { firmId: firm.a }, 'JournalEntry', 'x')).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
  });
});

describe("a firm's trail behind an ethical wall", () => {
  it('leaves out, for a person walled off a client, its events and its history; others read them', async () => {
    const owner = controlDb(ownerPool);
    const [walled] = await owner
      .insert(control.users)
      .values({ email: 'walled@firms.test', displayName: 'walled' })
      .returning();
    await owner
      .insert(control.firmMemberships)
      .values({ firmId: firm.a, userId: walled!.id, firmRole: 'FirmAdmin' });
    await owner
      .insert(control.tenantRoleAssignments)
      .values({ tenantId: tenantOf.a, userId: walled!.id, role: 'NoAccess' });

    const asWalled = { firmId: firm.a, personId: walled!.id };
    const asAdmin = { firmId: firm.a, personId: userOf.a };
    // Which clients' events each reads (null: the firm's own, about no client).
    const clients = async (reader: FirmReader, filter?: { tenant: string }) =>
      (await listFirmAuditEvents(app, reader, { filter: filter ?? null })).edges.map((e) => e.node.tenantId);
    expect(await clients(asAdmin)).toContain(tenantOf.a);
    const seen = await clients(asWalled);
    expect(seen).not.toContain(tenantOf.a);
    expect(seen).toContain(null);
    expect(await clients(asWalled, { tenant: 'client-a' })).toEqual([]);
    // An integration reads by its grants, not by a person's walls.
    expect(await clients({ firmId: firm.a, personId: undefined })).toContain(tenantOf.a);

    expect(await firmEntityHistory(app, asAdmin, 'Tenant', tenantOf.a)).toHaveLength(1);
    expect(await firmEntityHistory(app, asWalled, 'Tenant', tenantOf.a)).toEqual([]);
    expect(
      await firmEntityHistory(app, asWalled, 'TenantRoleAssignment', `${tenantOf.a}:${walled!.id}`),
    ).toEqual([]);
    expect(await firmEntityHistory(app, asWalled, 'Firm', firm.a)).toHaveLength(1);
  });
});

describe("an entity key's events recorded before they named its client", () => {
  it('are behind its client’s wall all the same', async () => {
    const owner = controlDb(ownerPool);
    const [walled] = await owner
      .select()
      .from(control.users)
      .where(eq(control.users.email, 'walled@firms.test'));
    const [key] = await owner
      .insert(control.integrations)
      .values({ firmId: firm.a, name: 'Shop', contact: 'it@shop.test', boundTenantId: tenantOf.a })
      .returning();
    // As integrationEvent wrote them before: about the firm, no client.
    const actor = { userId: userOf.a, email: 'a@firms.test' };
    await inTransaction(app, actor, (tx) =>
      recordAuditEvent(tx, actor, {
        action: 'integration.suspended',
        entityType: 'Integration',
        entityId: key!.id,
        firmId: firm.a,
        after: { status: 'SUSPENDED' },
      }),
    );
    const about = async (reader: FirmReader) =>
      (await listFirmAuditEvents(app, reader, { filter: { entityId: key!.id } })).edges.map(
        (e) => e.node.action,
      );
    expect(await about({ firmId: firm.a, personId: userOf.a })).toEqual(['integration.suspended']);
    expect(await about({ firmId: firm.a, personId: walled!.id })).toEqual([]);
    expect(
      await firmEntityHistory(app, { firmId: firm.a, personId: userOf.a }, 'Integration', key!.id),
    ).toHaveLength(1);
    expect(
      await firmEntityHistory(app, { firmId: firm.a, personId: walled!.id }, 'Integration', key!.id),
    ).toEqual([]);
  });
});
