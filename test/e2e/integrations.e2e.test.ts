import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, gql } from '../support/client.ts';
import { type DemoUser, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Partner integrations through the gateway: registered, granted client by client within what the
 * granter holds, given client secrets, and exchanging them for access tokens at /oauth/token
 * (RFC 6749 §4.4), every change in the firm's trail.
 */
let harness: TestStack;
let tokenUrl: string;

beforeAll(async () => {
  harness = await startTestStack();
  tokenUrl = harness.stack.gatewayUrl.replace(/\/graphql$/, '/oauth/token');
});

afterAll(() => harness?.close());

const as = (who: DemoUser) => harness.as(who);
const REASON = 'The partner contract ended in November';
const INTEGRATION =
  'id name contact status grants { tenant { slug } permissions expiresAt } secrets { clientId revokedAt lastUsedAt }';

interface Integration {
  id: string;
  name: string;
  status: string;
  grants: { tenant: { slug: string }; permissions: string[]; expiresAt: string | null }[];
  secrets: { clientId: string; revokedAt: string | null; lastUsedAt: string | null }[];
}

async function controlRows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await harness.stack.control.pool.query(sql, params)).rows as T[];
}

async function create(name: string): Promise<Integration> {
  const r = await as('admin')<{ createIntegration: Integration }>(
    `mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { ${INTEGRATION} } }`,
    { input: { name, contact: 'api@partner.example' } },
  );
  if (!r.data?.createIntegration) throw new Error(JSON.stringify(r.errors));
  return r.data.createIntegration;
}

async function newSecret(
  integrationId: string,
  expiresAt?: string,
): Promise<{ clientId: string; secret: string }> {
  const r = await as('admin')<{ createIntegrationSecret: { clientId: string; secret: string } }>(
    `mutation($id: ID!, $at: DateTime) { createIntegrationSecret(integrationId: $id, expiresAt: $at) { clientId secret } }`,
    { id: integrationId, at: expiresAt },
  );
  if (!r.data?.createIntegrationSecret) throw new Error(JSON.stringify(r.errors));
  return r.data.createIntegrationSecret;
}

const grant = (integrationId: string, tenant: string, permissions: string[], expiresAt?: string) =>
  as('admin')<{ grantIntegrationAccess: { permissions: string[] } }>(
    `mutation($id: ID!, $t: String!, $p: [String!]!, $at: DateTime) {
       grantIntegrationAccess(integrationId: $id, tenant: $t, permissions: $p, expiresAt: $at) { permissions expiresAt }
     }`,
    { id: integrationId, t: tenant, p: permissions, at: expiresAt },
  );

