import { createHash } from 'node:crypto';
import { signLocalToken } from '@cifra/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, type GqlResult, gql } from '../support/client.ts';
import { ENTRY, entryInput, partnerKit } from '../support/integrations.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Nobody gives an integration power on a client they could not act on themself (docs/partners.md,
 * "Who may give an integration power"): a firm admin walled off a client, or only reading it, may
 * not take a secret for, resume, publish documents for, or open up an integration granted there,
 * nor take a grant there away; whoever holds what it is granted may. A refusal writes nothing.
 */

const WHY = 'conflict of interest with the owner of this client';
let t: TestStack;
let asOther: ReturnType<typeof gql>;
let entityKey: string;
/** The client id of the entity key's secret. */
let keySecret: string;
let partner: string;

const ok = <T>(r: GqlResult<T>): T => {
  expect(r.errors).toBeUndefined();
  return r.data as T;
};

/** The integration's secrets and its grants' clients, as the firm admin who sees everything reads them. */
async function stateOf(id: string) {
  const r = await t.as('admin')<{
    integrations: {
      id: string;
      allowArbitraryDocuments: boolean;
      status: string;
      secrets: { clientId: string; revokedAt: string | null }[];
      grants: { tenant: { slug: string } }[];
      firmGrant: { permissions: string[] } | null;
      trustedDocumentVersions: { appVersion: string; retiredAt: string | null }[];
    }[];
  }>(
    `{ integrations { id status allowArbitraryDocuments secrets { clientId revokedAt } grants { tenant { slug } }
       firmGrant { permissions } trustedDocumentVersions { appVersion retiredAt } } }`,
  );
  const found = ok(r).integrations.find((i) => i.id === id);
  if (!found) throw new Error(`no integration ${id}`);
  return {
    status: found.status,
    arbitrary: found.allowArbitraryDocuments,
    secrets: found.secrets.length,
    revoked: found.secrets.filter((s) => s.revokedAt).length,
    grants: found.grants.map((g) => g.tenant.slug).sort(),
    firmGrant: found.firmGrant,
    documents: found.trustedDocumentVersions,
  };
}

/** The firm's trail about one integration, as stored (control plane). */
async function trailOf(id: string) {
  const { rows } = await t.stack.control.pool.query(
    'SELECT id::text, action FROM audit_events WHERE entity_id = $1 ORDER BY id',
    [id],
  );
  return rows;
}

beforeAll(async () => {
  t = await startTestStack();
  const added = ok(
    await t.as('admin')<{ addFirmMember: { userId: string } }>(
      'mutation { addFirmMember(input: { email: "admin2@demo.firm", displayName: "Admin Two", firmRole: FIRM_ADMIN }) { userId } }',
    ),
  );
  const assign =
    'mutation($u: ID!, $t: String!, $r: RoleCluster!, $why: String) { assignClientRole(userId: $u, tenant: $t, role: $r, reason: $why) { userId } }';
  ok(
    await t.as('admin')(assign, {
      u: added.addFirmMember.userId,
      t: 'clinica-costa',
      r: 'NO_ACCESS',
      why: WHY,
    }),
  );
  ok(
    await t.as('admin')(assign, {
      u: added.addFirmMember.userId,
      t: 'ferreteria-colon',
      r: 'CLIENT_READ_ONLY',
      why: WHY,
    }),
  );
  asOther = gql(t.stack.gatewayUrl, await signLocalToken(t.stack.authPrivateJwk, 'admin2@demo.firm'));
  entityKey = ok(
    await t.as('admin')<{ createEntityKey: { id: string } }>(
      'mutation { createEntityKey(input: { tenant: "clinica-costa", name: "Clinic BI", contact: "it@clinic.example", access: READ_ONLY }) { id } }',
    ),
  ).createEntityKey.id;
  keySecret = ok(
    await t.as('admin')<{ createIntegrationSecret: { clientId: string } }>(SECRET, { i: entityKey }),
  ).createIntegrationSecret.clientId;
  ok(
    await t.as('admin')(
      'mutation($i: ID!, $m: JSON!) { publishTrustedDocuments(integrationId: $i, appVersion: "1.0.0", manifest: $m) { appVersion } }',
      { i: entityKey, m: MANIFEST },
    ),
  );
  partner = ok(
    await t.as('admin')<{ createIntegration: { id: string } }>(
      'mutation { createIntegration(input: { name: "Bookkeeping app", contact: "dev@partner.example" }) { id } }',
    ),
  ).createIntegration.id;
  ok(
    await t.as('admin')(
      'mutation($i: ID!) { grantIntegrationAccess(integrationId: $i, tenant: "ferreteria-colon", permissions: ["GL.Read", "GL.Post"]) { permissions } }',
      { i: partner },
    ),
  );
});
afterAll(() => t?.close());

