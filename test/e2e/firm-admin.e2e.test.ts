import { signLocalToken } from '@cifra/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientToday } from '../support/books-year.ts';
import { codes, gql, type Nodes, nodes } from '../support/client.ts';
import { type DemoUser, startTestStack, type TestStack } from '../support/stack.ts';

let harness: TestStack;

beforeAll(async () => {
  harness = await startTestStack();
});

afterAll(() => harness?.close());

const as = (who: DemoUser, tenant?: string) => harness.as(who, tenant);
const REASON = 'Engagement on this client ended in November';

interface Member {
  userId: string;
  email: string;
  firmRole: string | null;
  clientRoles: { tenant: { slug: string }; role: string }[];
}
const MEMBER = 'userId email firmRole clientRoles { tenant { slug } role }';

async function member(email: string): Promise<Member> {
  const r = await as('admin')<{ firmMembersConnection: Nodes<Member> }>(
    `query($s: String) { firmMembersConnection(search: $s) { edges { node { ${MEMBER} } } } }`,
    { s: email },
  );
  const found = nodes(r.data?.firmMembersConnection).find((m) => m.email === email);
  if (!found) throw new Error(`no member ${email}: ${JSON.stringify(r.errors)}`);
  return found;
}

/** Rows of the control plane, as its owner. */
async function controlRows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await harness.stack.control.pool.query(sql, params)).rows as T[];
}
const eventCount = async () =>
  (await controlRows<{ n: number }>('SELECT count(*)::int AS n FROM audit_events'))[0]!.n;

const POST = `mutation Post($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id } }`;
const entry = () => ({
  input: {
    postingDate: clientToday(),
    memo: 'firm admin e2e',
    lines: [
      { accountCode: '1110', debit: '10.00' },
      { accountCode: '4101', credit: '10.00' },
    ],
  },
});

