import { signLocalToken } from '@cifra/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, type GqlResult, gql } from '../support/client.ts';
import { type DemoUser, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * A member deactivated and reactivated through the gateway with real tokens: FirmAdmin only, a
 * reason of 20 characters, in the firm's trail, the member's token refused at once with
 * MEMBER_DEACTIVATED, never oneself, and two FirmAdmins deactivating each other at the same
 * moment leave the firm exactly one of them.
 */
let t: TestStack;

beforeAll(async () => {
  t = await startTestStack();
});

afterAll(() => t?.close());

const as = (who: DemoUser, tenant?: string) => t.as(who, tenant);
const REASON = 'Left the firm at the end of October';
const MEMBER = 'userId email active firmRole clientRoles { role tenant { slug } }';

interface Member {
  userId: string;
  email: string;
  active: boolean;
  firmRole: string | null;
  clientRoles: { role: string; tenant: { slug: string } }[];
}

/** A new member added by the demo FirmAdmin, with their own signed token. */
async function newMember(email: string, firmRole: string) {
  const r = await as('admin')<{ addFirmMember: Member }>(
    `mutation($e: String!) { addFirmMember(input: { email: $e, displayName: $e, firmRole: ${firmRole} }) { ${MEMBER} } }`,
    { e: email },
  );
  expect(r.errors).toBeUndefined();
  const token = await signLocalToken(t.stack.authPrivateJwk, email);
  return { ...r.data!.addFirmMember, call: gql(t.stack.gatewayUrl, token) };
}

const demoUserId = async (email: string) =>
  (await t.stack.control.pool.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]))
    .rows[0]!.id;

const trail = async (action: string) => {
  const r = await as('admin')<{
    firmAuditEvents: { edges: { node: { actorEmail: string; reason: string | null; after: unknown } }[] };
  }>(
    `query($f: FirmAuditEventFilter) { firmAuditEvents(filter: $f, first: 50) { edges { node { actorEmail reason after } } } }`,
    { f: { action } },
  );
  expect(r.errors).toBeUndefined();
  return r.data!.firmAuditEvents.edges.map((e) => e.node);
};

const activeFirmAdmins = async () =>
  (
    await t.stack.control.pool.query<{ email: string }>(
      `SELECT u.email FROM firm_memberships m JOIN users u ON u.id = m.user_id
        WHERE m.firm_role = 'FirmAdmin' AND u.active ORDER BY u.email`,
    )
  ).rows.map((r) => r.email);

const DEACTIVATE = `mutation($u: ID!, $r: String!) { deactivateFirmMember(userId: $u, reason: $r) { ${MEMBER} } }`;
const REACTIVATE = `mutation($u: ID!, $r: String) { reactivateFirmMember(userId: $u, reason: $r) { ${MEMBER} } }`;

