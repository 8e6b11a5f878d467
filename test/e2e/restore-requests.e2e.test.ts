import { expireRestoreRequests } from '@cifra/backups';
import { control } from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, type GqlResult, gql } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * A restore in place request before its approval (docs/architecture/backups.md, "Restore in
 * place"), through the gateway with real tokens: a client's requests listed and paged, withdrawn by
 * a second manager, an approval racing a withdrawal, and a request expiring unapproved.
 */
const SLUG = 'ferreteria-colon';
const REASON = 'Wrong bank import on 10 March posted twice; back to the night backup';
const WITHDRAW = 'The bank import was reversed by hand instead; no restore needed';
let t: TestStack;
let admin2: Client;
let walled: Client;
let tenantId: string;
let backupId: string;
type Client = ReturnType<typeof gql>;

beforeAll(async () => {
  t = await startTestStack();
  const db = t.stack.control.db;
  const [tenant] = await db.select().from(control.tenants).where(eq(control.tenants.slug, SLUG));
  tenantId = tenant!.id;
  // A second firm admin (the four eyes), and a third one walled off from the client.
  for (const email of ['admin2@demo.firm', 'walled-admin@demo.firm']) {
    const [user] = await db.insert(control.users).values({ email, displayName: email }).returning();
    await db
      .insert(control.firmMemberships)
      .values({ firmId: tenant!.firmId, userId: user!.id, firmRole: 'FirmAdmin' });
    if (email.startsWith('walled'))
      await db.insert(control.tenantRoleAssignments).values({ tenantId, userId: user!.id, role: 'NoAccess' });
  }
  admin2 = gql(t.stack.gatewayUrl, await signLocalToken(t.stack.authPrivateJwk, 'admin2@demo.firm'));
  walled = gql(t.stack.gatewayUrl, await signLocalToken(t.stack.authPrivateJwk, 'walled-admin@demo.firm'));
  const b = await t.as('admin')<{ backupClient: { id: string } }>(
    'mutation($t: String!) { backupClient(tenant: $t) { id } }',
    { t: SLUG },
  );
  expect(b.errors).toBeUndefined();
  backupId = b.data!.backupClient.id;
});
afterAll(async () => {
  await t?.close();
});

type Req = {
  id: string;
  status: string;
  requestedBy: string;
  reason: string;
  approvedBy: string | null;
  withdrawnBy: string | null;
  withdrawalReason: string | null;
  finishedAt: string | null;
  expiresAt: string | null;
  failureCode: string | null;
  replacedKeptUntil: string | null;
  backup: { id: string; status: string };
};
const FIELDS = `id status requestedBy reason approvedBy withdrawnBy withdrawalReason finishedAt expiresAt
  failureCode replacedKeptUntil backup { id status }`;
type Page = {
  edges: { cursor: string; node: Req }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
};

const ask = async () => {
  const r = await t.as('admin')<{ requestRestoreInPlace: Req }>(
    `mutation($b: ID!, $r: String!) { requestRestoreInPlace(backupId: $b, reason: $r) { ${FIELDS} } }`,
    { b: backupId, r: REASON },
  );
  expect(r.errors).toBeUndefined();
  return r.data!.requestRestoreInPlace;
};
const list = (who: Client, args: { tenant?: string; first?: number; after?: string; status?: string }) =>
  who<{ restoreInPlaceRequests: Page }>(
    `query($t: String!, $f: Int, $a: String, $s: RestoreInPlaceStatus) {
      restoreInPlaceRequests(tenant: $t, first: $f, after: $a, status: $s) {
        edges { cursor node { ${FIELDS} } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`,
    { t: args.tenant ?? SLUG, f: args.first, a: args.after, s: args.status },
  );
const approve = (who: Client, id: string) =>
  who<{ approveRestoreInPlace: Req }>(
    `mutation($id: ID!) { approveRestoreInPlace(requestId: $id) { ${FIELDS} } }`,
    { id },
  );
const withdraw = (who: Client, id: string, reason = WITHDRAW) =>
  who<{ withdrawRestoreInPlace: Req }>(
    `mutation($id: ID!, $r: String!) { withdrawRestoreInPlace(requestId: $id, reason: $r) { ${FIELDS} } }`,
    { id, r: reason },
  );
const rowOf = async (id: string) =>
  (
    await t.stack.control.db
      .select()
      .from(control.restoreInPlaceRequests)
      .where(eq(control.restoreInPlaceRequests.id, id))
  )[0]!;
/** The firm's trail for one request: its actions, actors and reasons, in order. */
const trailOf = async (requestId: string) =>
  t.stack.control.db
    .select({
      action: control.controlAuditEvents.action,
      actor: control.controlAuditEvents.actorEmail,
      reason: control.controlAuditEvents.reason,
    })
    .from(control.controlAuditEvents)
    .where(
      and(
        eq(control.controlAuditEvents.entityId, tenantId),
        sql`${control.controlAuditEvents.after}->>'requestId' = ${requestId}`,
      ),
    )
    .orderBy(control.controlAuditEvents.id);
const code = (r: GqlResult<unknown>) => codes(r)[0];

describe('a client’s restore in place requests', () => {
  it('are listed newest first and paged with the shared cursors; only to who may manage the client', async () => {
    const asked = [await ask(), await ask(), await ask()];
    const first = await list(t.as('admin'), { first: 2 });
    expect(first.errors).toBeUndefined();
    const p1 = first.data!.restoreInPlaceRequests;
    expect(p1.edges.map((e) => e.node.id)).toEqual([asked[2]!.id, asked[1]!.id]);
    expect(p1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(p1.edges[0]!.node).toMatchObject({
      status: 'PENDING',
      requestedBy: 'admin@demo.firm',
      reason: REASON,
      approvedBy: null,
      backup: { id: backupId, status: 'COMPLETE' },
    });
    // A PENDING request shows when it expires: 72 hours after it was asked for, by default.
    expect(Date.parse(p1.edges[0]!.node.expiresAt!) - Date.now()).toBeGreaterThan(71 * 3_600_000);
    const second = await list(t.as('admin'), { first: 2, after: p1.pageInfo.endCursor! });
    const p2 = second.data!.restoreInPlaceRequests;
    expect(p2.edges.map((e) => e.node.id)).toEqual([asked[0]!.id]);
    expect(p2.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    // An approver finds the pending ones (the id approveRestoreInPlace takes) without the trail.
    const pending = await list(admin2, { status: 'PENDING' });
    expect(pending.data!.restoreInPlaceRequests.edges.map((e) => e.node.id)).toEqual(
      [...asked].reverse().map((a) => a.id),
    );
    // A cursor of another filter is not this list's.
    expect(code(await list(t.as('admin'), { status: 'PENDING', after: p1.pageInfo.endCursor! }))).toBe(
      'BAD_USER_INPUT',
    );
    // A client walled off from a firm admin, and a client that does not exist, look the same.
    const wall = await list(walled, {});
    expect(code(wall)).toBe('NOT_FOUND');
    expect(wall.data?.restoreInPlaceRequests ?? null).toBeNull();
    expect(code(await list(t.as('admin'), { tenant: 'no-such-client' }))).toBe('NOT_FOUND');
    expect(code(await list(t.as('junior'), {}))).toBe('FORBIDDEN');
    // Clean up for the tests below: these three are withdrawn.
    for (const a of asked) expect((await withdraw(t.as('admin'), a.id)).errors).toBeUndefined();
  });
});

describe('withdrawing a request', () => {
  it('needs a reason of 20 characters and writes nothing without one', async () => {
    const req = await ask();
    expect(code(await withdraw(admin2, req.id, 'changed my mind'))).toBe('REASON_TOO_SHORT');
    // Twenty characters that show nothing are no reason either.
    expect(code(await withdraw(admin2, req.id, '\u200b'.repeat(24)))).toBe('REASON_TOO_SHORT');
    expect(await rowOf(req.id)).toMatchObject({ status: 'PENDING', withdrawnBy: null, finishedAt: null });
    expect((await trailOf(req.id)).map((e) => e.action)).toEqual(['tenant.restore_in_place_requested']);
    // A manager walled off from the client cannot withdraw it either (NOT_FOUND, nothing written).
    expect(code(await withdraw(walled, req.id))).toBe('NOT_FOUND');
    expect(code(await withdraw(t.as('junior'), req.id))).toBe('FORBIDDEN');
    expect((await rowOf(req.id)).status).toBe('PENDING');

    // A second manager withdraws it; then it can be neither approved nor withdrawn again.
    const done = await withdraw(admin2, req.id);
    expect(done.errors).toBeUndefined();
    expect(done.data!.withdrawRestoreInPlace).toMatchObject({
      status: 'WITHDRAWN',
      withdrawnBy: 'admin2@demo.firm',
      withdrawalReason: WITHDRAW,
      expiresAt: null,
    });
    expect(done.data!.withdrawRestoreInPlace.finishedAt).not.toBeNull();
    const again = await approve(admin2, req.id);
    expect(again.errors?.[0]?.extensions).toMatchObject({
      code: 'RESTORE_REQUEST_NOT_PENDING',
      status: 'WITHDRAWN',
    });
    expect(code(await withdraw(t.as('admin'), req.id))).toBe('RESTORE_REQUEST_NOT_PENDING');
    expect(await rowOf(req.id)).toMatchObject({ status: 'WITHDRAWN', approvedBy: null });
    expect(await trailOf(req.id)).toEqual([
      { action: 'tenant.restore_in_place_requested', actor: 'admin@demo.firm', reason: REASON },
      { action: 'tenant.restore_in_place_withdrawn', actor: 'admin2@demo.firm', reason: WITHDRAW },
    ]);
  });

  it('is refused once the request was approved', { timeout: 180_000 }, async () => {
    const req = await ask();
    const done = await approve(admin2, req.id);
    expect(done.errors).toBeUndefined();
    expect(done.data!.approveRestoreInPlace.status).toBe('RESTORED');
    const late = await withdraw(t.as('admin'), req.id);
    expect(late.errors?.[0]?.extensions).toMatchObject({
      code: 'RESTORE_REQUEST_NOT_PENDING',
      status: 'RESTORED',
    });
    expect(await rowOf(req.id)).toMatchObject({ status: 'RESTORED', withdrawnBy: null });
    expect((await trailOf(req.id)).map((e) => e.action)).not.toContain('tenant.restore_in_place_withdrawn');
  });

  it('racing an approval: exactly one wins, the other is refused with a stable code', {
    timeout: 180_000,
  }, async () => {
    const req = await ask();
    // The test client throws on an INTERNAL_SERVER_ERROR, so neither may be answered one.
    const [approved, withdrawn] = await Promise.all([
      approve(admin2, req.id),
      withdraw(t.as('admin'), req.id),
    ]);
    const won = [approved, withdrawn].filter((r) => !r.errors);
    expect(won).toHaveLength(1);
    const lost = approved.errors ? approved : withdrawn;
    expect(code(lost)).toBe('RESTORE_REQUEST_NOT_PENDING');
    const row = await rowOf(req.id);
    const actions = (await trailOf(req.id)).map((e) => e.action);
    if (approved.errors) {
      expect(row).toMatchObject({ status: 'WITHDRAWN', approvedBy: null, readOnlyAt: null });
      expect(actions).toEqual(['tenant.restore_in_place_requested', 'tenant.restore_in_place_withdrawn']);
    } else {
      expect(row).toMatchObject({ status: 'RESTORED', withdrawnBy: null });
      expect(actions).not.toContain('tenant.restore_in_place_withdrawn');
      expect(actions.at(-1)).toBe('tenant.restored_in_place');
    }
  });
});

describe('a request left pending', () => {
  const age = (id: string, hours: number) =>
    t.stack.control.db
      .update(control.restoreInPlaceRequests)
      .set({ requestedAt: new Date(Date.now() - hours * 3_600_000) })
      .where(eq(control.restoreInPlaceRequests.id, id));

  it('expires after RESTORE_REQUEST_EXPIRES_HOURS: its approval is refused and it is marked EXPIRED', async () => {
    const req = await ask();
    await age(req.id, 73);
    const r = await approve(admin2, req.id);
    expect(code(r)).toBe('RESTORE_REQUEST_EXPIRED');
    expect(await rowOf(req.id)).toMatchObject({ status: 'EXPIRED', approvedBy: null, readOnlyAt: null });
    expect(code(await approve(admin2, req.id))).toBe('RESTORE_REQUEST_EXPIRED');
    expect(code(await withdraw(t.as('admin'), req.id))).toBe('RESTORE_REQUEST_EXPIRED');
    const listed = await list(t.as('admin'), { status: 'EXPIRED' });
    expect(listed.data!.restoreInPlaceRequests.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ id: req.id, status: 'EXPIRED', expiresAt: null }),
    ]);
    expect((await trailOf(req.id)).map((e) => e.action)).toEqual([
      'tenant.restore_in_place_requested',
      'tenant.restore_in_place_expired',
    ]);
  });

  it('a withdrawal past the expiry is refused too, and marks it EXPIRED', async () => {
    const req = await ask();
    await age(req.id, 80);
    expect(code(await withdraw(admin2, req.id))).toBe('RESTORE_REQUEST_EXPIRED');
    expect(await rowOf(req.id)).toMatchObject({ status: 'EXPIRED', withdrawnBy: null });
  });

  it('is marked EXPIRED by the worker’s hourly maintenance, on its clock', async () => {
    const old = await ask();
    const fresh = await ask();
    await age(old.id, 100);
    const control_ = t.stack.appControl;
    expect((await expireRestoreRequests(control_, { hours: 72 })).map((r) => r.id)).toEqual([old.id]);
    expect(await expireRestoreRequests(control_, { hours: 72 })).toEqual([]);
    expect((await rowOf(fresh.id)).status).toBe('PENDING');
    // Three days on, by the worker's clock, the fresh one has expired too.
    const later = new Date(Date.now() + 73 * 3_600_000);
    expect((await expireRestoreRequests(control_, { hours: 72, now: later })).map((r) => r.id)).toEqual([
      fresh.id,
    ]);
    for (const id of [old.id, fresh.id]) {
      expect((await rowOf(id)).status).toBe('EXPIRED');
      expect(await trailOf(id)).toEqual([
        expect.objectContaining({ action: 'tenant.restore_in_place_requested' }),
        { action: 'tenant.restore_in_place_expired', actor: null, reason: 'not approved within 72 hours' },
      ]);
    }
  });
});

