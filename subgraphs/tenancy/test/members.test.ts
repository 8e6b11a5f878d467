import { type ControlDb, control, controlDb, pg, type RoleName } from '@cifra/db';
import { ISO_4217 } from '@cifra/domain';
import { createTestControlDatabase, type TestDatabase, testServerUrl } from '@cifra/testing';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignClientRole, revokeClientRole } from '../src/services/client-roles.service.ts';
import { deactivateFirmMember, reactivateFirmMember } from '../src/services/member-status.service.ts';
import {
  addFirmMember,
  changeFirmRole,
  type Manager,
  removeFirmMember,
} from '../src/services/members.service.ts';
import { updateClientSettings, updateFirmSettings } from '../src/services/settings.service.ts';

let database: TestDatabase;
let pool: pg.Pool;
let db: ControlDb;
let firmId: string;
let tenantId: string;
const users: Record<string, string> = {};

const REASON = 'Left the engagement team in November';

beforeAll(async () => {
  database = await createTestControlDatabase();
  pool = new pg.Pool({ connectionString: database.adminUrl, max: 4 });
  db = controlDb(pool);
  await db.insert(control.currencies).values(ISO_4217.map((c) => ({ ...c })));
  const [firm] = await db
    .insert(control.firms)
    .values({ slug: 'members-firm', name: 'Members Firm' })
    .returning();
  firmId = firm!.id;
  const [server] = await db
    .insert(control.dbServers)
    .values({ name: 't', adminUrl: testServerUrl() })
    .returning();
  const [t] = await db
    .insert(control.tenants)
    .values({
      firmId,
      slug: 'acme',
      name: 'Acme',
      region: 'PA',
      baseCurrency: 'PAB',
      timezone: 'America/Panama',
      serverId: server!.id,
      databaseName: 'not_a_real_database',
      status: 'ACTIVE',
    })
    .returning();
  tenantId = t!.id;
  const people: [string, RoleName | null][] = [
    ['boss', 'FirmAdmin'],
    ['senior', 'Senior'],
    ['junior', 'Junior'],
    ['client', null],
  ];
  for (const [name, role] of people) {
    const [u] = await db
      .insert(control.users)
      .values({ email: `${name}@members.test`, displayName: name })
      .returning();
    users[name] = u!.id;
    await db.insert(control.firmMemberships).values({ firmId, userId: u!.id, firmRole: role });
  }
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

const as = (name: string, firmRole: RoleName | null): Manager => ({
  actor: { userId: users[name]!, email: `${name}@members.test`, requestId: `req-${name}` },
  userId: users[name]!,
  firmId,
  firmRole,
});
const boss = () => as('boss', 'FirmAdmin');
const senior = () => as('senior', 'Senior');

/** What a refusal must leave untouched: events, memberships, assignments and their history. */
async function snapshot() {
  const count = async (table: string) =>
    Number((await pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  return {
    events: await count('audit_events'),
    users: await count('users'),
    memberships: JSON.stringify(
      (await pool.query('SELECT user_id, firm_role FROM firm_memberships ORDER BY user_id')).rows,
    ),
    assignments: JSON.stringify(
      (await pool.query('SELECT tenant_id, user_id, role FROM tenant_role_assignments ORDER BY user_id'))
        .rows,
    ),
    history: await count('firm_memberships_history'),
    settings: JSON.stringify(
      (await pool.query('SELECT * FROM firm_settings UNION ALL SELECT * FROM tenant_setting_overrides')).rows,
    ),
  };
}

async function refused(fn: () => Promise<unknown>, code: string) {
  const before = await snapshot();
  await expect(fn()).rejects.toMatchObject({ code });
  expect(await snapshot()).toEqual(before);
}

const lastEvent = async () =>
  (await pool.query('SELECT * FROM audit_events ORDER BY chain_seq DESC LIMIT 1')).rows[0];

const roleOf = async (name: string) =>
  (
    await db
      .select({ role: control.firmMemberships.firmRole })
      .from(control.firmMemberships)
      .where(eq(control.firmMemberships.userId, users[name]!))
  )[0]?.role;

describe('adding people to the firm', () => {
  it('creates the user and the membership with one firm-level event, and versions the membership', async () => {
    const added = await addFirmMember(db, boss(), {
      email: 'New.Hire@Members.Test',
      displayName: 'New Hire',
      firmRole: 'Junior',
    });
    expect(added).toMatchObject({ email: 'new.hire@members.test', firmRole: 'Junior', clientRoles: [] });
    users.hire = added.userId;
    expect(await lastEvent()).toMatchObject({
      action: 'membership.added',
      entity_type: 'FirmMembership',
      entity_id: `${firmId}:${added.userId}`,
      actor_email: 'boss@members.test',
      request_id: 'req-boss',
      after: { email: 'new.hire@members.test', firmRole: 'Junior', newUser: true },
    });
    const { rows } = await pool.query(
      `SELECT hist_operation, hist_actor_email, firm_role FROM firm_memberships_history WHERE hist_entity_id = $1`,
      [`${firmId}:${added.userId}`],
    );
    expect(rows).toEqual([
      { hist_operation: 'INSERT', hist_actor_email: 'boss@members.test', firm_role: 'Junior' },
    ]);
  });

  it('refuses a member twice (CONFLICT) and a role above the granter (FORBIDDEN), writing nothing', async () => {
    await refused(
      () => addFirmMember(db, boss(), { email: 'new.hire@members.test', displayName: 'Again' }),
      'CONFLICT',
    );
    await refused(
      () => addFirmMember(db, senior(), { email: 'x@members.test', displayName: 'X', firmRole: 'FirmAdmin' }),
      'FORBIDDEN',
    );
    // ExternalReviewer signs off audited years, which a Senior cannot: not theirs to grant.
    await refused(
      () =>
        addFirmMember(db, senior(), {
          email: 'x@members.test',
          displayName: 'X',
          firmRole: 'ExternalReviewer',
        }),
      'FORBIDDEN',
    );
    await refused(
      () => addFirmMember(db, senior(), { email: 'not an email', displayName: 'X' }),
      'BAD_USER_INPUT',
    );
    // An address longer than SMTP delivers (254) would only grow every context and event of theirs.
    await refused(
      () =>
        addFirmMember(db, senior(), {
          email: `${'a'.repeat(64)}@${Array(4).fill('b'.repeat(60)).join('.')}.test`,
          displayName: 'X',
        }),
      'BAD_USER_INPUT',
    );
  });

  it('lets a Senior add a Junior', async () => {
    const added = await addFirmMember(db, senior(), {
      email: 'second@members.test',
      displayName: 'Second',
      firmRole: 'Junior',
    });
    expect(added.firmRole).toBe('Junior');
    users.second = added.userId;
  });
});

describe('firm-wide roles', () => {
  it('needs a reason of 20 characters to take permissions away, and writes nothing without it', async () => {
    await refused(() => changeFirmRole(db, boss(), { userId: users.hire!, role: null }), 'REASON_TOO_SHORT');
    await refused(
      () => changeFirmRole(db, boss(), { userId: users.hire!, role: 'ClientReadOnly', reason: 'too short' }),
      'REASON_TOO_SHORT',
    );
    expect(await roleOf('hire')).toBe('Junior');
  });

  it('records the change with before, after and reason in the event and the history', async () => {
    const changed = await changeFirmRole(db, boss(), {
      userId: users.hire!,
      role: 'ClientReadOnly',
      reason: REASON,
    });
    expect(changed.firmRole).toBe('ClientReadOnly');
    expect(await lastEvent()).toMatchObject({
      action: 'membership.firm_role_changed',
      before: { firmRole: 'Junior' },
      after: { firmRole: 'ClientReadOnly' },
      reason: REASON,
    });
    const { rows } = await pool.query(
      `SELECT hist_operation, firm_role, hist_reason, valid_to IS NULL AS open FROM firm_memberships_history
        WHERE hist_entity_id = $1 ORDER BY hist_id`,
      [`${firmId}:${users.hire}`],
    );
    expect(rows).toEqual([
      { hist_operation: 'INSERT', firm_role: 'Junior', hist_reason: null, open: false },
      { hist_operation: 'UPDATE', firm_role: 'ClientReadOnly', hist_reason: REASON, open: true },
    ]);
  });

  it('promotes without a reason, but never above the granter nor for someone above them', async () => {
    await changeFirmRole(db, senior(), { userId: users.hire!, role: 'Junior' });
    expect(await roleOf('hire')).toBe('Junior');
    await refused(
      () => changeFirmRole(db, senior(), { userId: users.hire!, role: 'FirmAdmin' }),
      'FORBIDDEN',
    );
    // Nobody changes their own access, not even upwards within what they could grant others.
    await refused(
      () => changeFirmRole(db, senior(), { userId: users.senior!, role: 'FirmAdmin' }),
      'SELF_ACCESS_CHANGE',
    );
    await refused(
      () => changeFirmRole(db, senior(), { userId: users.boss!, role: 'Senior', reason: REASON }),
      'FORBIDDEN',
    );
    await refused(
      () =>
        assignClientRole(db, senior(), {
          userId: users.boss!,
          tenant: 'acme',
          role: 'ClientReadOnly',
          reason: REASON,
        }),
      'FORBIDDEN',
    );
    await refused(() => removeFirmMember(db, senior(), { userId: users.boss!, reason: REASON }), 'FORBIDDEN');
  });

  it('keeps the last FirmAdmin: nobody else can demote them, and they cannot step down themself', async () => {
    await refused(
      () => changeFirmRole(db, boss(), { userId: users.boss!, role: 'Senior', reason: REASON }),
      'SELF_ACCESS_CHANGE',
    );
    await refused(
      () => removeFirmMember(db, boss(), { userId: users.boss!, reason: REASON }),
      'SELF_ACCESS_CHANGE',
    );
    expect(await roleOf('boss')).toBe('FirmAdmin');
  });

  it('lets only one of two admins demoting each other at the same moment succeed', async () => {
    await changeFirmRole(db, boss(), { userId: users.second!, role: 'FirmAdmin' });
    const second = as('second', 'FirmAdmin');
    const results = await Promise.allSettled([
      changeFirmRole(db, boss(), { userId: users.second!, role: 'Senior', reason: REASON }),
      changeFirmRole(db, second, { userId: users.boss!, role: 'Senior', reason: REASON }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'LAST_FIRM_ADMIN' });
    const admins = await db
      .select()
      .from(control.firmMemberships)
      .where(
        and(eq(control.firmMemberships.firmId, firmId), eq(control.firmMemberships.firmRole, 'FirmAdmin')),
      );
    expect(admins).toHaveLength(1);
    // Put the boss back in charge, and the second admin back to Junior, for the tests below.
    if (admins[0]!.userId !== users.boss) {
      await changeFirmRole(db, second, { userId: users.boss!, role: 'FirmAdmin' });
    }
    await changeFirmRole(db, boss(), { userId: users.second!, role: 'Junior', reason: REASON });
    expect(await roleOf('boss')).toBe('FirmAdmin');
  });
});

describe('roles on one client', () => {
  it('assigns, changes and revokes, each with its event on the client and its history version', async () => {
    const assigned = await assignClientRole(db, senior(), {
      userId: users.client!,
      tenant: 'acme',
      role: 'Junior',
    });
    expect(assigned.clientRoles).toEqual([{ tenantId, role: 'Junior' }]);
    expect(await lastEvent()).toMatchObject({
      action: 'membership.client_role_assigned',
      entity_type: 'TenantRoleAssignment',
      entity_id: `${tenantId}:${users.client}`,
      tenant_id: tenantId,
      after: { tenant: 'acme', role: 'Junior' },
    });
    await refused(
      () => assignClientRole(db, senior(), { userId: users.client!, tenant: 'acme', role: 'ClientReadOnly' }),
      'REASON_TOO_SHORT',
    );
    await refused(
      () => assignClientRole(db, senior(), { userId: users.client!, tenant: 'acme', role: 'FirmAdmin' }),
      'FORBIDDEN',
    );
    await refused(
      () => assignClientRole(db, senior(), { userId: users.client!, tenant: 'nope', role: 'Junior' }),
      'NOT_FOUND',
    );
    await refused(
      () => revokeClientRole(db, senior(), { userId: users.client!, tenant: 'acme', reason: 'short' }),
      'REASON_TOO_SHORT',
    );

    const revoked = await revokeClientRole(db, senior(), {
      userId: users.client!,
      tenant: 'acme',
      reason: REASON,
    });
    expect(revoked?.clientRoles).toEqual([]);
    expect(await lastEvent()).toMatchObject({
      action: 'membership.client_role_revoked',
      before: { role: 'Junior' },
      reason: REASON,
      tenant_id: tenantId,
    });
    const { rows } = await pool.query(
      `SELECT hist_operation, role, hist_reason FROM tenant_role_assignments_history WHERE hist_entity_id = $1 ORDER BY hist_id`,
      [`${tenantId}:${users.client}`],
    );
    expect(rows.map((r) => [r.hist_operation, r.role, r.hist_reason])).toEqual([
      ['INSERT', 'Junior', null],
      ['DELETE', 'Junior', REASON],
    ]);
    await refused(
      () => revokeClientRole(db, senior(), { userId: users.client!, tenant: 'acme', reason: REASON }),
      'NOT_FOUND',
    );
  });

  it('gives or takes back on a client no more than the manager holds there', async () => {
    // The boss restricts the senior to reading acme: there the senior is a reader, not a Senior.
    await assignClientRole(db, boss(), {
      userId: users.senior!,
      tenant: 'acme',
      role: 'ClientReadOnly',
      reason: REASON,
    });
    const before = await snapshot();
    await refused(
      () => assignClientRole(db, senior(), { userId: users.client!, tenant: 'acme', role: 'Senior' }),
      'FORBIDDEN',
    );
    await refused(
      () => assignClientRole(db, senior(), { userId: users.client!, tenant: 'acme', role: 'Junior' }),
      'FORBIDDEN',
    );
    expect(await snapshot()).toEqual(before);
    // A reader may still give a reader's role there.
    await assignClientRole(db, senior(), { userId: users.client!, tenant: 'acme', role: 'ClientReadOnly' });
    // Taking back the boss's Junior assignment there would give the member back their firm-wide
    // role on acme, which the restricted senior does not hold there either.
    await assignClientRole(db, boss(), {
      userId: users.second!,
      tenant: 'acme',
      role: 'ClientReadOnly',
      reason: REASON,
    });
    await refused(
      () => revokeClientRole(db, senior(), { userId: users.second!, tenant: 'acme', reason: REASON }),
      'FORBIDDEN',
    );
    for (const userId of [users.senior!, users.client!, users.second!])
      await revokeClientRole(db, boss(), { userId, tenant: 'acme', reason: REASON });
  });

  it('removes a member with every client role, with a reason', async () => {
    await assignClientRole(db, boss(), { userId: users.hire!, tenant: 'acme', role: 'Senior' });
    await refused(
      () => removeFirmMember(db, boss(), { userId: users.hire!, reason: 'bye' }),
      'REASON_TOO_SHORT',
    );
    const removed = await removeFirmMember(db, boss(), { userId: users.hire!, reason: REASON });
    expect(removed.clientRoles).toEqual([]);
    expect(await lastEvent()).toMatchObject({
      action: 'membership.removed',
      before: { firmRole: 'Junior', clientRoles: [{ tenantId, role: 'Senior' }] },
      reason: REASON,
    });
    expect(await roleOf('hire')).toBeUndefined();
    const left = await db
      .select()
      .from(control.tenantRoleAssignments)
      .where(eq(control.tenantRoleAssignments.userId, users.hire!));
    expect(left).toEqual([]);
  });
});

describe('settings', () => {
  const actor = { userId: null, email: 'boss@members.test', requestId: 'req-settings' };
  const manager = (name = 'boss') => ({
    actor: { userId: users[name]!, email: `${name}@members.test`, requestId: `req-settings-${name}` },
    caller: { userId: users[name]! },
    firmId,
  });

  it('sets and clears the firm master settings, validated, with before and after in the event', async () => {
    const after = await updateFirmSettings(db, actor, firmId, {
      set: { brandColor: '#112233', fxStalenessDays: 5 },
      reason: 'New brand guidelines from the partners',
    });
    expect(after).toEqual({ brandColor: '#112233', fxStalenessDays: 5 });
    expect(await lastEvent()).toMatchObject({
      action: 'firm.settings_updated',
      entity_type: 'Firm',
      entity_id: firmId,
      before: { brandColor: null, fxStalenessDays: null },
      after: { brandColor: '#112233', fxStalenessDays: 5 },
      reason: 'New brand guidelines from the partners',
    });
    expect(await updateFirmSettings(db, actor, firmId, { clear: ['fxStalenessDays'] })).toEqual({
      brandColor: '#112233',
    });
    const { rows } = await pool.query(
      `SELECT hist_operation, value, hist_reason FROM firm_settings_history WHERE hist_entity_id = $1 ORDER BY hist_id`,
      [`${firmId}:fxStalenessDays`],
    );
    expect(rows).toEqual([
      { hist_operation: 'INSERT', value: 5, hist_reason: 'New brand guidelines from the partners' },
      { hist_operation: 'DELETE', value: 5, hist_reason: null },
    ]);
  });

  it('refuses unknown keys and invalid values, writing nothing', async () => {
    await refused(() => updateFirmSettings(db, actor, firmId, { set: { colour: 'red' } }), 'BAD_USER_INPUT');
    await refused(
      () => updateFirmSettings(db, actor, firmId, { set: { brandColor: 'red' } }),
      'BAD_USER_INPUT',
    );
    await refused(
      () => updateFirmSettings(db, actor, firmId, { set: { fxStalenessDays: -1 } }),
      'BAD_USER_INPUT',
    );
    await refused(
      () => updateFirmSettings(db, actor, firmId, { set: { brandColor: null } }),
      'BAD_USER_INPUT',
    );
    await refused(
      () => updateFirmSettings(db, actor, firmId, { set: { brandColor: '#000000' }, clear: ['brandColor'] }),
      'BAD_USER_INPUT',
    );
    await refused(() => updateFirmSettings(db, actor, firmId, {}), 'BAD_USER_INPUT');
    for (const fxProvider of ['', '../../x', 'ECB; DROP', 'x'.repeat(61)])
      await refused(
        () => updateClientSettings(db, manager(), 'acme', { set: { fxProvider } }),
        'BAD_USER_INPUT',
      );
    await refused(
      () => updateClientSettings(db, manager(), 'nope', { set: { fxProvider: 'ECB' } }),
      'NOT_FOUND',
    );
  });

  it("sets and clears a client's override", async () => {
    await updateClientSettings(db, manager(), 'acme', {
      set: { brandColor: '#445566', fxCurrencies: ['EUR'] },
    });
    expect(await lastEvent()).toMatchObject({
      action: 'tenant.settings_updated',
      entity_type: 'Tenant',
      entity_id: tenantId,
      tenant_id: tenantId,
      after: { overrides: { brandColor: '#445566', fxCurrencies: ['EUR'] } },
    });
    await updateClientSettings(db, manager(), 'acme', { clear: ['brandColor'] });
    const { rows } = await pool.query(
      'SELECT key, value FROM tenant_setting_overrides WHERE tenant_id = $1',
      [tenantId],
    );
    expect(rows).toEqual([{ key: 'fxCurrencies', value: ['EUR'] }]);
  });

  it("refuses a client's settings to a firm admin walled off from it, and to a role without Tenant.Manage", async () => {
    const [walled] = await db
      .insert(control.users)
      .values({ email: 'walled@members.test', displayName: 'walled' })
      .returning();
    users.walled = walled!.id;
    await db.insert(control.firmMemberships).values({ firmId, userId: walled!.id, firmRole: 'FirmAdmin' });
    await db.insert(control.tenantRoleAssignments).values({ tenantId, userId: walled!.id, role: 'NoAccess' });
    const before = await snapshot();
    const overrides = async () =>
      (
        await pool.query(
          'SELECT key, value FROM tenant_setting_overrides WHERE tenant_id = $1 ORDER BY key',
          [tenantId],
        )
      ).rows;
    const kept = await overrides();
    for (const name of ['walled', 'junior', 'client']) {
      await refused(
        () => updateClientSettings(db, manager(name), 'acme', { set: { brandColor: '#000000' } }),
        'NOT_FOUND',
      );
    }
    expect(await overrides()).toEqual(kept);
    expect((await snapshot()).events).toBe(before.events);
  });
});

describe('deactivation', () => {
  const activeOf = async (name: string) =>
    (await db.select().from(control.users).where(eq(control.users.id, users[name]!)))[0]!.active;
  const events = async (action: string) =>
    (await pool.query('SELECT 1 FROM audit_events WHERE action = $1', [action])).rowCount;

  it('is for a FirmAdmin only, never on oneself, and needs a reason, writing nothing when refused', async () => {
    await expect(
      deactivateFirmMember(db, as('senior', 'Senior'), { userId: users.junior!, reason: REASON }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      deactivateFirmMember(db, boss(), { userId: users.boss!, reason: REASON }),
    ).rejects.toMatchObject({ code: 'SELF_ACCESS_CHANGE' });
    await expect(
      deactivateFirmMember(db, boss(), { userId: users.junior!, reason: 'too short' }),
    ).rejects.toMatchObject({ code: 'REASON_TOO_SHORT' });
    expect(await activeOf('junior')).toBe(true);
    expect(await events('membership.deactivated')).toBe(0);
  });

  it('stops a deactivated manager whose request was already on its way, in every membership change', async () => {
    const stale = as('senior', 'Senior');
    const m = await deactivateFirmMember(db, boss(), { userId: users.senior!, reason: REASON });
    expect(m).toMatchObject({ active: false, firmRole: 'Senior' });
    expect(await events('membership.deactivated')).toBe(1);
    const before = await db.select().from(control.firmMemberships);
    const attempts: [string, () => Promise<unknown>][] = [
      [
        'add',
        () =>
          addFirmMember(db, stale, { email: 'late@members.test', displayName: 'Late', firmRole: 'Junior' }),
      ],
      ['change', () => changeFirmRole(db, stale, { userId: users.junior!, role: null, reason: REASON })],
      [
        'assign',
        () =>
          assignClientRole(db, stale, {
            userId: users.junior!,
            tenant: 'acme',
            role: 'NoAccess',
            reason: REASON,
          }),
      ],
      ['remove', () => removeFirmMember(db, stale, { userId: users.junior!, reason: REASON })],
    ];
    for (const [what, attempt] of attempts) {
      await expect(attempt(), what).rejects.toMatchObject({ code: 'MEMBER_DEACTIVATED' });
    }
    expect(await db.select().from(control.firmMemberships)).toEqual(before);
    const back = await reactivateFirmMember(db, boss(), { userId: users.senior! });
    expect(back).toMatchObject({ active: true, firmRole: 'Senior' });
    expect(await events('membership.reactivated')).toBe(1);
  });
});