describe('deactivating a member through the gateway', () => {
  it("refuses the member's token at once, keeps their roles, and gives them back on reactivation", async () => {
    const jo = await newMember('jo.deactivated@demo.firm', 'JUNIOR');
    const senior = await as('admin')(
      `mutation($u: ID!) { assignClientRole(userId: $u, tenant: "cafe-boquete", role: SENIOR) { userId } }`,
      { u: jo.userId },
    );
    expect(senior.errors).toBeUndefined();
    expect((await jo.call('{ me { email } }')).data).toEqual({ me: { email: jo.email } });

    // A short reason is refused and nothing is written: the token still works.
    const short = await as('admin')(DEACTIVATE, { u: jo.userId, r: 'moved on' });
    expect(codes(short)).toEqual(['REASON_TOO_SHORT']);
    expect(await trail('membership.deactivated')).toHaveLength(0);
    expect((await jo.call('{ me { email } }')).errors).toBeUndefined();

    const done = await as('admin')<{ deactivateFirmMember: Member }>(DEACTIVATE, { u: jo.userId, r: REASON });
    expect(done.errors).toBeUndefined();
    expect(done.data!.deactivateFirmMember).toMatchObject({
      active: false,
      firmRole: 'JUNIOR',
      clientRoles: [{ role: 'SENIOR', tenant: { slug: 'cafe-boquete' } }],
    });

    // The very next request, with or without a client, is refused with its own code and a 401.
    for (const r of [await jo.call('{ me { email } }'), await jo.call('{ me { email } }')]) {
      expect(r.status).toBe(401);
      expect(codes(r)).toEqual(['MEMBER_DEACTIVATED']);
    }
    const res = await fetch(t.stack.gatewayUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await signLocalToken(t.stack.authPrivateJwk, jo.email)}`,
        'x-tenant': 'cafe-boquete',
      },
      body: JSON.stringify({ query: '{ accounts { code } }' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="cifra", error="invalid_token"');

    // In the firm's trail, with who and why.
    expect(await trail('membership.deactivated')).toEqual([
      expect.objectContaining({
        actorEmail: 'admin@demo.firm',
        reason: REASON,
        after: { email: jo.email, active: false },
      }),
    ]);
    // Deactivating again changes nothing and records nothing.
    const again = await as('admin')<{ deactivateFirmMember: Member }>(DEACTIVATE, {
      u: jo.userId,
      r: REASON,
    });
    expect(again.data!.deactivateFirmMember.active).toBe(false);
    expect(await trail('membership.deactivated')).toHaveLength(1);

    // Reactivated: the same roles apply again from the next request.
    const back = await as('admin')<{ reactivateFirmMember: Member }>(REACTIVATE, { u: jo.userId, r: null });
    expect(back.data!.reactivateFirmMember).toMatchObject({ active: true, firmRole: 'JUNIOR' });
    const onClient = gql(
      t.stack.gatewayUrl,
      await signLocalToken(t.stack.authPrivateJwk, jo.email),
      'cafe-boquete',
    );
    const role = await onClient<{ tenant: { role: string } }>('{ tenant { role } }');
    expect(role.errors).toBeUndefined();
    expect(role.data!.tenant.role).toBe('SENIOR');
    expect(await trail('membership.reactivated')).toEqual([
      expect.objectContaining({ actorEmail: 'admin@demo.firm', after: { email: jo.email, active: true } }),
    ]);
  });

  it('is for a FirmAdmin only, never on oneself, and leaves nothing written when refused', async () => {
    const pat = await newMember('pat.kept@demo.firm', 'JUNIOR');
    for (const who of ['senior', 'junior'] as const) {
      const r = await as(who)(DEACTIVATE, { u: pat.userId, r: REASON });
      expect(codes(r), who).toEqual(['FORBIDDEN']);
    }
    const self = await as('admin')(DEACTIVATE, { u: await demoUserId('admin@demo.firm'), r: REASON });
    expect(codes(self)).toEqual(['SELF_ACCESS_CHANGE']);
    const unknown = await as('admin')(DEACTIVATE, { u: '00000000-0000-4000-8000-000000000000', r: REASON });
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    const bad = await as('admin')(DEACTIVATE, { u: "x'; DROP TABLE users; --", r: REASON });
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect((await pat.call('{ me { email } }')).errors).toBeUndefined();
    expect(await activeFirmAdmins()).toEqual(['admin@demo.firm']);
    // Nor may a Senior reactivate someone.
    const reactivate = await as('senior')(REACTIVATE, { u: pat.userId, r: null });
    expect(codes(reactivate)).toEqual(['FORBIDDEN']);
  });

  it('two FirmAdmins deactivating each other at the same moment: exactly one succeeds', async () => {
    const adminId = await demoUserId('admin@demo.firm');
    for (let round = 0; round < 3; round++) {
      const x = await newMember(`x${round}.admin@demo.firm`, 'FIRM_ADMIN');
      const y = await newMember(`y${round}.admin@demo.firm`, 'FIRM_ADMIN');
      // The demo FirmAdmin steps aside: x and y are the firm's only active FirmAdmins.
      const aside = await x.call(DEACTIVATE, { u: adminId, r: REASON });
      expect(aside.errors).toBeUndefined();
      expect(await activeFirmAdmins()).toEqual([x.email, y.email].sort());

      const [byX, byY] = (await Promise.all([
        x.call(DEACTIVATE, { u: y.userId, r: REASON }),
        y.call(DEACTIVATE, { u: x.userId, r: REASON }),
      ])) as GqlResult<{ deactivateFirmMember: Member }>[];
      const won = [byX, byY].filter((r) => r!.data?.deactivateFirmMember);
      const lost = [byX, byY].filter((r) => !r!.data?.deactivateFirmMember);
      expect(won).toHaveLength(1);
      expect(lost.flatMap((r) => codes(r!))).toEqual(['MEMBER_DEACTIVATED']);
      const survivor = byX!.data?.deactivateFirmMember ? x : y;
      expect(await activeFirmAdmins()).toEqual([survivor.email]);

      // The survivor brings the demo FirmAdmin back.
      const back = await survivor.call(REACTIVATE, { u: adminId, r: null });
      expect(back.errors).toBeUndefined();
      expect((await as('admin')('{ me { email } }')).errors).toBeUndefined();
      // …who deactivates the survivor: the next round starts with the demo FirmAdmin alone.
      expect((await as('admin')(DEACTIVATE, { u: survivor.userId, r: REASON })).errors).toBeUndefined();
      expect(await activeFirmAdmins()).toEqual(['admin@demo.firm']);
    }
  });
});