describe('a manager walled off the client', () => {
  /** A well-formed id no backup or request has. */
  const UNKNOWN = '00000000-0000-4000-8000-00000000beef';
  /** An answer's errors as the caller reads them: code, words and every extension. */
  const refusal = (r: GqlResult<unknown>) =>
    (r.errors ?? []).map(({ message, extensions }) => ({ message, extensions }));
  /** What an unknown id is answered, with the id asked about in place of the unknown one. */
  const asUnknown = (r: GqlResult<unknown>, id: string) =>
    JSON.parse(JSON.stringify(refusal(r)).replaceAll(UNKNOWN, id)) as ReturnType<typeof refusal>;

  it('is answered about its backup and its requests exactly as about ids that do not exist', async () => {
    const RESTORE = 'mutation($b: ID!) { restoreClient(backupId: $b, asSlug: "walled-copy") { slug } }';
    const REQUEST = `mutation($b: ID!, $r: String!) { requestRestoreInPlace(backupId: $b, reason: $r) { id } }`;
    const req = await ask();
    const pairs: [string, GqlResult<unknown>, GqlResult<unknown>, string][] = [
      ['restore', await walled(RESTORE, { b: backupId }), await walled(RESTORE, { b: UNKNOWN }), backupId],
      [
        'request',
        await walled(REQUEST, { b: backupId, r: REASON }),
        await walled(REQUEST, { b: UNKNOWN, r: REASON }),
        backupId,
      ],
      ['approve', await approve(walled, req.id), await approve(walled, UNKNOWN), req.id],
      ['withdraw', await withdraw(walled, req.id), await withdraw(walled, UNKNOWN), req.id],
    ];
    for (const [what, asked, unknown, id] of pairs) {
      expect(refusal(unknown).length, what).toBe(1);
      expect({ what, errors: refusal(asked) }).toEqual({ what, errors: asUnknown(unknown, id) });
    }
    expect(code(pairs[0]![1])).toBe('BACKUP_NOT_FOUND');
    expect(code(pairs[2]![1])).toBe('NOT_FOUND');
    // Nothing was written: no client restored, no request made, the one there still pending.
    const [copy] = await t.stack.control.db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.slug, 'walled-copy'));
    expect(copy).toBeUndefined();
    expect((await rowOf(req.id)).status).toBe('PENDING');
    expect((await trailOf(req.id)).map((e) => e.action)).toEqual(['tenant.restore_in_place_requested']);
    expect((await withdraw(admin2, req.id)).errors).toBeUndefined();
  });
});