const SECRET = 'mutation($i: ID!) { createIntegrationSecret(integrationId: $i) { clientId secret } }';
const ARBITRARY =
  'mutation($i: ID!, $a: Boolean!) { allowArbitraryDocuments(integrationId: $i, allow: $a, reason: "debugging the connector with the partner") { id } }';
const DOCUMENT = '{ accounts { code } }';
const MANIFEST = { [`sha256:${createHash('sha256').update(DOCUMENT).digest('hex')}`]: DOCUMENT };

/** A well-formed id no integration has. */
const UNKNOWN = '00000000-0000-4000-8000-00000000dead';
const PAUSE = 'the clinic asked us to pause it';
/** What a mutation answers about the integration: the walled client's part, if it leaks. */
const ABOUT = 'id name contact status grants { tenant { slug } permissions }';

/** Every operation naming an integration by id, with its variables for the id `i`. */
const NAMING: [string, string, (i: string) => Record<string, unknown>][] = [
  [
    'suspend',
    `mutation($i: ID!) { suspendIntegration(id: $i, reason: "${PAUSE}") { ${ABOUT} } }`,
    (i) => ({ i }),
  ],
  ['resume', `mutation($i: ID!) { resumeIntegration(id: $i) { ${ABOUT} } }`, (i) => ({ i })],
  [
    'delete',
    `mutation($i: ID!) { deleteIntegration(id: $i, reason: "${PAUSE}") { ${ABOUT} } }`,
    (i) => ({ i }),
  ],
  ['secret', SECRET, (i) => ({ i })],
  [
    'revoke secret',
    `mutation($i: ID!, $c: String!) { revokeIntegrationSecret(integrationId: $i, clientId: $c, reason: "${PAUSE}") { clientId } }`,
    (i) => ({ i, c: keySecret }),
  ],
  [
    'grant',
    'mutation($i: ID!) { grantIntegrationAccess(integrationId: $i, tenant: "cafe-boquete", permissions: ["GL.Read"]) { permissions } }',
    (i) => ({ i }),
  ],
  [
    'revoke grant',
    `mutation($i: ID!) { revokeIntegrationAccess(integrationId: $i, tenant: "clinica-costa", reason: "${PAUSE}") { ${ABOUT} } }`,
    (i) => ({ i }),
  ],
  [
    'firm grant',
    'mutation($i: ID!) { grantIntegrationFirmAccess(integrationId: $i, permissions: ["Firm.Dashboard"]) { id name } }',
    (i) => ({ i }),
  ],
  [
    'revoke firm grant',
    `mutation($i: ID!) { revokeIntegrationFirmAccess(integrationId: $i, reason: "${PAUSE}") { id name } }`,
    (i) => ({ i }),
  ],
  [
    'publish',
    'mutation($i: ID!, $m: JSON!) { publishTrustedDocuments(integrationId: $i, appVersion: "2.0.0", manifest: $m) { appVersion } }',
    (i) => ({ i, m: MANIFEST }),
  ],
  [
    'retire',
    `mutation($i: ID!) { retireTrustedDocuments(integrationId: $i, appVersion: "1.0.0", reason: "${PAUSE}") { appVersion } }`,
    (i) => ({ i }),
  ],
  ['arbitrary on', ARBITRARY, (i) => ({ i, a: true })],
  ['arbitrary off', ARBITRARY, (i) => ({ i, a: false })],
  ['integration', `query($i: ID!) { integration(id: $i) { ${ABOUT} } }`, (i) => ({ i })],
  [
    'usage',
    'query($i: ID!) { integrationUsage(integrationId: $i, from: "2026-01-01", to: "2026-01-31") { requests } }',
    (i) => ({ i }),
  ],
];

