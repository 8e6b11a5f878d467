import { type ControlDb, control, controlDb, pg, type RoleName } from '@cifra/db';
import { DomainError, ISO_4217 } from '@cifra/domain';
import { createTestControlDatabase, type TestDatabase, testServerUrl } from '@cifra/testing';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CLIENT_PAGE, pageClients } from '../src/services/clients-page.service.ts';
import {
  LIST_PAGE,
  pageEntityKeys,
  pageFirmMembers,
  pageIntegrations,
} from '../src/services/lists-page.service.ts';

/**
 * `tenantsConnection`: a firm of 1,500 clients paged by name then id, with the same walls as the
 * unpaged list (role, ethical wall, an integration's live grants only).
 */
let database: TestDatabase;
let pool: pg.Pool;
let db: ControlDb;
let firmId: string;
let serverId: string;
const users: Record<string, string> = {};
const CLIENTS = 1_500;
let walled: string;
let assigned: string;
let integrationId: string;
let otherFirmId: string;
const granted: string[] = [];

async function addClient(firm: string, slug: string, name: string): Promise<string> {
  const [t] = await db
    .insert(control.tenants)
    .values({
      firmId: firm,
      slug,
      name,
      region: 'PA',
      baseCurrency: 'PAB',
      timezone: 'America/Panama',
      serverId,
      databaseName: `db_${slug.replaceAll('-', '_')}`,
      status: 'ACTIVE',
    })
    .returning();
  return t!.id;
}