describe('memberships and roles through the gateway', () => {
  it('lists the firm members for a FirmAdmin, and refuses a Junior', async () => {
    const client = await member('client@demo.firm');
    expect(client).toMatchObject({
      firmRole: null,
      clientRoles: [{ tenant: { slug: 'cafe-boquete' }, role: 'CLIENT_READ_ONLY' }],
    });
    const junior = await as('junior')('{ firmMembersConnection { edges { node { email } } } }');
    expect(codes(junior)).toEqual(['FORBIDDEN']);
  });

  it('a revoked client role is refused on the very next request', async () => {
    const client = await member('client@demo.firm');
    const before = await as('client', 'cafe-boquete')('{ accounts { code } }');
    expect(before.errors).toBeUndefined();

    const events = await eventCount();
    const short = await as('admin')(
      `mutation { revokeClientRole(userId: "${client.userId}", tenant: "cafe-boquete", reason: "bye") { email } }`,
    );
    expect(codes(short)).toEqual(['REASON_TOO_SHORT']);
    expect(await eventCount()).toBe(events);
    expect((await as('client', 'cafe-boquete')('{ accounts { code } }')).errors).toBeUndefined();

    const r = await as('admin')<{ revokeClientRole: Member }>(
      `mutation($u: ID!, $r: String!) { revokeClientRole(userId: $u, tenant: "cafe-boquete", reason: $r) { ${MEMBER} } }`,
      { u: client.userId, r: REASON },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.revokeClientRole.clientRoles).toEqual([]);
    const after = await as('client', 'cafe-boquete')('{ accounts { code } }');
    expect(after.status).toBe(403);
    expect(codes(after)).toEqual(['FORBIDDEN']);
    const me = await as('client')<{ me: { tenantsConnection: Nodes<{ slug: string }> } }>(
      '{ me { tenantsConnection { edges { node { slug } } } } }',
    );
    expect(nodes(me.data?.me.tenantsConnection)).toEqual([]);

    const [event] = await controlRows(
      `SELECT action, actor_email, reason, before, tenant_id FROM audit_events ORDER BY chain_seq DESC LIMIT 1`,
    );
    expect(event).toMatchObject({
      action: 'membership.client_role_revoked',
      actor_email: 'admin@demo.firm',
      reason: REASON,
      before: { role: 'ClientReadOnly', tenant: 'cafe-boquete' },
    });

    // And granted again: usable on the next request.
    const again = await as('admin')(
      `mutation($u: ID!) { assignClientRole(userId: $u, tenant: "cafe-boquete", role: CLIENT_READ_ONLY) { email } }`,
      { u: client.userId },
    );
    expect(again.errors).toBeUndefined();
    expect((await as('client', 'cafe-boquete')('{ accounts { code } }')).errors).toBeUndefined();
  });

  it('a demoted senior loses posting on the next request', async () => {
    const senior = await member('senior@demo.firm');
    const posted = await as('senior', 'ferreteria-colon')(POST, entry());
    expect(posted.errors).toBeUndefined();

    const r = await as('admin')<{ changeFirmRole: Member }>(
      `mutation($u: ID!, $r: String!) { changeFirmRole(userId: $u, role: JUNIOR, reason: $r) { ${MEMBER} } }`,
      { u: senior.userId, r: REASON },
    );
    expect(r.data?.changeFirmRole.firmRole).toBe('JUNIOR');
    const refused = await as('senior', 'ferreteria-colon')(POST, entry());
    expect(codes(refused)).toEqual(['FORBIDDEN']);
    const me = await as('senior')<{ me: { firmRole: string } }>('{ me { firmRole } }');
    expect(me.data?.me.firmRole).toBe('JUNIOR');

    const restored = await as('admin')(
      `mutation($u: ID!) { changeFirmRole(userId: $u, role: SENIOR) { firmRole } }`,
      {
        u: senior.userId,
      },
    );
    expect(restored.errors).toBeUndefined();
    expect((await as('senior', 'ferreteria-colon')(POST, entry())).errors).toBeUndefined();
  });

  it('refuses a senior granting FirmAdmin, and the last FirmAdmin removing themself', async () => {
    const events = await eventCount();
    const up = await as('senior')(
      `mutation { addFirmMember(input: { email: "boss2@demo.firm", displayName: "Boss 2", firmRole: FIRM_ADMIN }) { email } }`,
    );
    expect(codes(up)).toEqual(['FORBIDDEN']);
    const admin = await member('admin@demo.firm');
    const last = await as('admin')(
      `mutation($u: ID!, $r: String!) { removeFirmMember(userId: $u, reason: $r) { email } }`,
      {
        u: admin.userId,
        r: REASON,
      },
    );
    expect(codes(last)).toEqual(['SELF_ACCESS_CHANGE']);
    expect(await eventCount()).toBe(events);
    expect(
      (await as('admin')('{ firmMembersConnection { edges { node { email } } } }')).errors,
    ).toBeUndefined();
  });

  it('adds a member who can then sign in, with the firm-wide role given', async () => {
    const r = await as('senior')<{ addFirmMember: Member }>(
      `mutation { addFirmMember(input: { email: "Nueva@Demo.Firm", displayName: "Nueva", firmRole: JUNIOR }) { ${MEMBER} } }`,
    );
    expect(r.data?.addFirmMember).toMatchObject({ email: 'nueva@demo.firm', firmRole: 'JUNIOR' });
    const token = await signLocalToken(harness.stack.authPrivateJwk, 'nueva@demo.firm');
    const me = await gql(
      harness.stack.gatewayUrl,
      token,
    )<{ me: { tenantsConnection: Nodes<{ role: string }> } }>(
      '{ me { tenantsConnection { edges { node { role } } } } }',
    );
    expect(nodes(me.data?.me.tenantsConnection)).toHaveLength(5);
    expect(new Set(nodes(me.data?.me.tenantsConnection).map((t) => t.role))).toEqual(new Set(['JUNIOR']));
  });
});

