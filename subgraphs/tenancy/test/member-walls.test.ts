import {
  type ControlDb,
  clientAccess,
  clientAccessByIds,
  control,
  controlDb,
  findMemberByEmail,
  isDeactivatedMember,
  pg,
  type RoleName,
  tenantAccess,
  visibleClients,
} from '@cifra/db';
import { ISO_4217 } from '@cifra/domain';
import { createTestControlDatabase, refusal, type TestDatabase, testServerUrl } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeClientRole } from '../src/services/client-roles.service.ts';
import { deactivateFirmMember, reactivateFirmMember } from '../src/services/member-status.service.ts';
import {
  addFirmMember,
  changeFirmRole,
  type Manager,
  removeFirmMember,
} from '../src/services/members.service.ts';

/**
 * The ethical wall and the restriction to one client hold through every change of a membership,
 * not only through `assignClientRole`/`revokeClientRole` on that client: someone walled off a
 * client neither removes, adds, re-adds, reactivates nor changes the firm-wide role of anyone whose
 * role there it would change; a removed person's walls stay and apply again when they come back.
 */

let database: TestDatabase;
let pool: pg.Pool;
let db: ControlDb;
let firmId: string;
const clients: Record<string, string> = {};
const users: Record<string, string> = {};

const REASON = 're-onboarding this junior from scratch';
const WALLED = 'ferreteria';