/** An answer as a caller sees it: its data, and each error's code and words. */
const seen = (r: GqlResult<unknown>) => ({
  data: r.data,
  errors: (r.errors ?? []).map((e) => ({ code: e.extensions?.code, message: e.message })),
});

describe('an admin walled off a client', () => {
  it('is answered about the client’s entity key as about an unknown id, by every operation, and writes nothing', async () => {
    const before = await stateOf(entityKey);
    const trail = await trailOf(entityKey);
    expect(
      codes(await asOther('{ entityKeysConnection(tenant: "clinica-costa") { edges { node { id } } } }')),
    ).toEqual(['FORBIDDEN']);
    for (const [what, operation, variables] of NAMING) {
      const walled = seen(await asOther(operation, variables(entityKey)));
      expect({ what, ...walled }).toEqual({ what, ...seen(await asOther(operation, variables(UNKNOWN))) });
      expect(JSON.stringify(walled)).not.toContain('Clinic BI');
    }
    expect(await stateOf(entityKey)).toEqual(before);
    expect(await trailOf(entityKey)).toEqual(trail);
    // Whoever sees the client still manages its key.
    ok(await t.as('admin')(NAMING[0]![1], { i: entityKey }));
    ok(await t.as('admin')(NAMING[1]![1], { i: entityKey }));
    expect(await stateOf(entityKey)).toEqual(before);
  });
});

describe('an admin who only reads a client', () => {
  it('takes no secret for an integration that posts there; the admin who may post does', async () => {
    const refused = await asOther(SECRET, { i: partner });
    expect(codes(refused)).toEqual(['FORBIDDEN']);
    expect(refused.errors?.[0]?.extensions?.permissions).toEqual(['GL.Post']);
    expect((await stateOf(partner)).secrets).toBe(0);
    const made = ok(
      await t.as('admin')<{ createIntegrationSecret: { secret: string } }>(SECRET, { i: partner }),
    );
    expect(made.createIntegrationSecret.secret.length).toBeGreaterThan(20);
    expect(codes(await asOther(ARBITRARY, { i: partner, a: true }))).toEqual(['FORBIDDEN']);
    ok(await t.as('admin')(ARBITRARY, { i: partner, a: true }));
    // Taking the power away again is anyone's who manages integrations.
    ok(await asOther(ARBITRARY, { i: partner, a: false }));
    expect(await stateOf(partner)).toMatchObject({
      secrets: 1,
      arbitrary: false,
      grants: ['ferreteria-colon'],
    });
  });
});