/** A token request, the way a partner's HTTP client sends it. */
async function token(
  form: Record<string, string>,
  init: { basic?: [string, string]; contentType?: string; method?: string } = {},
): Promise<{ status: number; body: Record<string, string | number>; headers: Headers }> {
  const headers: Record<string, string> = {
    'content-type': init.contentType ?? 'application/x-www-form-urlencoded',
  };
  if (init.basic)
    headers.authorization = `Basic ${Buffer.from(init.basic.map(encodeURIComponent).join(':')).toString('base64')}`;
  const res = await fetch(tokenUrl, {
    method: init.method ?? 'POST',
    headers,
    body: init.method === 'GET' ? undefined : new URLSearchParams(form).toString(),
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, string | number>,
    headers: res.headers,
  };
}

const credentials = (c: { clientId: string; secret: string }) => ({
  grant_type: 'client_credentials',
  client_id: c.clientId,
  client_secret: c.secret,
});

describe('registering and granting integrations', () => {
  it('is for whoever holds Integration.Manage, and every change is in the firm trail', async () => {
    const made = await create('Ledger Sync');
    expect(made).toMatchObject({ name: 'Ledger Sync', status: 'ACTIVE', grants: [], secrets: [] });
    const senior = await harness.as('senior')(`{ integrations { id } }`);
    expect(codes(senior)).toEqual(['FORBIDDEN']);
    const dup = await as('admin')(
      `mutation { createIntegration(input: { name: "ledger sync", contact: "x@y.example" }) { id } }`,
    );
    expect(codes(dup)).toEqual(['CONFLICT']);
    const bad = await as('admin')(
      `mutation { createIntegration(input: { name: "  ", contact: "x@y.example" }) { id } }`,
    );
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    const withClient = (name: string, client: string) =>
      as('admin')(
        `mutation($c: String) { createIntegration(input: { name: "${name}", contact: "x@y.example", oidcClientId: $c }) { id } }`,
        { c: client },
      );
    expect(codes(await withClient('OIDC One', 'erp.client-1'))).toEqual([]);
    expect(codes(await withClient('OIDC Two', 'erp.client-1'))).toEqual(['CONFLICT']);
    expect(codes(await withClient('OIDC Three', 'has spaces'))).toEqual(['BAD_USER_INPUT']);
    const events = await controlRows<{ action: string }>(
      `SELECT action FROM audit_events WHERE entity_type = 'Integration' AND entity_id = $1`,
      [made.id],
    );
    expect(events.map((e) => e.action)).toEqual(['integration.created']);
  });

  it('grants explicit permission constants on one client, never more than the granter holds there', async () => {
    const i = await create('Invoicing Bridge');
    const ok = await grant(i.id, 'cafe-boquete', ['Invoice.Create', 'GL.Read', 'GL.Read']);
    expect(ok.data?.grantIntegrationAccess.permissions).toEqual(['GL.Read', 'Invoice.Create']);
    expect(codes(await grant(i.id, 'cafe-boquete', ['GL.Launder']))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await grant(i.id, 'cafe-boquete', []))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await grant(i.id, 'cafe-boquete', ['Tenant.Provision']))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await grant(i.id, 'cafe-boquete', ['GL.Read'], '2001-01-01T00:00:00Z'))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(codes(await grant(i.id, 'no-such-client', ['GL.Read']))).toEqual(['FORBIDDEN']);
    expect(codes(await grant('00000000-0000-4000-8000-000000000000', 'cafe-boquete', ['GL.Read']))).toEqual([
      'NOT_FOUND',
    ]);

    // The admin holds only ClientReadOnly on one client (set up as the operator would): nothing
    // beyond it can be granted there, and the answer names what was missing.
    const adminId = (
      await controlRows<{ id: string }>(`SELECT id FROM users WHERE email = 'admin@demo.firm'`)
    )[0]!.id;
    const tenantId = (
      await controlRows<{ id: string }>(`SELECT id FROM tenants WHERE slug = 'panaderia-valle'`)
    )[0]!.id;
    await controlRows(
      `INSERT INTO tenant_role_assignments (tenant_id, user_id, role) VALUES ($1, $2, 'ClientReadOnly')`,
      [tenantId, adminId],
    );
    try {
      const beyond = await grant(i.id, 'panaderia-valle', ['GL.Read', 'Invoice.Create']);
      expect(codes(beyond)).toEqual(['FORBIDDEN']);
      expect(beyond.errors?.[0]?.extensions?.permissions).toEqual(['Invoice.Create']);
      expect(codes(await grant(i.id, 'panaderia-valle', ['GL.Read']))).toEqual([]);
    } finally {
      await controlRows(`DELETE FROM tenant_role_assignments WHERE tenant_id = $1 AND user_id = $2`, [
        tenantId,
        adminId,
      ]);
    }

    const revoke = await as('admin')<{ revokeIntegrationAccess: Integration }>(
      `mutation($id: ID!) { revokeIntegrationAccess(integrationId: $id, tenant: "cafe-boquete", reason: "${REASON}") { ${INTEGRATION} } }`,
      { id: i.id },
    );
    expect(revoke.data?.revokeIntegrationAccess.grants.map((g) => g.tenant.slug)).toEqual([
      'panaderia-valle',
    ]);
    const short = await as('admin')(
      `mutation($id: ID!) { revokeIntegrationAccess(integrationId: $id, tenant: "panaderia-valle", reason: "too short") { id } }`,
      { id: i.id },
    );
    expect(codes(short)).toEqual(['REASON_TOO_SHORT']);
    const trail = await controlRows<{ action: string }>(
      `SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY chain_seq`,
      [i.id],
    );
    expect(trail.map((e) => e.action)).toEqual([
      'integration.created',
      'integration.access_granted',
      'integration.access_granted',
      'integration.access_revoked',
    ]);
  });
});