describe('settings through the gateway', () => {
  it("a client's override wins over the firm's value, and clearing it falls back", async () => {
    const WL = `{ tenant { whiteLabel { brandColor } settings {
      overrides { brandColor fxStalenessDays fxVarianceMode }
      effective { fxStalenessDays fxVarianceMode fxCurrencies closeOverdueDays } } } }`;
    const set = await as('admin')(
      `mutation { updateClientSettings(tenant: "clinica-costa", set: { brandColor: "#123456", fxStalenessDays: 3 }) { slug } }`,
    );
    expect(set.errors).toBeUndefined();
    const after = await as(
      'admin',
      'clinica-costa',
    )<{
      tenant: {
        whiteLabel: { brandColor: string };
        settings: { overrides: Record<string, unknown>; effective: Record<string, unknown> };
      };
    }>(WL);
    expect(after.data?.tenant.whiteLabel.brandColor).toBe('#123456');
    expect(after.data?.tenant.settings.overrides).toEqual({
      brandColor: '#123456',
      fxStalenessDays: 3,
      fxVarianceMode: null,
    });
    expect(after.data?.tenant.settings.effective).toMatchObject({
      fxStalenessDays: 3,
      fxVarianceMode: 'SIMPLE',
      closeOverdueDays: 10,
    });
    expect(after.data?.tenant.settings.effective.fxCurrencies).toEqual(expect.any(Array));

    const bad = await as('admin')(
      `mutation { updateClientSettings(tenant: "clinica-costa", set: { brandColor: "blue" }) { slug } }`,
    );
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors?.[0]?.extensions?.field).toBe('set.brandColor');
    // A setting given as null is refused (clearing is explicit), as is a value of the wrong type.
    const nulled = await as('admin')(
      `mutation { updateClientSettings(tenant: "clinica-costa", set: { fxStalenessDays: null }) { slug } }`,
    );
    expect(codes(nulled)).toEqual(['BAD_USER_INPUT']);
    const outOfRange = await as('admin')(
      `mutation { updateClientSettings(tenant: "clinica-costa", set: { fxStalenessDays: 400 }) { slug } }`,
    );
    expect(codes(outOfRange)).toEqual(['BAD_USER_INPUT']);
    // A refresh list names currencies a provider can quote: ISO 4217 codes this system knows.
    const unknownCurrency = await as('admin')(
      `mutation { updateClientSettings(tenant: "clinica-costa", set: { fxCurrencies: ["EUR", "ZZZ"] }) { slug } }`,
    );
    expect(codes(unknownCurrency)).toEqual(['BAD_USER_INPUT']);
    expect(unknownCurrency.errors?.[0]?.message).toContain('not an ISO 4217 currency');

    await as('admin')(
      `mutation { updateFirmSettings(set: { brandColor: "#0A0A0A" }, reason: "Rebrand") { brandColor } }`,
    );
    await as('admin')(
      `mutation { updateClientSettings(tenant: "clinica-costa", clear: [BRAND_COLOR]) { slug } }`,
    );
    const cleared = await as(
      'admin',
      'clinica-costa',
    )<{ tenant: { whiteLabel: { brandColor: string } } }>(WL);
    expect(cleared.data?.tenant.whiteLabel.brandColor).toBe('#0A0A0A');
    const firm = await as('admin')<{ firmSettings: Record<string, unknown> }>(
      '{ firmSettings { brandColor } }',
    );
    expect(firm.data?.firmSettings).toMatchObject({ brandColor: '#0A0A0A' });
  });

  it('takes a logo only as an https: URL or a PNG or JPEG data: URL, nothing written otherwise', async () => {
    for (const logo of [
      'javascript:alert(document.cookie)',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=',
      'http://logos.example.test/boquete.png',
      ' https://logos.example.test/boquete.png',
    ]) {
      const r = await as('admin')(
        'mutation($v: SettingsInput!) { updateClientSettings(tenant: "clinica-costa", set: $v) { slug } }',
        { v: { logoUrl: logo } },
      );
      expect(codes(r), logo).toEqual(['BAD_USER_INPUT']);
      expect(r.errors?.[0]?.extensions?.field).toBe('set.logoUrl');
      const firm = await as('admin')(
        'mutation($v: SettingsInput!) { updateFirmSettings(set: $v) { logoUrl } }',
        {
          v: { logoUrl: logo },
        },
      );
      expect(codes(firm), logo).toEqual(['BAD_USER_INPUT']);
    }
    const WL = '{ tenant { whiteLabel { logoUrl } } }';
    const before = await as(
      'admin',
      'clinica-costa',
    )<{ tenant: { whiteLabel: { logoUrl: string | null } } }>(WL);
    expect(before.data?.tenant.whiteLabel.logoUrl).toBeNull();

    const https = 'https://logos.example.test/clinica.png';
    const ok = await as('admin')(
      'mutation($v: SettingsInput!) { updateClientSettings(tenant: "clinica-costa", set: $v) { slug } }',
      { v: { logoUrl: https } },
    );
    expect(ok.errors).toBeUndefined();
    const after = await as(
      'admin',
      'clinica-costa',
    )<{ tenant: { whiteLabel: { logoUrl: string | null } } }>(WL);
    expect(after.data?.tenant.whiteLabel.logoUrl).toBe(https);
    await as('admin')(
      'mutation { updateClientSettings(tenant: "clinica-costa", clear: [LOGO_URL]) { slug } }',
    );
  });

  it('refuses settings to a Senior', async () => {
    const r = await as('senior')(
      `mutation { updateFirmSettings(set: { brandColor: "#000000" }) { brandColor } }`,
    );
    expect(codes(r)).toEqual(['FORBIDDEN']);
    const s = await as(
      'senior',
      'clinica-costa',
    )('{ tenant { settings { effective { fxStalenessDays } } } }');
    expect(codes(s)).toEqual(['FORBIDDEN']);
  });
});