describe("a walled client's private fields, reached through the firm's lists", () => {
  const PRIVATE = 'Clínica Costa (private name)';
  const TENANT_FIELDS =
    'slug settings { overrides { displayName receiptToleranceMinor } } whiteLabel { displayName }';
  type Reached = {
    slug: string;
    settings: { overrides: { displayName: string | null } } | null;
    whiteLabel: { displayName: string } | null;
  };

  /** The Tenant objects of an answer that name `slug`, and the answer's refusals there. */
  const refusedAt = (r: GqlResult<unknown>, slug: string, reached: Reached[]) => {
    const mine = reached.filter((x) => x.slug === slug);
    expect(mine.length).toBeGreaterThan(0);
    for (const x of mine) expect(x).toMatchObject({ settings: null, whiteLabel: null });
    expect(JSON.stringify(r.data)).not.toContain(PRIVATE);
    const refusals = (r.errors ?? []).filter((e) => e.extensions?.tenant === slug);
    expect(refusals.map((e) => e.extensions?.code)).toEqual(mine.flatMap(() => ['FORBIDDEN', 'FORBIDDEN']));
    expect(codes(r).every((c) => c === 'FORBIDDEN')).toBe(true);
  };

  beforeAll(async () => {
    ok(
      await t.as('admin')(
        'mutation($n: String!) { updateClientSettings(tenant: "clinica-costa", set: { displayName: $n, receiptToleranceMinor: 7 }) { slug } }',
        { n: PRIVATE },
      ),
    );
    const other = ok(
      await t.as('admin')<{ createIntegration: { id: string } }>(
        'mutation { createIntegration(input: { name: "Clinic lab results", contact: "dev@lab.example" }) { id } }',
      ),
    ).createIntegration.id;
    ok(
      await t.as('admin')(
        'mutation($i: ID!) { grantIntegrationAccess(integrationId: $i, tenant: "clinica-costa", permissions: ["GL.Read"]) { permissions } }',
        { i: other },
      ),
    );
  });

  it("answers a member's client role on it FORBIDDEN for its settings and white label", async () => {
    const r = await asOther<{
      firmMembersConnection: { edges: { node: { clientRoles: { tenant: Reached }[] } }[] };
    }>(
      `{ firmMembersConnection(first: 20) { edges { node { email clientRoles { role tenant { ${TENANT_FIELDS} } } } } } }`,
    );
    const reached = (r.data?.firmMembersConnection.edges ?? []).flatMap((e) =>
      e.node.clientRoles.map((c) => c.tenant),
    );
    refusedAt(r, 'clinica-costa', reached);
    // A client the admin only reads is no wall: its settings answer.
    expect(reached.find((x) => x.slug === 'ferreteria-colon')?.settings).not.toBeNull();
    const admin = await t.as('admin')(
      `{ firmMembersConnection(first: 20) { edges { node { clientRoles { tenant { ${TENANT_FIELDS} } } } } } }`,
    );
    expect(admin.errors).toBeUndefined();
    expect(JSON.stringify(admin.data)).toContain(PRIVATE);
  });

  it("leaves an integration's grant on it out of the integration's grants", async () => {
    const GRANTS = `{ integrations { grants { tenant { ${TENANT_FIELDS} } } } }`;
    const slugs = (r: GqlResult<{ integrations: { grants: { tenant: Reached }[] }[] }>) =>
      (r.data?.integrations ?? []).flatMap((i) => i.grants.map((g) => g.tenant.slug));
    const r = await asOther<{ integrations: { grants: { tenant: Reached }[] }[] }>(GRANTS);
    expect(r.errors).toBeUndefined();
    expect(slugs(r)).not.toContain('clinica-costa');
    expect(JSON.stringify(r.data)).not.toContain(PRIVATE);
    const admin = await t.as('admin')<{ integrations: { grants: { tenant: Reached }[] }[] }>(GRANTS);
    expect(slugs(admin)).toContain('clinica-costa');
  });
});

