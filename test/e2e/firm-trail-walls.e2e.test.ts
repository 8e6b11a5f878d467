import { control } from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import { BOOKS_YEAR } from '@cifra/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GqlResult, gql, type Nodes, nodes } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { memberId, wallOff } from '../support/walls.ts';

/**
 * The firm's trail behind an ethical wall (docs/architecture/tenancy.md, "Who decides access, and
 * the ethical wall"), through the gateway with real tokens: the reviewer, walled off
 * panaderia-valle, reads none of what was done to it — not in a firm-wide event that names several
 * clients (a batch, a member's removal or return, an integration's deletion), nor through its entity keys,
 * and not once the client is a deleted sandbox.
 */

const WALLED = 'panaderia-valle';
const OPEN = 'ferreteria-colon';
const WHY = 'the engagement with this client is over';
const YEAR = BOOKS_YEAR;
const MONTH = new Date().getUTCMonth() + 1;

let t: TestStack;
let asReviewer: ReturnType<typeof gql>;
const idOf = new Map<string, string>();

type Event = {
  action: string;
  entityId: string;
  tenantId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
};
const TRAIL = `query($f: FirmAuditEventFilter) { firmAuditEvents(filter: $f, first: 200) {
  edges { node { action entityId tenantId before after } } } }`;

const ok = <T>(r: GqlResult<T>): T => {
  expect(r.errors).toBeUndefined();
  return r.data as T;
};

/** The firm's trail as `as` reads it, narrowed by `filter`. */
async function trail(as: ReturnType<typeof gql>, filter: Record<string, string>): Promise<Event[]> {
  const r = ok(await as<{ firmAuditEvents: Nodes<Event> }>(TRAIL, { f: filter }));
  return nodes(r.firmAuditEvents);
}

const one = (events: Event[], action: string): Event => {
  const found = events.filter((e) => e.action === action);
  expect(found).toHaveLength(1);
  return found[0] as Event;
};

beforeAll(async () => {
  t = await startTestStack();
  const clients = await t.stack.appControl
    .select({ id: control.tenants.id, slug: control.tenants.slug })
    .from(control.tenants);
  for (const c of clients) idOf.set(c.slug, c.id);
  await wallOff(t, 'reviewer@demo.firm', WALLED);
  asReviewer = gql(t.stack.gatewayUrl, await signLocalToken(t.stack.authPrivateJwk, 'reviewer@demo.firm'));
});
afterAll(() => t?.close());