beforeAll(async () => {
  database = await createTestControlDatabase();
  pool = new pg.Pool({ connectionString: database.adminUrl, max: 4 });
  db = controlDb(pool);
  await db.insert(control.currencies).values(ISO_4217.map((c) => ({ ...c })));
  const [firm] = await db
    .insert(control.firms)
    .values({ slug: 'walls-firm', name: 'Walls Firm' })
    .returning();
  firmId = firm!.id;
  const [server] = await db
    .insert(control.dbServers)
    .values({ name: 't', adminUrl: testServerUrl() })
    .returning();
  for (const slug of [WALLED, 'cafe', 'clinica']) {
    const [t] = await db
      .insert(control.tenants)
      .values({
        firmId,
        slug,
        name: slug,
        region: 'PA',
        baseCurrency: 'PAB',
        timezone: 'America/Panama',
        serverId: server!.id,
        databaseName: `not_a_real_database_${slug}`,
        status: 'ACTIVE',
      })
      .returning();
    clients[slug] = t!.id;
  }
  // Who is who: firm-wide role, then their roles on single clients.
  const people: [string, RoleName | null, [string, RoleName][]][] = [
    ['boss', 'FirmAdmin', []],
    ['senior', 'Senior', [[WALLED, 'NoAccess']]],
    [
      'junior',
      'Junior',
      [
        [WALLED, 'NoAccess'],
        ['cafe', 'ClientReadOnly'],
      ],
    ],
    ['walled-admin', 'FirmAdmin', [[WALLED, 'NoAccess']]],
    ['staff', 'Junior', []],
    ['engaged', null, [[WALLED, 'Junior']]],
    ['outsider', null, [['cafe', 'Junior']]],
    ['reader', 'Senior', [['clinica', 'ClientReadOnly']]],
  ];
  for (const [name, role, assignments] of people) {
    const [u] = await db
      .insert(control.users)
      .values({ email: `${name}@walls.test`, displayName: name })
      .returning();
    users[name] = u!.id;
    await db.insert(control.firmMemberships).values({ firmId, userId: u!.id, firmRole: role });
    for (const [slug, r] of assignments)
      await db
        .insert(control.tenantRoleAssignments)
        .values({ tenantId: clients[slug]!, userId: u!.id, role: r });
  }
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

const as = (name: string, firmRole: RoleName | null): Manager => ({
  actor: { userId: users[name]!, email: `${name}@walls.test`, requestId: `req-${name}` },
  userId: users[name]!,
  firmId,
  firmRole,
});
const boss = () => as('boss', 'FirmAdmin');
const senior = () => as('senior', 'Senior');
const walledAdmin = () => as('walled-admin', 'FirmAdmin');
const reader = () => as('reader', 'Senior');

/** What a refusal must leave untouched: people, memberships, roles, events and their history. */
async function snapshot() {
  const rows = async (sql: string) => JSON.stringify((await pool.query(sql)).rows);
  return {
    users: await rows('SELECT id, email, active FROM users ORDER BY id'),
    memberships: await rows('SELECT user_id, firm_role FROM firm_memberships ORDER BY user_id'),
    assignments: await rows(
      'SELECT tenant_id, user_id, role FROM tenant_role_assignments ORDER BY tenant_id, user_id',
    ),
    events: await rows('SELECT count(*) FROM audit_events'),
    history: await rows(
      `SELECT (SELECT count(*) FROM firm_memberships_history) AS m,
              (SELECT count(*) FROM tenant_role_assignments_history) AS a`,
    ),
  };
}

/** The change is refused with `code`, and nothing at all is written. */
async function refused(p: () => Promise<unknown>, code = 'FORBIDDEN') {
  const before = await snapshot();
  const err = await refusal(p());
  expect(err.code).toBe(code);
  expect(await snapshot()).toEqual(before);
  return err;
}

const walledOff = {
  message: `You are walled off ${WALLED}: someone else manages its access`,
  details: { tenant: WALLED },
};
const shape = (e: { message: string; details?: unknown }) => ({ message: e.message, details: e.details });

const lastEvent = async () =>
  (await pool.query('SELECT * FROM audit_events ORDER BY chain_seq DESC LIMIT 1')).rows[0];
const assignmentsOf = async (name: string) =>
  (
    await pool.query('SELECT tenant_id AS "tenantId", role FROM tenant_role_assignments WHERE user_id = $1', [
      users[name],
    ])
  ).rows;
const roleOn = async (name: string, slug: string) =>
  (await tenantAccess(db, users[name]!, { slug }))?.role ?? null;

describe('removing a member', () => {
  it('refuses the walled senior removing the junior walled off the same client, as revoking the wall is refused', async () => {
    const revoke = await refused(() =>
      revokeClientRole(db, senior(), { userId: users.junior!, tenant: WALLED, reason: REASON }),
    );
    const remove = await refused(() =>
      removeFirmMember(db, senior(), { userId: users.junior!, reason: REASON }),
    );
    expect(shape(remove)).toEqual(walledOff);
    expect(shape(remove)).toEqual(shape(revoke));
    // So the bypass (remove, then add back with no client roles) does not start: the wall holds.
    expect(await roleOn('junior', WALLED)).toBeNull();
    expect(await roleOn('junior', 'cafe')).toBe('ClientReadOnly');
  });

  it('refuses a walled manager removing anyone whose role reaches the walled client', async () => {
    // A role of their own there…
    expect(
      shape(await refused(() => removeFirmMember(db, senior(), { userId: users.engaged!, reason: REASON }))),
    ).toEqual(walledOff);
    // …or a firm-wide role, which applies there.
    expect(
      shape(await refused(() => removeFirmMember(db, senior(), { userId: users.staff!, reason: REASON }))),
    ).toEqual(walledOff);
    // A walled-off FirmAdmin is walled off all the same.
    expect(
      shape(
        await refused(() => removeFirmMember(db, walledAdmin(), { userId: users.engaged!, reason: REASON })),
      ),
    ).toEqual(walledOff);
  });

  it('lets a walled manager remove someone who has nothing on the walled client', async () => {
    const removed = await removeFirmMember(db, senior(), { userId: users.outsider!, reason: REASON });
    expect(removed.clientRoles).toEqual([]);
    expect(await assignmentsOf('outsider')).toEqual([]);
  });

  it("keeps a removed person's walls, drops their other roles, and gives the walls back when they are added back", async () => {
    const removed = await removeFirmMember(db, boss(), { userId: users.junior!, reason: REASON });
    expect(removed).toMatchObject({ firmRole: null, clientRoles: [] });
    const wall = { tenantId: clients[WALLED], role: 'NoAccess' };
    expect(await lastEvent()).toMatchObject({
      action: 'membership.removed',
      before: {
        firmRole: 'Junior',
        clientRoles: expect.arrayContaining([wall, { tenantId: clients.cafe, role: 'ClientReadOnly' }]),
      },
      after: { clientRoles: [wall] },
      reason: REASON,
    });
    expect(await assignmentsOf('junior')).toEqual([wall]);
    // Without a membership the wall lets them into nothing, and neither does anything else.
    expect(await findMemberByEmail(db, 'junior@walls.test')).toBeNull();
    for (const slug of [WALLED, 'cafe', 'clinica']) expect(await roleOn('junior', slug)).toBeNull();
    // The history: the role on cafe deleted with the reason, the wall never.
    const { rows } = await pool.query(
      `SELECT tenant_id AS "tenantId", hist_operation AS op, hist_reason AS reason
         FROM tenant_role_assignments_history WHERE user_id = $1 AND hist_operation = 'DELETE'`,
      [users.junior],
    );
    expect(rows).toEqual([{ tenantId: clients.cafe, op: 'DELETE', reason: REASON }]);

    const back = await addFirmMember(db, boss(), {
      email: 'junior@walls.test',
      displayName: 'Julia Junior',
      firmRole: 'Junior',
    });
    expect(back).toMatchObject({
      userId: users.junior,
      active: true,
      firmRole: 'Junior',
      clientRoles: [wall],
    });
    expect(await lastEvent()).toMatchObject({
      action: 'membership.added',
      after: { newUser: false, firmRole: 'Junior', active: true, clientRoles: [wall] },
    });
    expect(await roleOn('junior', WALLED)).toBeNull();
    expect(await roleOn('junior', 'cafe')).toBe('Junior');
  });

  it('holds a restricted manager to their role there, as revokeClientRole does', async () => {
    // The reader only reads clinica, where the staff's firm-wide Junior applies.
    const remove = await refused(() =>
      removeFirmMember(db, reader(), { userId: users.staff!, reason: REASON }),
    );
    expect(shape(remove)).toEqual({
      message: 'removeFirmMember: Junior is above your own role',
      details: { role: 'Junior', yourRole: 'ClientReadOnly' },
    });
  });
});

describe('adding someone', () => {
  it('refuses a walled manager a firm-wide role, which would reach the walled client, writing no user', async () => {
    const err = await refused(() =>
      addFirmMember(db, senior(), { email: 'new@walls.test', displayName: 'New', firmRole: 'Junior' }),
    );
    expect(shape(err)).toEqual(walledOff);
    // Client roles only: nothing reaches the walled client.
    const added = await addFirmMember(db, senior(), { email: 'new@walls.test', displayName: 'New' });
    expect(added).toMatchObject({ firmRole: null, clientRoles: [] });
    users.new = added.userId;
  });

  it('refuses a walled manager adding back someone walled off that client: their wall is someone else’s to manage', async () => {
    await removeFirmMember(db, boss(), { userId: users.junior!, reason: REASON });
    expect(
      shape(
        await refused(() =>
          addFirmMember(db, senior(), { email: 'junior@walls.test', displayName: 'Julia Junior' }),
        ),
      ),
    ).toEqual(walledOff);
    await addFirmMember(db, boss(), { email: 'junior@walls.test', displayName: 'Julia', firmRole: 'Junior' });
  });

  it('refuses a restricted manager a firm-wide role above theirs on the client they are restricted on', async () => {
    const err = await refused(() =>
      addFirmMember(db, reader(), { email: 'other@walls.test', displayName: 'Other', firmRole: 'Junior' }),
    );
    expect(shape(err)).toEqual({
      message: 'addFirmMember: Junior is above your own role',
      details: { role: 'Junior', yourRole: 'ClientReadOnly' },
    });
    const added = await addFirmMember(db, reader(), {
      email: 'other@walls.test',
      displayName: 'Other',
      firmRole: 'ClientReadOnly',
    });
    expect(added.firmRole).toBe('ClientReadOnly');
  });

  it('brings someone removed while deactivated back deactivated: only a FirmAdmin reactivates', async () => {
    const [u] = await db
      .insert(control.users)
      .values({ email: 'leaver@walls.test', displayName: 'Leaver' })
      .returning();
    users.leaver = u!.id;
    await db.insert(control.firmMemberships).values({ firmId, userId: u!.id, firmRole: null });
    await deactivateFirmMember(db, boss(), { userId: u!.id, reason: 'On leave until further notice' });
    await removeFirmMember(db, senior(), { userId: u!.id, reason: REASON });
    const back = await addFirmMember(db, senior(), { email: 'leaver@walls.test', displayName: 'Leaver' });
    expect(back).toMatchObject({ userId: u!.id, active: false });
    expect(await lastEvent()).toMatchObject({ action: 'membership.added', after: { active: false } });
    expect(await findMemberByEmail(db, 'leaver@walls.test')).toBeNull();
    expect(await isDeactivatedMember(db, 'leaver@walls.test')).toBe(true);
    expect((await reactivateFirmMember(db, boss(), { userId: u!.id })).active).toBe(true);
  });
});

describe('a firm-wide role', () => {
  it('is not changed by a walled manager where it applies on the walled client', async () => {
    const err = await refused(() =>
      changeFirmRole(db, senior(), { userId: users.staff!, role: 'ClientReadOnly', reason: REASON }),
    );
    expect(shape(err)).toEqual(walledOff);
    expect(
      shape(await refused(() => changeFirmRole(db, senior(), { userId: users.new!, role: 'Junior' }))),
    ).toEqual(walledOff);
  });

  it('is theirs to change where the person holds a role of their own on the walled client (a wall too)', async () => {
    const engaged = await changeFirmRole(db, senior(), { userId: users.engaged!, role: 'ClientReadOnly' });
    expect(engaged.firmRole).toBe('ClientReadOnly');
    const junior = await changeFirmRole(db, senior(), {
      userId: users.junior!,
      role: 'ClientReadOnly',
      reason: REASON,
    });
    expect(junior.firmRole).toBe('ClientReadOnly');
    expect(await roleOn('junior', WALLED)).toBeNull();
  });

  it('is not changed by a restricted manager beyond their role where it applies', async () => {
    const err = await refused(() =>
      changeFirmRole(db, reader(), { userId: users.staff!, role: 'ClientReadOnly', reason: REASON }),
    );
    expect(shape(err)).toEqual({
      message: 'changeFirmRole: Junior is above your own role',
      details: { role: 'Junior', yourRole: 'ClientReadOnly' },
    });
  });
});

describe('deactivation and reactivation', () => {
  it('lets a walled FirmAdmin stop anyone, but not let back in someone whose role reaches the walled client', async () => {
    await deactivateFirmMember(db, walledAdmin(), {
      userId: users.staff!,
      reason: 'Account shared outside the firm',
    });
    // The gateway lets in active members only, and access itself finds none: stopped, their
    // roles kept (their firm-wide role applies again once reactivated, below).
    expect(await findMemberByEmail(db, 'staff@walls.test')).toBeNull();
    expect(await roleOn('staff', WALLED)).toBeNull();
    expect(
      shape(await refused(() => reactivateFirmMember(db, walledAdmin(), { userId: users.staff! }))),
    ).toEqual(walledOff);
    expect((await reactivateFirmMember(db, boss(), { userId: users.staff! })).active).toBe(true);
    expect(await findMemberByEmail(db, 'staff@walls.test')).not.toBeNull();
    expect(await roleOn('staff', WALLED)).toBe('Junior');
  });

  it('leaves a deactivated person no access wherever access is asked, not only at the gateway', async () => {
    const caller = { userId: users.reader! };
    const held = async () => ({
      slug: (await tenantAccess(db, caller.userId, { slug: 'cafe' }))?.role ?? null,
      id: (await tenantAccess(db, caller.userId, { id: clients.clinica! }))?.role ?? null,
      client: (await clientAccess(db, caller, { slug: 'cafe' }))?.role ?? null,
      byIds: [...(await clientAccessByIds(db, caller, Object.values(clients))).keys()].length,
      visible: (await visibleClients(db, caller)).length,
    });
    const theirs = {
      slug: 'Senior',
      id: 'ClientReadOnly',
      client: 'Senior',
      byIds: 3,
      visible: 3,
    };
    expect(await held()).toEqual(theirs);
    await deactivateFirmMember(db, boss(), {
      userId: users.reader!,
      reason: 'Account shared outside the firm',
    });
    expect(await held()).toEqual({ slug: null, id: null, client: null, byIds: 0, visible: 0 });
    // Their roles are kept, and apply again once they are reactivated.
    await reactivateFirmMember(db, boss(), { userId: users.reader! });
    expect(await held()).toEqual(theirs);
  });

  it('leaves reactivating someone walled off that client to someone else too', async () => {
    await deactivateFirmMember(db, walledAdmin(), {
      userId: users.junior!,
      reason: 'On leave until further notice',
    });
    expect(
      shape(await refused(() => reactivateFirmMember(db, walledAdmin(), { userId: users.junior! }))),
    ).toEqual(walledOff);
    await reactivateFirmMember(db, boss(), { userId: users.junior! });
  });
});