describe('client credentials at /oauth/token', () => {
  it('issues a short-lived, audience-bound token for a live secret, by form body or HTTP Basic', async () => {
    const i = await create('Token Partner');
    const c = await newSecret(i.id);
    expect(c.clientId).toMatch(/^cfk_[0-9a-f]{12}$/);
    expect(c.secret).toMatch(/^cfs_[A-Za-z0-9_-]{43}$/);
    // Stored only as a slow hash.
    const [stored] = await controlRows<{ hash: string }>(
      'SELECT hash FROM integration_secrets WHERE prefix = $1',
      [c.clientId],
    );
    expect(stored?.hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(stored?.hash).not.toContain(c.secret.slice(4));

    const byForm = await token(credentials(c));
    expect(byForm.status).toBe(200);
    expect(byForm.headers.get('cache-control')).toBe('no-store');
    expect(byForm.body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    const claims = decodeJwt(String(byForm.body.access_token));
    expect(claims).toMatchObject({ sub: i.id, client_id: c.clientId, aud: 'cifra-integration' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);

    const byBasic = await token({ grant_type: 'client_credentials' }, { basic: [c.clientId, c.secret] });
    expect(byBasic.status).toBe(200);
    const scoped = await token({ ...credentials(c), scope: 'GL.Read' });
    expect(scoped.body.scope).toBe('GL.Read');

    const listed = await as('admin')<{ integration: Integration }>(
      `query($id: ID!) { integration(id: $id) { ${INTEGRATION} } }`,
      {
        id: i.id,
      },
    );
    expect(listed.data?.integration.secrets).toEqual([
      { clientId: c.clientId, revokedAt: null, lastUsedAt: expect.any(String) },
    ]);
  });

  it('answers every malformed or refused request in RFC 6749 §5.2 shape', async () => {
    const i = await create('Error Partner');
    const c = await newSecret(i.id);
    const cases: [string, Awaited<ReturnType<typeof token>>, number, string][] = [
      [
        'no grant type',
        await token({ client_id: c.clientId, client_secret: c.secret }),
        400,
        'invalid_request',
      ],
      [
        'another grant',
        await token({ ...credentials(c), grant_type: 'password' }),
        400,
        'unsupported_grant_type',
      ],
      [
        'wrong secret',
        await token({ ...credentials(c), client_secret: `${c.secret.slice(0, -1)}x` }),
        401,
        'invalid_client',
      ],
      [
        'unknown client',
        await token({ ...credentials(c), client_id: 'cfk_000000000000' }),
        401,
        'invalid_client',
      ],
      ['no credentials', await token({ grant_type: 'client_credentials' }), 401, 'invalid_client'],
      [
        'both ways',
        await token({ ...credentials(c) }, { basic: [c.clientId, c.secret] }),
        400,
        'invalid_request',
      ],
      ['bad scope', await token({ ...credentials(c), scope: 'GL.Read Everything' }), 400, 'invalid_scope'],
      ['json body', await token(credentials(c), { contentType: 'application/json' }), 400, 'invalid_request'],
      ['GET', await token({}, { method: 'GET' }), 405, 'invalid_request'],
    ];
    for (const [what, answer, status, error] of cases) {
      expect({ what, status: answer.status, error: answer.body.error }).toEqual({ what, status, error });
      expect(typeof answer.body.error_description).toBe('string');
      expect(answer.body.access_token).toBeUndefined();
    }
    const basicWrong = await token({ grant_type: 'client_credentials' }, { basic: [c.clientId, 'nope'] });
    expect(basicWrong.status).toBe(401);
    expect(basicWrong.headers.get('www-authenticate')).toMatch(/^Basic realm="cifra"/);
  });

  it('rotates with overlap, and honours revocation, expiry, suspension and deletion at once', async () => {
    const i = await create('Rotating Partner');
    const first = await newSecret(i.id);
    const second = await newSecret(i.id);
    expect((await token(credentials(first))).status).toBe(200);
    expect((await token(credentials(second))).status).toBe(200);
    const revoked = await as('admin')(
      `mutation($id: ID!, $c: String!) { revokeIntegrationSecret(integrationId: $id, clientId: $c, reason: "${REASON}") { revokedAt } }`,
      { id: i.id, c: first.clientId },
    );
    expect(codes(revoked)).toEqual([]);
    expect((await token(credentials(first))).body.error).toBe('invalid_client');
    expect((await token(credentials(second))).status).toBe(200);

    // A secret past its expiry (set as if time had passed: the API refuses a past expiry).
    const expiring = await newSecret(i.id, new Date(Date.now() + 3_600_000).toISOString());
    expect((await token(credentials(expiring))).status).toBe(200);
    await controlRows(
      `UPDATE integration_secrets SET expires_at = now() - interval '1 second' WHERE prefix = $1`,
      [expiring.clientId],
    );
    expect((await token(credentials(expiring))).body.error).toBe('invalid_client');

    const suspend = await as('admin')(
      `mutation($id: ID!) { suspendIntegration(id: $id, reason: "${REASON}") { status } }`,
      { id: i.id },
    );
    expect(suspend.data).toEqual({ suspendIntegration: { status: 'SUSPENDED' } });
    expect((await token(credentials(second))).body.error).toBe('invalid_client');
    await as('admin')(`mutation($id: ID!) { resumeIntegration(id: $id) { status } }`, { id: i.id });
    expect((await token(credentials(second))).status).toBe(200);

    const deleted = await as('admin')<{ deleteIntegration: { status: string } }>(
      `mutation($id: ID!) { deleteIntegration(id: $id, reason: "${REASON}") { status } }`,
      { id: i.id },
    );
    expect(deleted.data?.deleteIntegration.status).toBe('DELETED');
    expect((await token(credentials(second))).body.error).toBe('invalid_client');
    const gone = await as('admin')(`query($id: ID!) { integration(id: $id) { id } }`, { id: i.id });
    expect(gone.data).toEqual({ integration: null });
    const secrets = await controlRows<{ revoked: boolean }>(
      `SELECT revoked_at IS NOT NULL AS revoked FROM integration_secrets s JOIN integrations i ON i.id = s.integration_id WHERE i.id = $1`,
      [i.id],
    );
    expect(secrets.every((s) => s.revoked)).toBe(true);
  });
});

/**
 * A partner integration with a grant on cafe-boquete and a live secret, ready to call. Unless
 * `trustedOnly`, it may send query text (allowArbitraryDocuments), so the tests of grants and
 * attribution can write their queries inline.
 */
async function partner(name: string, permissions: string[], trustedOnly = false) {
  const i = await create(name);
  expect(codes(await grant(i.id, 'cafe-boquete', permissions))).toEqual([]);
  if (!trustedOnly) {
    const allow = await as('admin')(
      `mutation($id: ID!) { allowArbitraryDocuments(integrationId: $id, allow: true, reason: "${REASON}") { id } }`,
      { id: i.id },
    );
    expect(codes(allow)).toEqual([]);
  }
  const c = await newSecret(i.id);
  const accessToken = async (scope?: string) => {
    const r = await token({ ...credentials(c), ...(scope ? { scope } : {}) });
    if (r.status !== 200) throw new Error(JSON.stringify(r.body));
    return String(r.body.access_token);
  };
  const call = async (tenant?: string, scope?: string) =>
    gql(harness.stack.gatewayUrl, await accessToken(scope), tenant);
  return { integration: i, credentials: c, accessToken, call };
}

const ENTRY = `mutation PartnerPost($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id number } }`;
const entryInput = (memo: string) => ({
  input: {
    postingDate: new Date().toISOString().slice(0, 10),
    memo,
    lines: [
      { accountCode: '1110', debit: '12.34' },
      { accountCode: '4101', credit: '12.34' },
    ],
  },
});

describe("a partner's requests", () => {
  it('acts on its granted client with the grant as its permissions, and nowhere else', async () => {
    const p = await partner('Books Partner', ['GL.Read', 'GL.Post']);
    const onClient = await p.call('cafe-boquete');
    const accounts = await onClient<{ accounts: { code: string }[] }>(
      'query PartnerAccounts { accounts { code } }',
    );
    expect(accounts.data?.accounts.length).toBeGreaterThan(10);
    const posted = await onClient<{ postJournalEntry: { id: string; number: string } }>(
      ENTRY,
      entryInput('partner post'),
    );
    expect(codes(posted)).toEqual([]);
    // Beyond the grant, on another client, and at the firm level: refused.
    const voided = await onClient(
      `mutation { voidJournalEntry(id: "${posted.data?.postJournalEntry.id}", reason: "${REASON}") { id } }`,
    );
    expect(codes(voided)).toEqual(['FORBIDDEN']);
    expect(codes(await (await p.call('ferreteria-colon'))('{ accounts { code } }'))).toEqual(['FORBIDDEN']);
    expect(codes(await (await p.call())('{ firmMembers { email } }'))).toEqual(['FORBIDDEN']);
    expect(codes(await (await p.call())('{ integrations { id } }'))).toEqual(['FORBIDDEN']);
    // A token narrowed by scope can do less than the grant.
    const readOnly = await p.call('cafe-boquete', 'GL.Read');
    expect(codes(await readOnly(ENTRY, entryInput('scoped post')))).toEqual(['FORBIDDEN']);

    // The client's trail names the integration, its name and the secret it used.
    const trail = await harness.as('senior', 'cafe-boquete')<{
      auditEvents: {
        edges: {
          node: { actorKind: string; actorId: string; actorIntegration: unknown; entityId: string };
        }[];
      };
    }>(
      `query($f: AuditEventFilter) { auditEvents(filter: $f, first: 10) { edges { node { actorKind actorId actorIntegration { name clientId } entityId } } } }`,
      { f: { actor: p.integration.id, action: 'journal_entry.posted' } },
    );
    expect(trail.data?.auditEvents.edges.map((e) => e.node)).toEqual([
      {
        actorKind: 'INTEGRATION',
        actorId: p.integration.id,
        actorIntegration: { name: 'Books Partner', clientId: p.credentials.clientId },
        entityId: expect.any(String),
      },
    ]);
    expect(codes(await harness.as('senior', 'cafe-boquete')(ENTRY, entryInput('person post')))).toEqual([]);
    const person = await harness.as(
      'senior',
      'cafe-boquete',
    )<{ auditEvents: { edges: { node: { actorKind: string } }[] } }>(
      `{ auditEvents(filter: { actor: "senior@demo.firm" }, first: 1) { edges { node { actorKind } } } }`,
    );
    expect(person.data?.auditEvents.edges.map((e) => e.node.actorKind)).toEqual(['PERSON']);
  });

  it('loses access on the very next request when its grant is revoked or expires, or it is suspended', async () => {
    const p = await partner('Revoked Partner', ['GL.Read']);
    const sameToken = await p.call('cafe-boquete');
    expect(codes(await sameToken('{ accounts { code } }'))).toEqual([]);
    await controlRows(
      `UPDATE integration_grants SET expires_at = now() - interval '1 second' WHERE integration_id = $1`,
      [p.integration.id],
    );
    expect(codes(await sameToken('{ accounts { code } }'))).toEqual(['FORBIDDEN']);
    expect(codes(await grant(p.integration.id, 'cafe-boquete', ['GL.Read']))).toEqual([]);
    expect(codes(await sameToken('{ accounts { code } }'))).toEqual([]);

    await as('admin')(`mutation($id: ID!) { suspendIntegration(id: $id, reason: "${REASON}") { status } }`, {
      id: p.integration.id,
    });
    const suspended = await sameToken('{ accounts { code } }');
    expect({ status: suspended.status, codes: codes(suspended) }).toEqual({
      status: 401,
      codes: ['UNAUTHENTICATED'],
    });
    await as('admin')(`mutation($id: ID!) { resumeIntegration(id: $id) { status } }`, {
      id: p.integration.id,
    });
    expect(codes(await sameToken('{ accounts { code } }'))).toEqual([]);

    await as('admin')(
      `mutation($id: ID!) { revokeIntegrationAccess(integrationId: $id, tenant: "cafe-boquete", reason: "${REASON}") { id } }`,
      { id: p.integration.id },
    );
    expect(codes(await sameToken('{ accounts { code } }'))).toEqual(['FORBIDDEN']);

    // A token whose secret is revoked stops at once, though it has not expired.
    expect(codes(await grant(p.integration.id, 'cafe-boquete', ['GL.Read']))).toEqual([]);
    await as('admin')(
      `mutation($id: ID!, $c: String!) { revokeIntegrationSecret(integrationId: $id, clientId: $c, reason: "${REASON}") { clientId } }`,
      { id: p.integration.id, c: p.credentials.clientId },
    );
    expect((await sameToken('{ accounts { code } }')).status).toBe(401);
  });

  it('counts every request by day, client and operation', async () => {
    const p = await partner('Counted Partner', ['GL.Read']);
    const call = await p.call('cafe-boquete');
    for (let n = 0; n < 3; n++) await call('query CountedAccounts { accounts { code } }');
    await call('{ accounts { code } }');
    await (await p.call('ferreteria-colon'))('query Elsewhere { accounts { code } }');
    const today = new Date().toISOString().slice(0, 10);
    const usage = await as('admin')<{
      integrationUsage: {
        day: string;
        tenant: { slug: string } | null;
        operation: string;
        requests: number;
      }[];
    }>(
      `query($id: ID!, $d: Date!) { integrationUsage(integrationId: $id, from: $d, to: $d) { day tenant { slug } operation requests } }`,
      { id: p.integration.id, d: today },
    );
    expect(usage.data?.integrationUsage).toEqual([
      { day: today, tenant: { slug: 'cafe-boquete' }, operation: '(anonymous)', requests: 1 },
      { day: today, tenant: { slug: 'cafe-boquete' }, operation: 'CountedAccounts', requests: 3 },
    ]);
    const backwards = await as('admin')(
      `query($id: ID!) { integrationUsage(integrationId: $id, from: "2026-02-01", to: "2026-01-01") { requests } }`,
      { id: p.integration.id },
    );
    expect(codes(backwards)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('trusted documents per integration', () => {
  const ACCOUNTS = 'query TrustedAccounts { accounts { code } }';
  const POST =
    'mutation TrustedPost($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id } }';
  const VOID =
    'mutation TrustedVoid($id: ID!, $reason: String!) { voidJournalEntry(id: $id, reason: $reason) { id } }';
  const idOf = (doc: string) => `sha256:${createHash('sha256').update(doc).digest('hex')}`;
  const publish = (integrationId: string, appVersion: string, manifest: unknown) =>
    as('admin')<{ publishTrustedDocuments: { appVersion: string; documents: number } }>(
      `mutation($id: ID!, $v: String!, $m: JSON!) { publishTrustedDocuments(integrationId: $id, appVersion: $v, manifest: $m) { appVersion documents } }`,
      { id: integrationId, v: appVersion, m: manifest },
    );
  /** A raw request to the gateway as the partner, body as given. */
  const send = async (accessToken: string, body: Record<string, unknown>, method = 'POST') => {
    const headers = {
      authorization: `Bearer ${accessToken}`,
      'x-tenant': 'cafe-boquete',
      'content-type': 'application/json',
    };
    const url = new URL(harness.stack.gatewayUrl);
    if (method === 'GET')
      for (const [k, v] of Object.entries(body))
        url.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
    const res = await fetch(url, {
      method,
      headers,
      body: method === 'GET' ? undefined : JSON.stringify(body),
    });
    return {
      status: res.status,
      ...((await res.json()) as {
        data?: Record<string, unknown>;
        errors?: { extensions?: { code?: string } }[];
      }),
    };
  };
  const codeOf = (r: { errors?: { extensions?: { code?: string } }[] }) =>
    r.errors?.map((e) => e.extensions?.code);
  const accountsIn = (r: { data?: Record<string, unknown> }) =>
    (r.data?.accounts as unknown[] | undefined)?.length ?? 0;

  it('publishes only documents that are valid and within the grants, once per version', async () => {
    const p = await partner('Docs Partner', ['GL.Read', 'GL.Post'], true);
    const id = p.integration.id;
    const ok = await publish(id, '1.0.0', { [idOf(ACCOUNTS)]: ACCOUNTS, [idOf(POST).slice(7)]: POST });
    expect(ok.data?.publishTrustedDocuments).toEqual({ appVersion: '1.0.0', documents: 2 });
    expect(codes(await publish(id, '1.0.0', { [idOf(ACCOUNTS)]: ACCOUNTS }))).toEqual(['CONFLICT']);
    expect(codes(await publish(id, '1.0.1', { [idOf(POST)]: ACCOUNTS }))).toEqual(['BAD_USER_INPUT']);
    const unknown = '{ accounts { nope } }';
    expect(codes(await publish(id, '1.0.1', { [idOf(unknown)]: unknown }))).toEqual(['BAD_USER_INPUT']);
    const beyond = await publish(id, '1.0.1', { [idOf(ACCOUNTS)]: ACCOUNTS, [idOf(VOID)]: VOID });
    expect(codes(beyond)).toEqual(['DOCUMENT_NOT_PERMITTED']);
    expect(beyond.errors?.[0]?.extensions).toMatchObject({
      field: 'Mutation.voidJournalEntry',
      permissions: ['GL.Void'],
      documentId: idOf(VOID),
    });
    const versions = await as('admin')<{
      integration: { trustedDocumentVersions: { appVersion: string }[] };
    }>(
      `query($id: ID!) { integration(id: $id) { trustedDocumentVersions { appVersion documents retiredAt } } }`,
      { id },
    );
    expect(versions.data?.integration.trustedDocumentVersions.map((v) => v.appVersion)).toEqual(['1.0.0']);
  });

  it('runs an integration by documentId or APQ hash only, and refuses its raw queries and unknown ids', async () => {
    const p = await partner('Enforced Partner', ['GL.Read', 'GL.Post'], true);
    expect(
      codes(await publish(p.integration.id, '2.0.0', { [idOf(ACCOUNTS)]: ACCOUNTS, [idOf(POST)]: POST })),
    ).toEqual([]);
    const t = await p.accessToken();
    const byId = await send(t, { documentId: idOf(ACCOUNTS) });
    expect(accountsIn(byId)).toBeGreaterThan(10);
    const byHash = await send(t, {
      extensions: { persistedQuery: { version: 1, sha256Hash: idOf(ACCOUNTS).slice(7) } },
    });
    expect(accountsIn(byHash)).toBeGreaterThan(10);
    const byGet = await send(t, { documentId: idOf(ACCOUNTS) }, 'GET');
    expect(byGet.status).toBe(200);
    expect(accountsIn(byGet)).toBeGreaterThan(10);
    const mutationByGet = await send(t, { documentId: idOf(POST), variables: entryInput('by get') }, 'GET');
    expect(mutationByGet.status).toBe(405);
    const posted = await send(t, { documentId: idOf(POST), variables: entryInput('trusted post') });
    expect(codeOf(posted)).toBeUndefined();

    const raw = await send(t, { query: ACCOUNTS });
    expect({ status: raw.status, codes: codeOf(raw) }).toEqual({
      status: 400,
      codes: ['PERSISTED_DOCUMENT_REQUIRED'],
    });
    expect(codeOf(await send(t, { query: ACCOUNTS }, 'GET'))).toEqual(['PERSISTED_DOCUMENT_REQUIRED']);
    const other = '{ parties { code } }';
    expect(codeOf(await send(t, { documentId: idOf(other) }))).toEqual(['PERSISTED_DOCUMENT_NOT_FOUND']);
    // An APQ registration attempt (hash and text) registers nothing, for the integration or anyone.
    const register = await send(t, {
      query: other,
      extensions: { persistedQuery: { version: 1, sha256Hash: idOf(other).slice(7) } },
    });
    expect(codeOf(register)).toEqual(['BAD_REQUEST']);
    const personByHash = await harness.as('senior', 'cafe-boquete');
    const apq = await fetch(harness.stack.gatewayUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${harness.token('senior')}`,
        'x-tenant': 'cafe-boquete',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        extensions: { persistedQuery: { version: 1, sha256Hash: idOf(other).slice(7) } },
      }),
    });
    expect(
      ((await apq.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
    ).toBe('PERSISTED_QUERY_NOT_FOUND');
    // People are unchanged: their queries are text.
    expect(codes(await personByHash(ACCOUNTS))).toEqual([]);

    const retired = await as('admin')(
      `mutation($id: ID!) { retireTrustedDocuments(integrationId: $id, appVersion: "2.0.0") { retiredAt } }`,
      { id: p.integration.id },
    );
    expect(codes(retired)).toEqual([]);
    expect(codeOf(await send(t, { documentId: idOf(ACCOUNTS) }))).toEqual(['PERSISTED_DOCUMENT_NOT_FOUND']);

    const allow = await as('admin')(
      `mutation($id: ID!) { allowArbitraryDocuments(integrationId: $id, allow: true, reason: "${REASON}") { allowArbitraryDocuments } }`,
      { id: p.integration.id },
    );
    expect(allow.data).toEqual({ allowArbitraryDocuments: { allowArbitraryDocuments: true } });
    const free = await send(t, { query: ACCOUNTS });
    expect(accountsIn(free)).toBeGreaterThan(10);
    const trail = await controlRows<{ action: string }>(
      `SELECT action FROM audit_events WHERE entity_id = $1 AND action LIKE 'integration.%documents%' ORDER BY chain_seq`,
      [p.integration.id],
    );
    expect(trail.map((e) => e.action)).toEqual([
      'integration.documents_published',
      'integration.documents_retired',
      'integration.arbitrary_documents_allowed',
    ]);
  });
});

describe('entity keys for a client business', () => {
  it('are integrations bound to one client with a ready-made grant, listed for the firm by client', async () => {
    const made = await as('admin')<{
      createEntityKey: {
        id: string;
        boundTo: { slug: string };
        grants: { tenant: { slug: string }; permissions: string[] }[];
      };
    }>(
      `mutation { createEntityKey(input: { tenant: "cafe-boquete", name: "Boquete BI", contact: "it@boquete.example", access: READ_ONLY }) {
         id boundTo { slug } grants { tenant { slug } permissions } } }`,
    );
    const key = made.data?.createEntityKey;
    expect(key).toMatchObject({
      boundTo: { slug: 'cafe-boquete' },
      grants: [
        {
          tenant: { slug: 'cafe-boquete' },
          permissions: ['FX.Read', 'GL.Read', 'Period.Read', 'Tenant.Read'],
        },
      ],
    });
    const listed = await as('admin')<{ entityKeys: { id: string }[] }>(
      '{ entityKeys(tenant: "cafe-boquete") { id } }',
    );
    expect(listed.data?.entityKeys.map((k) => k.id)).toEqual([key?.id]);
    const elsewhere = await as('admin')<{ entityKeys: unknown[] }>(
      '{ entityKeys(tenant: "ferreteria-colon") { id } }',
    );
    expect(elsewhere.data?.entityKeys).toEqual([]);
    expect(codes(await grant(key!.id, 'ferreteria-colon', ['GL.Read']))).toEqual(['BAD_USER_INPUT']);
    expect(
      codes(
        await harness.as('senior')(
          'mutation { createEntityKey(input: { tenant: "cafe-boquete", name: "x", contact: "x@y.example", access: INVOICING }) { id } }',
        ),
      ),
    ).toEqual(['FORBIDDEN']);

    // It calls the API as any integration: reads its client's books, writes nothing, sees no other client.
    const c = await newSecret(key!.id);
    await as('admin')(
      `mutation($id: ID!) { allowArbitraryDocuments(integrationId: $id, allow: true, reason: "${REASON}") { id } }`,
      {
        id: key!.id,
      },
    );
    const accessToken = String((await token(credentials(c))).body.access_token);
    const books = gql(harness.stack.gatewayUrl, accessToken, 'cafe-boquete');
    const today = new Date().toISOString().slice(0, 10);
    const tb = await books<{ trialBalance: { asOf: string } }>(
      `query($d: Date!) { trialBalance(asOf: $d) { asOf } }`,
      { d: today },
    );
    expect(tb.data?.trialBalance.asOf).toBe(today);
    expect(codes(await books(ENTRY, entryInput('entity key post')))).toEqual(['FORBIDDEN']);
    expect(
      codes(await gql(harness.stack.gatewayUrl, accessToken, 'ferreteria-colon')('{ accounts { code } }')),
    ).toEqual(['FORBIDDEN']);
  });
});