describe('a firm-wide event naming a walled client', () => {
  it("shows a batch without the walled client's part: not in its clients, not in its counts", async () => {
    const started = ok(
      await t.as('admin')<{ startBatchPeriodOperation: { id: string } }>(
        'mutation($i: StartBatchPeriodOperationInput!) { startBatchPeriodOperation(input: $i) { id } }',
        { i: { action: 'LOCK_PURCHASING', year: YEAR, month: MONTH, tenants: [WALLED, OPEN] } },
      ),
    ).startBatchPeriodOperation;
    type Batch = { status: string; items: { client: { slug: string }; status: string }[] };
    let batch: Batch;
    for (;;) {
      batch = ok(
        await t.as('admin')<{ batchOperation: Batch }>(
          'query($id: ID!) { batchOperation(id: $id) { status items { client { slug } status } } }',
          { id: started.id },
        ),
      ).batchOperation;
      if (batch.status === 'FINISHED') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const openStatus = batch.items.find((i) => i.client.slug === OPEN)?.status as string;
    const filter = { action: 'period_batch.', entityId: started.id };
    const admin = await trail(t.as('admin'), filter);
    expect(one(admin, 'period_batch.started').after?.clients).toEqual([WALLED, OPEN]);
    const total = Object.values(one(admin, 'period_batch.finished').after ?? {}).reduce(
      (n: number, c) => n + Number(c),
      0,
    );
    expect(total).toBe(2);

    const reviewer = await trail(asReviewer, filter);
    expect(one(reviewer, 'period_batch.started').after).toMatchObject({
      action: 'LOCK_PURCHASING',
      clients: [OPEN],
    });
    expect(one(reviewer, 'period_batch.finished').after).toEqual({ [openStatus]: 1 });
    // The walled client's own outcome is its event, behind the wall.
    const items = await trail(asReviewer, { action: 'period_batch.item_' });
    expect(items.map((e) => e.tenantId)).not.toContain(idOf.get(WALLED));
  });

  it("shows a member's removal and return without their roles on the walled client, walls kept included", async () => {
    const ADD =
      'mutation { addFirmMember(input: { email: "leaver@demo.firm", displayName: "Leaver", firmRole: JUNIOR }) { userId } }';
    const added = ok(await t.as('admin')<{ addFirmMember: { userId: string } }>(ADD)).addFirmMember.userId;
    const ELSEWHERE = 'cafe-boquete';
    for (const [tenant, role] of [
      [WALLED, 'NO_ACCESS'],
      [OPEN, 'CLIENT_READ_ONLY'],
      [ELSEWHERE, 'NO_ACCESS'],
    ])
      ok(
        await t.as('admin')(
          'mutation($u: ID!, $t: String!, $r: RoleCluster!) { assignClientRole(userId: $u, tenant: $t, role: $r, reason: "reads this client only for now") { userId } }',
          { u: added, t: tenant, r: role },
        ),
      );
    ok(
      await t.as('admin')(
        'mutation($u: ID!) { removeFirmMember(userId: $u, reason: "left the firm at the end of the month") { userId } }',
        { u: added },
      ),
    );
    // Back again: the walls kept on leaving apply again, and the addition's event names them.
    ok(await t.as('admin')(ADD));
    const roles = (event: Event, side: 'before' | 'after') =>
      ((event[side]?.clientRoles ?? []) as { tenantId: string }[]).map((r) => r.tenantId).sort();
    const ids = (...slugs: string[]) => slugs.map((s) => idOf.get(s)).sort();
    const removed = (events: Event[]) => one(events, 'membership.removed');
    const back = (events: Event[]) =>
      one(
        events.filter((e) => e.after?.email === 'leaver@demo.firm' && e.after.newUser === false),
        'membership.added',
      );
    const asAdmin = await trail(t.as('admin'), { action: 'membership.' });
    const asWalled = await trail(asReviewer, { action: 'membership.' });
    expect(roles(removed(asAdmin), 'before')).toEqual(ids(WALLED, OPEN, ELSEWHERE));
    expect(roles(removed(asAdmin), 'after')).toEqual(ids(WALLED, ELSEWHERE));
    expect(roles(back(asAdmin), 'after')).toEqual(ids(WALLED, ELSEWHERE));
    expect(roles(removed(asWalled), 'before')).toEqual(ids(OPEN, ELSEWHERE));
    expect(roles(removed(asWalled), 'after')).toEqual(ids(ELSEWHERE));
    expect(roles(back(asWalled), 'after')).toEqual(ids(ELSEWHERE));
  });

  it("shows an integration's deletion without its grant on the walled client", async () => {
    const id = ok(
      await t.as('admin')<{ createIntegration: { id: string } }>(
        'mutation { createIntegration(input: { name: "Payroll app", contact: "dev@payroll.example" }) { id } }',
      ),
    ).createIntegration.id;
    for (const tenant of [WALLED, OPEN])
      ok(
        await t.as('admin')(
          'mutation($i: ID!, $t: String!) { grantIntegrationAccess(integrationId: $i, tenant: $t, permissions: ["GL.Read"]) { permissions } }',
          { i: id, t: tenant },
        ),
      );
    ok(
      await t.as('admin')(
        'mutation($i: ID!, $why: String!) { deleteIntegration(id: $i, reason: $why) { id } }',
        {
          i: id,
          why: WHY,
        },
      ),
    );
    const filter = { action: 'integration.deleted', entityId: id };
    const grants = (events: Event[]) => one(events, 'integration.deleted').before?.grants;
    expect(grants(await trail(t.as('admin'), filter))).toEqual(
      expect.arrayContaining([idOf.get(WALLED), idOf.get(OPEN)]),
    );
    expect(grants(await trail(asReviewer, filter))).toEqual([idOf.get(OPEN)]);
  });
});

describe("a walled client's entity key", () => {
  it('is behind the wall in the trail and in the history', async () => {
    const key = ok(
      await t.as('admin')<{ createEntityKey: { id: string } }>(
        `mutation { createEntityKey(input: { tenant: "${WALLED}", name: "Bakery shop", contact: "it@bakery.example", access: READ_ONLY }) { id } }`,
      ),
    ).createEntityKey.id;
    ok(
      await t.as('admin')(
        'mutation($i: ID!) { suspendIntegration(id: $i, reason: "the bakery asked us to pause it") { id } }',
        {
          i: key,
        },
      ),
    );
    const admin = await trail(t.as('admin'), { entityId: key });
    expect(admin.map((e) => e.action)).toContain('integration.suspended');
    // Recorded about its client: the client's part of the trail names it.
    expect(one(admin, 'integration.suspended').tenantId).toBe(idOf.get(WALLED));
    expect((await trail(t.as('admin'), { tenant: WALLED })).map((e) => e.entityId)).toContain(key);
    expect(await trail(asReviewer, { entityId: key })).toEqual([]);

    const HISTORY = `query($id: ID!) { firmHistoryConnection(entityType: "Integration", entityId: $id, first: 10) {
      edges { node { operation data } } } }`;
    const history = async (as: ReturnType<typeof gql>) =>
      nodes(
        ok(await as<{ firmHistoryConnection: Nodes<unknown> }>(HISTORY, { id: key })).firmHistoryConnection,
      );
    expect((await history(t.as('admin'))).length).toBeGreaterThan(0);
    expect(await history(asReviewer)).toEqual([]);
  });
});

describe('a wall on a sandbox', () => {
  it('stands once the sandbox is deleted', async () => {
    const slug = 'sbx-audit';
    ok(
      await t.as('admin')(
        'mutation($s: String!) { provisionTenant(input: { slug: $s, name: "Audit sandbox", sandbox: true }) { slug } }',
        { s: slug },
      ),
    );
    await wallOff(t, 'reviewer@demo.firm', slug);
    const [row] = await t.stack.appControl
      .select({ id: control.tenants.id })
      .from(control.tenants)
      .where(eq(control.tenants.slug, slug));
    const id = row?.id as string;
    const HISTORY = `query($id: ID!) { firmHistoryConnection(entityType: "Tenant", entityId: $id, first: 10) {
      edges { node { operation } } } }`;
    const seen = async () => ({
      trail: (await trail(asReviewer, { tenant: slug })).map((e) => e.action),
      history: nodes(
        ok(await asReviewer<{ firmHistoryConnection: Nodes<unknown> }>(HISTORY, { id }))
          .firmHistoryConnection,
      ),
    });
    expect(await seen()).toEqual({ trail: [], history: [] });
    ok(
      await t.as('admin')(
        'mutation($s: String!) { deleteSandboxClient(tenant: $s, reason: "the audit rehearsal is over now") { slug } }',
        { s: slug },
      ),
    );
    expect((await trail(t.as('admin'), { tenant: slug })).map((e) => e.action)).toEqual(
      expect.arrayContaining(['tenant.sandbox_deleted', 'membership.client_role_assigned']),
    );
    expect(await seen()).toEqual({ trail: [], history: [] });
    // The wall is still the reviewer's, on the deleted client, for whoever manages the firm's people.
    const reviewer = await memberId(t, 'reviewer@demo.firm');
    const members = ok(
      await t.as('admin')<{
        firmMembersConnection: Nodes<{
          userId: string;
          clientRoles: { tenant: { id: string; status: string }; role: string }[];
        }>;
      }>(
        '{ firmMembersConnection(first: 20) { edges { node { userId clientRoles { tenant { id status } role } } } } }',
      ),
    );
    const roles = nodes(members.firmMembersConnection).find((m) => m.userId === reviewer)?.clientRoles;
    expect(roles).toContainEqual({ tenant: { id, status: 'DELETED' }, role: 'NO_ACCESS' });
  });
});
