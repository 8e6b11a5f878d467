import { clientAccess, clientAccessByIds, control, findMemberByEmail } from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import { BOOKS_YEAR } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, gql, type Nodes, nodes } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { ASSIGN, memberId, WALL_REASON as REASON, wallOff } from '../support/walls.ts';

/** Nobody changes their own access, and a NoAccess wall keeps a firm-wide role out of one client. */

const REVOKE = `mutation($u: ID!, $t: String!, $why: String!) { revokeClientRole(userId: $u, tenant: $t, reason: $why) { userId } }`;
const BOARD = `query($y: Int!, $m: Int!) { closeBoard(year: $y, month: $m) { clientsConnection { edges { node { client { slug } } } } } }`;

let t: TestStack;
let asWalled: (tenant?: string) => ReturnType<typeof gql>;
let walledToken: string;
const ids = new Map<string, string>();

const userId = (email: string) => memberId(t, email);

beforeAll(async () => {
  t = await startTestStack();
  const add = await t.as('admin')(
    'mutation { addFirmMember(input: { email: "walled@demo.firm", displayName: "Wally", firmRole: SENIOR }) { userId } }',
  );
  expect(add.errors).toBeUndefined();
  for (const email of ['walled@demo.firm', 'senior@demo.firm', 'admin@demo.firm', 'junior@demo.firm'])
    ids.set(email, await userId(email));
  walledToken = await signLocalToken(t.stack.authPrivateJwk, 'walled@demo.firm');
  asWalled = (tenant?: string) => gql(t.stack.gatewayUrl, walledToken, tenant);
});
afterAll(() => t?.close());