describe('a partner granted on a walled client and on one the admin sees', () => {
  const { partner: withSecret } = partnerKit(() => t);
  const WHOLE = 'id name grants { tenant { slug } permissions }';
  type Whole = { id: string; name: string; grants: { tenant: { slug: string } }[] };
  const slugsOf = (i: Whole | null | undefined) => (i?.grants ?? []).map((g) => g.tenant.slug).sort();

  it('is shown and managed without its walled part, which nothing the admin does changes', async () => {
    const p = await withSecret('Spanning sync', ['GL.Read']);
    const id = p.integration.id;
    ok(
      await t.as('admin')(
        'mutation($i: ID!) { grantIntegrationAccess(integrationId: $i, tenant: "clinica-costa", permissions: ["GL.Read"]) { permissions } }',
        { i: id },
      ),
    );
    for (const tenant of ['clinica-costa', 'cafe-boquete'])
      ok(await (await p.call(tenant))('{ accounts { code } }'));

    // Read: the integration, its grants and its usage, but those on the walled client.
    const ONE = `query($i: ID!) { integration(id: $i) { ${WHOLE} } }`;
    expect(slugsOf(ok(await asOther<{ integration: Whole }>(ONE, { i: id })).integration)).toEqual([
      'cafe-boquete',
    ]);
    expect(slugsOf(ok(await t.as('admin')<{ integration: Whole }>(ONE, { i: id })).integration)).toEqual([
      'cafe-boquete',
      'clinica-costa',
    ]);
    const today = new Date().toISOString().slice(0, 10);
    const USAGE = `query($i: ID!) { integrationUsage(integrationId: $i, from: "${today}", to: "${today}") { tenant { slug } } }`;
    const used = async (as: ReturnType<typeof gql>) =>
      ok(await as<{ integrationUsage: { tenant: { slug: string } | null }[] }>(USAGE, { i: id }))
        .integrationUsage.map((u) => u.tenant?.slug)
        .sort();
    expect(await used(asOther)).toEqual(['cafe-boquete']);
    expect(await used(t.as('admin'))).toEqual(['cafe-boquete', 'clinica-costa']);

    // Changed: what acts on the whole integration and keeps its grants (a suspension), answered
    // without the walled part; not its grant there, nor what would end it (deletion) or give it
    // power there (resuming, a secret, the firm's views).
    const before = await stateOf(id);
    const trail = await trailOf(id);
    const suspended = ok(
      await asOther<{ suspendIntegration: Whole }>(
        `mutation($i: ID!) { suspendIntegration(id: $i, reason: "${PAUSE}") { ${WHOLE} } }`,
        { i: id },
      ),
    ).suspendIntegration;
    expect(slugsOf(suspended)).toEqual(['cafe-boquete']);
    expect(await stateOf(id)).toEqual({ ...before, status: 'SUSPENDED' });
    const after = await trailOf(id);
    const whole = [
      await asOther(`mutation($i: ID!) { deleteIntegration(id: $i, reason: "${PAUSE}") { id } }`, { i: id }),
      await asOther('mutation($i: ID!) { resumeIntegration(id: $i) { id } }', { i: id }),
      await asOther(SECRET, { i: id }),
      await asOther(
        'mutation($i: ID!) { grantIntegrationFirmAccess(integrationId: $i, permissions: ["Firm.Dashboard"]) { id } }',
        { i: id },
      ),
    ];
    for (const refused of whole) {
      expect(codes(refused)).toEqual(['FORBIDDEN']);
      // A refusal about the whole integration does not name the walled client.
      expect(JSON.stringify(refused.errors)).not.toContain('clinica-costa');
    }
    const grantThere = await asOther(
      `mutation($i: ID!) { revokeIntegrationAccess(integrationId: $i, tenant: "clinica-costa", reason: "${PAUSE}") { id } }`,
      { i: id },
    );
    expect(codes(grantThere)).toEqual(['FORBIDDEN']);
    expect(await stateOf(id)).toEqual({ ...before, status: 'SUSPENDED' });
    expect((await trailOf(id)).length).toBe(after.length);
    expect(after.length).toBe(trail.length + 1);
    ok(await t.as('admin')('mutation($i: ID!) { resumeIntegration(id: $i) { id } }', { i: id }));
    // Resuming it once it is active again is refused alike, not answered as a no-op.
    const again = await asOther('mutation($i: ID!) { resumeIntegration(id: $i) { id } }', { i: id });
    expect(codes(again)).toEqual(['FORBIDDEN']);
    expect(again.errors?.[0]?.message).toBe(whole[1]?.errors?.[0]?.message);
    ok(
      await asOther(
        `mutation($i: ID!) { revokeIntegrationAccess(integrationId: $i, tenant: "cafe-boquete", reason: "${PAUSE}") { id } }`,
        { i: id },
      ),
    );
    expect(await stateOf(id)).toEqual({ ...before, grants: ['clinica-costa'] });
  });
});