describe("the firm's own trail through the gateway", () => {
  const EVENTS = `query($f: FirmAuditEventFilter) { firmAuditEvents(filter: $f, first: 20) {
    edges { node { action actorEmail entityType entityId reason before after tenant { slug } } }
    pageInfo { hasNextPage } } }`;
  type Events = {
    firmAuditEvents: {
      edges: {
        node: {
          action: string;
          actorEmail: string;
          entityType: string;
          entityId: string;
          reason: string | null;
          before: Record<string, unknown> | null;
          tenant: { slug: string } | null;
        };
      }[];
    };
  };

  it('lists the membership and settings changes above, with reasons, for the FirmAdmin and the reviewer', async () => {
    for (const who of ['admin', 'reviewer'] as const) {
      const r = await as(who)<Events>(EVENTS, { f: { action: 'membership.client_role_revoked' } });
      expect(r.errors).toBeUndefined();
      expect(r.data!.firmAuditEvents.edges.map((e) => e.node)).toEqual([
        expect.objectContaining({
          action: 'membership.client_role_revoked',
          actorEmail: 'admin@demo.firm',
          entityType: 'TenantRoleAssignment',
          reason: REASON,
          tenant: { slug: 'cafe-boquete' },
        }),
      ]);
    }
    const settings = await as('admin')<Events>(EVENTS, { f: { tenant: 'clinica-costa' } });
    expect(settings.data!.firmAuditEvents.edges.map((e) => e.node.action)).toContain(
      'tenant.settings_updated',
    );
    // Provisioning of the demo clients is in the firm's trail too.
    const provisioned = await as('admin')<Events>(EVENTS, { f: { action: 'tenant.provisioned' } });
    expect(provisioned.data!.firmAuditEvents.edges).toHaveLength(5);
  });

  it("resolves a client's firm-level events from the client, through federation", async () => {
    const r = await as(
      'admin',
      'cafe-boquete',
    )<{
      tenant: { slug: string; firmAuditEvents: { edges: { node: { action: string } }[] } };
    }>('{ tenant { slug firmAuditEvents(first: 50) { edges { node { action } } } } }');
    expect(r.errors).toBeUndefined();
    const actions = r.data!.tenant.firmAuditEvents.edges.map((e) => e.node.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'membership.client_role_revoked',
        'membership.client_role_assigned',
        'tenant.provisioned',
      ]),
    );
    expect(actions).not.toContain('tenant.settings_updated'); // that one was clinica-costa's
  });

  it("answers a membership's history with who and why, and verifies the chain", async () => {
    const client = await member('client@demo.firm');
    const [t] = await controlRows<{ id: string }>(`SELECT id FROM tenants WHERE slug = 'cafe-boquete'`);
    const r = await as('reviewer')<{
      firmHistoryConnection: Nodes<{
        operation: string;
        actorEmail: string | null;
        reason: string | null;
        data: { role: string };
      }>;
      verifyFirmAuditChain: { ok: boolean; checked: number; headSeq: string };
    }>(
      `query($id: ID!) { firmHistoryConnection(entityType: "TenantRoleAssignment", entityId: $id) { edges { node { operation actorEmail reason data } } }
         verifyFirmAuditChain { ok checked headSeq } }`,
      { id: `${t!.id}:${client.userId}` },
    );
    expect(r.errors).toBeUndefined();
    expect(
      nodes(r.data!.firmHistoryConnection).map((v) => [v.operation, v.actorEmail, v.reason, v.data.role]),
    ).toEqual([
      ['INSERT', 'system@cifra', 'demo seed', 'ClientReadOnly'],
      ['DELETE', 'admin@demo.firm', REASON, 'ClientReadOnly'],
      ['INSERT', 'admin@demo.firm', null, 'ClientReadOnly'],
    ]);
    expect(r.data!.verifyFirmAuditChain.ok).toBe(true);
    expect(r.data!.verifyFirmAuditChain.checked).toBe(await eventCount());
  });

  it('finds a firm-level event tampered with by a superuser', async () => {
    const pool = harness.stack.control.pool;
    await pool.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
    try {
      await pool.query(
        `UPDATE audit_events SET reason = 'nothing to see' WHERE action = 'membership.client_role_revoked'`,
      );
    } finally {
      await pool.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    }
    const r = await as('admin')<{
      verifyFirmAuditChain: { ok: boolean; firstBrokenLink: { problem: string; event: { action: string } } };
    }>('{ verifyFirmAuditChain { ok firstBrokenLink { problem event { action } } } }');
    expect(r.data!.verifyFirmAuditChain).toEqual({
      ok: false,
      firstBrokenLink: { problem: 'HASH_MISMATCH', event: { action: 'membership.client_role_revoked' } },
    });
  });

  it('keeps no server password where the services role can read it', async () => {
    const rows = await controlRows<{ admin_url: string }>('SELECT admin_url FROM db_servers');
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the stored URL names its secret as ${NAME}, literally
      expect(new URL(r.admin_url.replace('${DB_ADMIN_PASSWORD}', 'x')).password).toBe('x');
    }
  });

  it('is refused to roles without Audit.ReadFirm', async () => {
    for (const who of ['senior', 'junior', 'client'] as const) {
      expect(codes(await as(who)('{ firmAuditEvents { edges { node { action } } } }'))).toEqual([
        'FORBIDDEN',
      ]);
      expect(codes(await as(who)('{ verifyFirmAuditChain { ok } }'))).toEqual(['FORBIDDEN']);
    }
  });
});