describe('nobody changes their own access', () => {
  it('refuses a restricted senior lifting their own restriction, and any change to one’s own roles', async () => {
    const senior = ids.get('senior@demo.firm') as string;
    // The admin restricts the senior to read-only on one client…
    const restrict = await t.as('admin')(ASSIGN, {
      u: senior,
      t: 'ferreteria-colon',
      r: 'CLIENT_READ_ONLY',
      why: REASON,
    });
    expect(restrict.errors).toBeUndefined();
    // …and the senior, who may staff clients, cannot give themself Senior back there.
    const lift = await t.as('senior')(ASSIGN, { u: senior, t: 'ferreteria-colon', r: 'SENIOR', why: REASON });
    expect(codes(lift)).toEqual(['SELF_ACCESS_CHANGE']);
    expect(codes(await t.as('senior')(REVOKE, { u: senior, t: 'ferreteria-colon', why: REASON }))).toEqual([
      'SELF_ACCESS_CHANGE',
    ]);
    const post = await t.as(
      'senior',
      'ferreteria-colon',
    )(
      'mutation { postJournalEntry(input: { postingDate: "2026-01-05", lines: [{ accountCode: "1110", debit: "1.00" }, { accountCode: "4101", credit: "1.00" }] }) { id } }',
    );
    expect(codes(post)).toEqual(['FORBIDDEN']);
    const admin = ids.get('admin@demo.firm') as string;
    expect(
      codes(
        await t.as('admin')(
          'mutation($u: ID!) { changeFirmRole(userId: $u, role: SENIOR, reason: "stepping down as the firm admin") { userId } }',
          { u: admin },
        ),
      ),
    ).toEqual(['SELF_ACCESS_CHANGE']);
    expect(
      codes(
        await t.as('admin')(
          'mutation($u: ID!) { removeFirmMember(userId: $u, reason: "leaving the firm for another one") { userId } }',
          { u: admin },
        ),
      ),
    ).toEqual(['SELF_ACCESS_CHANGE']);
  });

  it('keeps NoAccess a client-level role', async () => {
    const junior = ids.get('junior@demo.firm') as string;
    const r = await t.as('admin')(
      'mutation($u: ID!) { changeFirmRole(userId: $u, role: NO_ACCESS, reason: "no longer works on any client") { userId } }',
      { u: junior },
    );
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('an ethical wall on one client', () => {
  beforeAll(async () => {
    const wall = await t.as('admin')(ASSIGN, {
      u: ids.get('walled@demo.firm'),
      t: 'clinica-costa',
      r: 'NO_ACCESS',
      why: REASON,
    });
    expect(wall.errors).toBeUndefined();
  });

  it('keeps a firm-wide Senior out of that client, and only that one', async () => {
    expect(codes(await asWalled('clinica-costa')('{ accounts { code } }'))).toEqual(['FORBIDDEN']);
    const elsewhere = await asWalled('cafe-boquete')('{ accounts { code } }');
    expect(elsewhere.errors).toBeUndefined();
    const tenants = await asWalled()<{ tenantsConnection: Nodes<{ slug: string }> }>(
      '{ tenantsConnection { edges { node { slug } } } }',
    );
    const slugs = nodes(tenants.data?.tenantsConnection).map((x) => x.slug);
    expect(slugs).toContain('cafe-boquete');
    expect(slugs).not.toContain('clinica-costa');
  });

  it('leaves that client out of the firm-wide views', async () => {
    const board = await asWalled()<{
      closeBoard: { clientsConnection: Nodes<{ client: { slug: string } }> };
    }>(BOARD, {
      y: BOOKS_YEAR,
      m: 1,
    });
    expect(board.errors).toBeUndefined();
    const slugs = nodes(board.data?.closeBoard.clientsConnection).map((c) => c.client.slug);
    expect(slugs.length).toBeGreaterThan(0);
    expect(slugs).not.toContain('clinica-costa');
    const batch = await asWalled()(
      'mutation($input: StartBatchPeriodOperationInput!) { startBatchPeriodOperation(input: $input) { id } }',
      {
        input: {
          action: 'LOCK',
          tenants: ['clinica-costa'],
          year: BOOKS_YEAR,
          month: 1,
          targetState: 'LOCK_SALES',
        },
      },
    );
    expect(codes(batch).length).toBeGreaterThan(0);
  });

  it('answers a batch of client references as one reference at a time would', async () => {
    const db = t.stack.appControl;
    const all = await db.select({ id: control.tenants.id, slug: control.tenants.slug }).from(control.tenants);
    const ids = [...all.map((c) => c.id), '00000000-0000-4000-8000-000000000000', 'not-a-uuid'];
    for (const email of ['walled@demo.firm', 'senior@demo.firm', 'client@demo.firm']) {
      const caller = { userId: (await findMemberByEmail(db, email))?.userId as string };
      const batch = await clientAccessByIds(db, caller, ids);
      for (const id of ids) {
        const one = /^[0-9a-f-]{36}$/.test(id) ? await clientAccess(db, caller, { id }) : null;
        expect(batch.get(id) ?? null).toEqual(one);
      }
      if (email === 'walled@demo.firm') {
        const walled = all.find((c) => c.slug === 'clinica-costa')?.id as string;
        expect(batch.has(walled)).toBe(false);
        expect(batch.size).toBeGreaterThan(0);
      }
    }
  });

  it('lets the walled person decide nothing about who sees that client', async () => {
    const r = await asWalled()(ASSIGN, {
      u: ids.get('junior@demo.firm'),
      t: 'clinica-costa',
      r: 'SENIOR',
      why: REASON,
    });
    expect(codes(r)).toEqual(['FORBIDDEN']);
    expect(
      codes(await asWalled()(REVOKE, { u: ids.get('walled@demo.firm'), t: 'clinica-costa', why: REASON })),
    ).toEqual(['SELF_ACCESS_CHANGE']);
  });

  it('shows on the member list and in the firm trail with its reason', async () => {
    const members = await t.as('admin')<{
      firmMembersConnection: Nodes<{
        email: string;
        clientRoles: { tenant: { slug: string }; role: string }[];
      }>;
    }>('{ firmMembersConnection { edges { node { email clientRoles { tenant { slug } role } } } } }');
    const walled = nodes(members.data?.firmMembersConnection).find((m) => m.email === 'walled@demo.firm');
    expect(walled?.clientRoles).toEqual([{ tenant: { slug: 'clinica-costa' }, role: 'NO_ACCESS' }]);
    const trail = await t.as('admin')<{
      firmAuditEvents: {
        edges: { node: { reason: string; after: { role?: string }; tenant: { slug: string } | null } }[];
      };
    }>(
      '{ firmAuditEvents(filter: { action: "membership.client_role_assigned" }, first: 50) { edges { node { reason after tenant { slug } } } } }',
    );
    expect(trail.errors).toBeUndefined();
    expect(trail.data?.firmAuditEvents.edges.map((e) => e.node)).toContainEqual(
      expect.objectContaining({
        reason: REASON,
        tenant: { slug: 'clinica-costa' },
        after: expect.objectContaining({ role: 'NoAccess' }),
      }),
    );
  });

  it("keeps a walled-off firm admin out of that client's part of the firm trail and history", async () => {
    const add = await t.as('admin')(
      'mutation { addFirmMember(input: { email: "walled-admin@demo.firm", displayName: "Wanda", firmRole: FIRM_ADMIN }) { userId } }',
    );
    expect(add.errors).toBeUndefined();
    const wall = await t.as('admin')(ASSIGN, {
      u: await userId('walled-admin@demo.firm'),
      t: 'clinica-costa',
      r: 'NO_ACCESS',
      why: REASON,
    });
    expect(wall.errors).toBeUndefined();
    const asWalledAdmin = gql(
      t.stack.gatewayUrl,
      await signLocalToken(t.stack.authPrivateJwk, 'walled-admin@demo.firm'),
    );
    const TRAIL = `query($t: String) { firmAuditEvents(filter: { tenant: $t }, first: 100) {
      edges { node { action reason } } } }`;
    type Trail = { firmAuditEvents: { edges: { node: { action: string; reason: string | null } }[] } };
    const about = async (as: typeof asWalledAdmin, tenant: string) => {
      const r = await as<Trail>(TRAIL, { t: tenant });
      expect(r.errors).toBeUndefined();
      return r.data?.firmAuditEvents.edges.map((e) => e.node) ?? [];
    };
    // The other admin reads the walls put up on the client, with their reasons; the walled admin
    // reads nothing about that client, and everything about the others.
    expect(await about(t.as('admin'), 'clinica-costa')).toContainEqual({
      action: 'membership.client_role_assigned',
      reason: REASON,
    });
    expect(await about(asWalledAdmin, 'clinica-costa')).toEqual([]);
    expect(await about(asWalledAdmin, 'ferreteria-colon')).toEqual(
      await about(t.as('admin'), 'ferreteria-colon'),
    );

    const clinica = (
      await t.stack.appControl
        .select({ id: control.tenants.id, slug: control.tenants.slug })
        .from(control.tenants)
    ).find((c) => c.slug === 'clinica-costa')?.id as string;
    const HISTORY = `query($id: ID!) { firmHistoryConnection(entityType: "Tenant", entityId: $id, first: 10) {
      edges { node { operation } } } }`;
    const history = async (as: typeof asWalledAdmin) =>
      (await as<{ firmHistoryConnection: Nodes<{ operation: string }> }>(HISTORY, { id: clinica })).data
        ?.firmHistoryConnection;
    expect(nodes(await history(t.as('admin'))).length).toBeGreaterThan(0);
    expect(nodes(await history(asWalledAdmin))).toEqual([]);
  });
});

describe('a wall through membership changes', () => {
  const TB = '{ trialBalance(asOf: "2026-12-31") { totalDebit totalCredit } }';
  const REMOVE = `mutation($u: ID!, $why: String!) { removeFirmMember(userId: $u, reason: $why) { userId } }`;
  const ADD = `mutation($e: String!, $n: String!, $r: RoleCluster) {
    addFirmMember(input: { email: $e, displayName: $n, firmRole: $r }) {
      userId active firmRole clientRoles { tenant { slug } role } } }`;
  const WHY = 're-onboarding this junior from scratch';
  const events = async () =>
    Number((await t.stack.control.pool.query('SELECT count(*) AS n FROM audit_events')).rows[0].n);
  const junior = () => ids.get('junior@demo.firm') as string;

  beforeAll(async () => {
    for (const email of ['senior@demo.firm', 'junior@demo.firm']) await wallOff(t, email, 'ferreteria-colon');
  });

  it('is not lifted by the walled senior removing the walled junior to add them back', async () => {
    expect(codes(await t.as('junior', 'ferreteria-colon')(TB))).toEqual(['FORBIDDEN']);
    const before = await events();
    const revoke = await t.as('senior')(REVOKE, { u: junior(), t: 'ferreteria-colon', why: WHY });
    const remove = await t.as('senior')(REMOVE, { u: junior(), why: WHY });
    expect(codes(remove)).toEqual(['FORBIDDEN']);
    expect(remove.errors?.[0]?.message).toBe(
      'You are walled off ferreteria-colon: someone else manages its access',
    );
    expect(remove.errors?.[0]?.extensions).toEqual(revoke.errors?.[0]?.extensions);
    // Nor by adding someone with a firm-wide role, which would apply there.
    const add = await t.as('senior')(ADD, { e: 'helper@demo.firm', n: 'Helper', r: 'JUNIOR' });
    expect(add.errors?.[0]?.extensions).toEqual(revoke.errors?.[0]?.extensions);
    expect(await events()).toBe(before);
    expect((await t.as('junior', 'cafe-boquete')(TB)).errors).toBeUndefined();
    expect(codes(await t.as('junior', 'ferreteria-colon')(TB))).toEqual(['FORBIDDEN']);
  });

  it('stays when someone else removes the junior and adds them back; meanwhile their token stops at once', async () => {
    const removed = await t.as('admin')(REMOVE, { u: junior(), why: WHY });
    expect(removed.errors).toBeUndefined();
    for (const tenant of ['cafe-boquete', undefined]) {
      const gone = await t.as('junior', tenant)(tenant ? TB : '{ me { firmRole } }');
      expect(gone.status).toBe(401);
      expect(codes(gone)).toEqual(['UNAUTHENTICATED']);
    }
    const back = await t.as('admin')<{ addFirmMember: unknown }>(ADD, {
      e: 'junior@demo.firm',
      n: 'Julia Junior',
      r: 'JUNIOR',
    });
    expect(back.data?.addFirmMember).toEqual({
      userId: junior(),
      active: true,
      firmRole: 'JUNIOR',
      clientRoles: [{ tenant: { slug: 'ferreteria-colon' }, role: 'NO_ACCESS' }],
    });
    // The same person (same user id, same token) is a member again, and still walled off.
    expect((await t.as('junior', 'cafe-boquete')(TB)).errors).toBeUndefined();
    expect(codes(await t.as('junior', 'ferreteria-colon')(TB))).toEqual(['FORBIDDEN']);
  });

  it('can be lifted while they are removed, and the trail keeps its history', async () => {
    expect((await t.as('admin')(REMOVE, { u: junior(), why: WHY })).errors).toBeUndefined();
    // Lifted without adding them back first: nothing of theirs applies there meanwhile.
    const lifted = await t.as('admin')<{ revokeClientRole: unknown }>(REVOKE, {
      u: junior(),
      t: 'ferreteria-colon',
      why: WHY,
    });
    expect(lifted.errors).toBeUndefined();
    expect(lifted.data?.revokeClientRole).toBeNull();
    // Nothing more to lift: someone removed with no wall left, like someone never in the firm, is no member.
    const again = await t.as('admin')(REVOKE, { u: junior(), t: 'ferreteria-colon', why: WHY });
    expect(codes(again)).toEqual(['NOT_FOUND']);
    const stranger = await t.as('admin')(REVOKE, {
      u: '00000000-0000-4000-8000-00000000cafe',
      t: 'ferreteria-colon',
      why: WHY,
    });
    expect(codes(stranger)).toEqual(['NOT_FOUND']);
    const { rows } = await t.stack.control.pool.query(
      `SELECT action, after->>'role' AS role, after->>'removedFromFirm' AS removed FROM audit_events
        WHERE entity_type = 'TenantRoleAssignment' AND entity_id LIKE '%:' || $1 ORDER BY id`,
      [junior()],
    );
    expect(rows).toEqual([
      { action: 'membership.client_role_assigned', role: 'NoAccess', removed: null },
      { action: 'membership.client_role_revoked', role: null, removed: 'true' },
    ]);
    // Added back, they find no wall: their firm-wide role applies there.
    const back = await t.as('admin')<{ addFirmMember: { clientRoles: unknown[] } }>(ADD, {
      e: 'junior@demo.firm',
      n: 'Julia Junior',
      r: 'JUNIOR',
    });
    expect(back.data?.addFirmMember.clientRoles).toEqual([]);
    expect((await t.as('junior', 'ferreteria-colon')(TB)).errors).toBeUndefined();
  });
});