beforeAll(async () => {
  database = await createTestControlDatabase();
  pool = new pg.Pool({ connectionString: database.adminUrl, max: 4 });
  db = controlDb(pool);
  await db.insert(control.currencies).values(ISO_4217.map((c) => ({ ...c })));
  const [firm] = await db.insert(control.firms).values({ slug: 'paging-firm', name: 'Paging' }).returning();
  firmId = firm!.id;
  const [other] = await db.insert(control.firms).values({ slug: 'other-firm', name: 'Other' }).returning();
  const [server] = await db
    .insert(control.dbServers)
    .values({ name: 't', adminUrl: testServerUrl() })
    .returning();
  serverId = server!.id;
  // Names repeat every 700 clients, so the order needs the id to be total.
  const rows = Array.from({ length: CLIENTS }, (_, i) => ({
    firmId,
    slug: `client-${String(i).padStart(4, '0')}`,
    name: `Client ${String(i % 700).padStart(3, '0')}`,
    region: 'PA',
    baseCurrency: 'PAB',
    timezone: 'America/Panama',
    serverId,
    databaseName: `db_client_${i}`,
    status: 'ACTIVE' as const,
  }));
  const ids = (await db.insert(control.tenants).values(rows).returning()).map((t) => t.id);
  otherFirmId = other!.id;
  await addClient(other!.id, 'elsewhere', 'Another firm’s client');
  await db.insert(control.tenants).values({
    ...rows[0]!,
    slug: 'suspended',
    name: 'Aaa suspended',
    databaseName: 'db_suspended',
    status: 'SUSPENDED',
  });
  for (const [name, role] of [
    ['boss', 'FirmAdmin'],
    ['junior', 'Junior'],
    ['client', null],
  ] as [string, RoleName | null][]) {
    const [u] = await db
      .insert(control.users)
      .values({ email: `${name}@paging.test`, displayName: name })
      .returning();
    users[name] = u!.id;
    await db.insert(control.firmMemberships).values({ firmId, userId: u!.id, firmRole: role });
  }
  walled = ids[10]!;
  assigned = ids[20]!;
  await db.insert(control.tenantRoleAssignments).values([
    { tenantId: walled, userId: users.junior!, role: 'NoAccess' },
    { tenantId: assigned, userId: users.client!, role: 'ClientReadOnly' },
  ]);
  const [integration] = await db
    .insert(control.integrations)
    .values({ firmId, name: 'Partner', contact: 'p@paging.test' })
    .returning();
  integrationId = integration!.id;
  granted.push(ids[3]!, ids[700]!, ids[1400]!);
  await db.insert(control.integrationGrants).values([
    ...granted.map((tenantId) => ({ integrationId, tenantId, permissions: ['GL.Read'] })),
    // An expired grant gives nothing.
    { integrationId, tenantId: ids[5]!, permissions: ['GL.Read'], expiresAt: new Date(Date.now() - 60_000) },
  ]);
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

const person = (name: string) => ({ userId: users[name]! });
const boss = () => ({ userId: users.boss!, firmId });

async function all(caller: Parameters<typeof pageClients>[1], first: number, search?: string) {
  const seen: { id: string; name: string; role: string | null | undefined }[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const page = await pageClients(db, caller, { first, after, search });
    seen.push(...page.edges.map((e) => ({ id: e.node.id, name: e.node.name, role: e.node.role })));
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    if (!page.pageInfo.hasNextPage) return { seen, pages: pages + 1 };
    after = page.pageInfo.endCursor;
  }
  throw new Error('paging never ended');
}

const byNameThenId = (a: { name: string; id: string }, b: { name: string; id: string }) =>
  a.name === b.name ? (a.id < b.id ? -1 : 1) : 0;

describe('tenantsConnection pages', () => {
  it('pages a firm admin through all 1,500 clients in order, each once, without the suspended one or another firm’s', async () => {
    const { seen, pages } = await all(person('boss'), MAX_CLIENT_PAGE);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(CLIENTS);
    expect(new Set(seen.map((c) => c.id)).size).toBe(CLIENTS);
    expect(seen.every((c) => c.role === 'FirmAdmin')).toBe(true);
    const names = seen.map((c) => c.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    for (let i = 1; i < seen.length; i++) {
      if (seen[i - 1]!.name === seen[i]!.name) expect(byNameThenId(seen[i - 1]!, seen[i]!)).toBe(-1);
    }
  });

  it('keeps its place while clients are added before and after the cursor', async () => {
    const first = await pageClients(db, person('boss'), { first: 100 });
    const before = await addClient(firmId, 'inserted-before', 'Client 000 (inserted)');
    const later = await addClient(firmId, 'inserted-after', 'Client 699 (inserted)');
    const rest: string[] = [];
    let after = first.pageInfo.endCursor;
    for (;;) {
      const page = await pageClients(db, person('boss'), { first: 500, after });
      rest.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const firstIds = first.edges.map((e) => e.node.id);
    expect(rest.filter((id) => firstIds.includes(id))).toEqual([]);
    expect(rest).not.toContain(before);
    expect(rest.at(-1)).toBe(later);
    expect(firstIds.length + rest.length).toBe(CLIENTS + 1);
    await db.delete(control.tenants).where(inIds([before, later]));
  });

  it('answers an empty page for a search that matches nothing, and a sized-zero page that says more follow', async () => {
    const none = await pageClients(db, person('boss'), { search: 'no such client' });
    expect(none.edges).toEqual([]);
    expect(none.pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: false,
      startCursor: null,
      endCursor: null,
    });
    const zero = await pageClients(db, person('boss'), { first: 0 });
    expect(zero.edges).toEqual([]);
    expect(zero.pageInfo.hasNextPage).toBe(true);
  });

  it('searches name and slug, any case, with LIKE metacharacters taken literally', async () => {
    const { seen } = await all(person('boss'), 7, 'CLIENT 69');
    expect(seen.map((c) => c.name).every((n) => n.startsWith('Client 69'))).toBe(true);
    expect(seen).toHaveLength(20);
    expect((await pageClients(db, person('boss'), { search: 'client-1499' })).edges).toHaveLength(1);
    expect((await pageClients(db, person('boss'), { search: '%' })).edges).toEqual([]);
  });
});

describe('tenantsConnection refuses', () => {
  const refusal = async (args: Parameters<typeof pageClients>[2]) => {
    const err = await pageClients(db, person('boss'), args).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    return { code: (err as DomainError).code, field: (err as DomainError).details.field };
  };

  it('a page larger than the maximum or negative, naming first', async () => {
    expect(await refusal({ first: MAX_CLIENT_PAGE + 1 })).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(await refusal({ first: -1 })).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('a cursor it did not return, naming after', async () => {
    const party = Buffer.from(JSON.stringify(['party', 'CUSTOMER', 'C1'])).toString('base64url');
    const notUuid = Buffer.from(JSON.stringify(['client', 'Acme', "1' OR 1=1"])).toString('base64url');
    for (const after of ['garbage', party, notUuid, 'W10']) {
      expect(await refusal({ after })).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });
});

describe('tenantsConnection keeps the walls', () => {
  it('hides a client behind an ethical wall', async () => {
    const { seen } = await all(person('junior'), 500);
    expect(seen).toHaveLength(CLIENTS - 1);
    expect(seen.map((c) => c.id)).not.toContain(walled);
  });

  it('shows a person without a firm role only the client they were given', async () => {
    const { seen } = await all(person('client'), 500);
    expect(seen).toEqual([expect.objectContaining({ id: assigned, role: 'ClientReadOnly' })]);
  });

  it('shows an integration its live grants only, paged', async () => {
    const { seen, pages } = await all({ userId: integrationId, integration: {} }, 1);
    expect(pages).toBe(3);
    expect(seen.map((c) => c.id).sort()).toEqual([...granted].sort());
    expect(seen.every((c) => c.role === null)).toBe(true);
  });
});

function inIds(ids: string[]) {
  return inArray(control.tenants.id, ids);
}

describe('the firm’s other lists, paged', () => {
  /** Every node of a list, page after page, `first` at a time. */
  async function drain<T>(
    page: (
      after: string | null,
    ) => Promise<{ edges: { node: T }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }>,
  ) {
    const out: T[] = [];
    let after: string | null = null;
    for (let n = 0; n < 1_000; n++) {
      const p = await page(after);
      out.push(...p.edges.map((e) => e.node));
      if (!p.pageInfo.hasNextPage) return out;
      after = p.pageInfo.endCursor;
    }
    throw new Error('paging never ended');
  }

  it('pages the firm’s members by email, with a search, and refuses a foreign cursor', async () => {
    for (let i = 0; i < 12; i++) {
      const [u] = await db
        .insert(control.users)
        .values({ email: `member-${String(i).padStart(2, '0')}@paging.test`, displayName: `Member ${i}` })
        .returning();
      await db.insert(control.firmMemberships).values({ firmId, userId: u!.id, firmRole: 'Junior' });
    }
    const [outsider] = await db
      .insert(control.users)
      .values({ email: 'aaa@other.test', displayName: 'Outsider' })
      .returning();
    await db
      .insert(control.firmMemberships)
      .values({ firmId: otherFirmId, userId: outsider!.id, firmRole: 'FirmAdmin' });
    const all = await drain((after) => pageFirmMembers(db, firmId, { first: 5, after }));
    const emails = all.map((m) => m.email);
    expect(emails).toHaveLength(15);
    expect(emails).toEqual([...emails].sort());
    expect(emails).not.toContain('aaa@other.test');
    const found = await drain((after) =>
      pageFirmMembers(db, firmId, { first: 2, after, search: 'MEMBER 1' }),
    );
    expect(found.map((m) => m.displayName).sort()).toEqual(['Member 1', 'Member 10', 'Member 11']);
    const clients = await pageClients(db, person('boss'), { first: 1 });
    const err = await pageFirmMembers(db, firmId, { after: clients.pageInfo.endCursor }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'after' } });
    const big = await pageFirmMembers(db, firmId, { first: LIST_PAGE.max + 1 }).catch((e: unknown) => e);
    expect(big).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'first' } });
  });

  it('pages the firm’s integrations and one client’s entity keys, never another firm’s', async () => {
    const [acme] = await db
      .select()
      .from(control.tenants)
      .where(inArray(control.tenants.slug, ['client-0000']));
    await db.insert(control.integrations).values([
      ...Array.from({ length: 6 }, (_, i) => ({ firmId, name: `Partner ${i}`, contact: 'p@paging.test' })),
      ...Array.from({ length: 3 }, (_, i) => ({
        firmId,
        name: `Key ${i}`,
        contact: 'k@paging.test',
        boundTenantId: acme!.id,
      })),
      { firmId: otherFirmId, name: 'Not ours', contact: 'x@other.test' },
      { firmId, name: 'Deleted', contact: 'd@paging.test', status: 'DELETED' as const },
    ]);
    const integrations = await drain((after) =>
      pageIntegrations(db, { firmId, walls: new Set() }, { first: 4, after }),
    );
    const names = integrations.map((i) => i.name);
    expect(names).toEqual([...names].sort());
    expect(names).toHaveLength(10); // 6 partners, 3 keys and the one of the first tests
    expect(names).not.toContain('Not ours');
    expect(names).not.toContain('Deleted');
    const keys = await drain((after) =>
      pageEntityKeys(db, boss(), { tenant: 'client-0000', first: 2, after }),
    );
    expect(keys.map((k) => k.name)).toEqual(['Key 0', 'Key 1', 'Key 2']);
    // A cursor of one client's keys is not one of another's.
    const first = await pageEntityKeys(db, boss(), { tenant: 'client-0000', first: 1 });
    const err = await pageEntityKeys(db, boss(), {
      tenant: 'client-0001',
      after: first.pageInfo.endCursor,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'after' } });
    expect(
      (await pageEntityKeys(db, { ...boss(), firmId: otherFirmId }, { tenant: 'client-0000' })).edges,
    ).toEqual([]);
    // Someone walled off a client does not see its keys: as for creating one, FORBIDDEN.
    const walledOff = await pageEntityKeys(
      db,
      { userId: users.junior!, firmId },
      { tenant: 'client-0010' },
    ).catch((e: unknown) => e);
    expect(walledOff).toMatchObject({ code: 'FORBIDDEN' });
  });
});