describe('a grant on an archived client', () => {
  const ARCHIVE = 'mutation($t: String!, $r: String!) { archiveClient(tenant: $t, reason: $r) { archived } }';
  const UNARCHIVE =
    'mutation($t: String!, $r: String!) { unarchiveClient(tenant: $t, reason: $r) { archived } }';
  const { partner } = partnerKit(() => t);
  /** Until the answer is not TENANT_UNAVAILABLE: a pooled connection the archive ended may fail one. */
  const settled = async <T>(ask: () => Promise<GqlResult<T>>): Promise<GqlResult<T>> => {
    for (let attempt = 0; ; attempt++) {
      const r = await ask();
      if (!codes(r).includes('TENANT_UNAVAILABLE') || attempt >= 5) return r;
    }
  };

  it('reads it as a person reads it, writes nothing, and is still asked about', async () => {
    const p = await partner('Clinic reporting', ['GL.Read', 'GL.Post', 'Tenant.Read']);
    const granted = await t.as('admin')(
      'mutation($i: ID!) { grantIntegrationAccess(integrationId: $i, tenant: "clinica-costa", permissions: ["GL.Read", "GL.Post", "Tenant.Read"]) { permissions } }',
      { i: p.integration.id },
    );
    ok(granted);
    ok(await t.as('admin')(ARCHIVE, { t: 'clinica-costa', r: 'Engagement ended: books kept for retention' }));
    try {
      const call = await p.call('clinica-costa');
      const read = await settled(() =>
        call<{ tenant: { slug: string; archived: boolean }; accounts: unknown[] }>(
          '{ tenant { slug archived } accounts { code } }',
        ),
      );
      expect(ok(read).tenant).toEqual({ slug: 'clinica-costa', archived: true });
      expect(ok(read).accounts.length).toBeGreaterThan(10);
      const write = await settled(() => call(ENTRY, entryInput('while archived')));
      expect(codes(write)).toEqual(['TENANT_READ_ONLY']);
      expect(write.errors?.[0]?.extensions).toMatchObject({ archived: true });
      // Its grant there is power over the client: whoever is walled off it gives the partner none.
      const secret = await asOther(SECRET, { i: p.integration.id });
      expect(codes(secret)).toEqual(['FORBIDDEN']);
      // Without naming it: its grant there is the walled client's part of the integration.
      expect(secret.errors?.[0]?.extensions?.tenant).toBeUndefined();
      expect(JSON.stringify(secret.errors)).not.toContain('clinica-costa');
    } finally {
      ok(await t.as('admin')(UNARCHIVE, { t: 'clinica-costa', r: 'The engagement resumed after all' }));
    }
  });
});

describe("a walled client's entity keys", () => {
  it('are left out of the lists and answer as an unknown id', async () => {
    const listed = async (as: ReturnType<typeof gql>) => {
      const r = ok(
        await as<{
          integrations: { id: string }[];
          integrationsConnection: { edges: { node: { id: string } }[] };
        }>('{ integrations { id } integrationsConnection(first: 500) { edges { node { id } } } }'),
      );
      return {
        list: r.integrations.map((i) => i.id),
        page: r.integrationsConnection.edges.map((e) => e.node.id),
      };
    };
    expect(await listed(t.as('admin'))).toEqual({
      list: expect.arrayContaining([entityKey, partner]),
      page: expect.arrayContaining([entityKey, partner]),
    });
    const walled = await listed(asOther);
    expect(walled.list).toContain(partner);
    expect(walled.list).not.toContain(entityKey);
    expect(walled.page).not.toContain(entityKey);

    const ONE = 'query($i: ID!) { integration(id: $i) { id name contact boundTo { slug } } }';
    expect(
      ok(await t.as('admin')<{ integration: { id: string } | null }>(ONE, { i: entityKey })).integration?.id,
    ).toBe(entityKey);
    expect(ok(await asOther<{ integration: unknown }>(ONE, { i: entityKey })).integration).toBeNull();
    const USAGE =
      'query($i: ID!) { integrationUsage(integrationId: $i, from: "2026-01-01", to: "2026-01-31") { requests } }';
    expect(codes(await asOther(USAGE, { i: entityKey }))).toEqual(['NOT_FOUND']);
    expect((await t.as('admin')(USAGE, { i: entityKey })).errors).toBeUndefined();
  });
});
