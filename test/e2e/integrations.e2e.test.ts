import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, type GqlResult } from '../support/client.ts';
import {
  credentials,
  ENTRY,
  entryInput,
  INTEGRATION,
  type Integration,
  partnerKit,
  REASON,
} from '../support/integrations.ts';
import { outlastAccessCache, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Partner integrations through the gateway: registered, granted client by client within what the
 * granter holds, given client secrets, and exchanging them for access tokens at /oauth/token
 * (RFC 6749 §4.4), every change in the firm's trail.
 */
let harness: TestStack;

beforeAll(async () => {
  harness = await startTestStack();
});

afterAll(() => harness?.close());

const { as, controlRows, create, newSecret, grant, token, partner } = partnerKit(() => harness);
describe('registering and granting integrations', () => {
  it('is for whoever holds Integration.Manage, and every change is in the firm trail', async () => {
    const made = await create('Ledger Sync');
    expect(made).toMatchObject({ name: 'Ledger Sync', status: 'ACTIVE', grants: [], secrets: [] });
    const senior = await harness.as('senior')(`{ integrationsConnection { edges { node { id } } } }`);
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
      as('admin')<{ createIntegration: { id: string } }>(
        `mutation($c: String) { createIntegration(input: { name: "${name}", contact: "x@y.example", oidcClientId: $c }) { id } }`,
        { c: client },
      );
    const first = await withClient('OIDC One', 'erp.client-1');
    expect(codes(first)).toEqual([]);
    expect(codes(await withClient('OIDC Two', 'erp.client-1'))).toEqual(['CONFLICT']);
    expect(codes(await withClient('OIDC Three', 'has spaces'))).toEqual(['BAD_USER_INPUT']);
    // Deleted, it gives its client id back as it gives back its name.
    const deleted = await as('admin')(
      `mutation($id: ID!) { deleteIntegration(id: $id, reason: "${REASON}") { status } }`,
      { id: first.data?.createIntegration.id },
    );
    expect(codes(deleted)).toEqual([]);
    expect(codes(await withClient('OIDC Two', 'erp.client-1'))).toEqual([]);
    expect(codes(await withClient('OIDC One', 'erp.client-1'))).toEqual(['CONFLICT']);
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
    // The same grant, typed: the Permission enum's values.
    const typed = await as('admin')<{ integration: { grants: { grantedPermissions: string[] }[] } }>(
      'query($id: ID!) { integration(id: $id) { grants { grantedPermissions } } }',
      { id: i.id },
    );
    expect(typed.data?.integration.grants).toEqual([{ grantedPermissions: ['GL_READ', 'INVOICE_CREATE'] }]);
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
    // A constant named again adds nothing, to the token or to the context each fetch carries.
    const repeated = await token({ ...credentials(c), scope: Array(1_000).fill('GL.Read').join(' ') });
    expect(repeated.body.scope).toBe('GL.Read');
    expect(decodeJwt(String(repeated.body.access_token)).scope).toBe('GL.Read');

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
      // What the form's reader refuses is answered in the same shape, not as the API's errors.
      [
        'a form past 8 KB',
        await token({ ...credentials(c), scope: 'x'.repeat(9000) }),
        413,
        'invalid_request',
      ],
      [
        'a form in UTF-16',
        await token(credentials(c), { contentType: 'application/x-www-form-urlencoded; charset=utf-16' }),
        415,
        'invalid_request',
      ],
      // Compressed, even with good credentials: an 8 KB form inflates to no more than 8 KB anyway.
      ['a gzip form', await token(credentials(c), { encoding: 'gzip' }), 415, 'invalid_request'],
      ['a deflate form', await token(credentials(c), { encoding: 'deflate' }), 415, 'invalid_request'],
    ];
    for (const [what, answer, status, error] of cases) {
      expect({ what, status: answer.status, error: answer.body.error }).toEqual({ what, status, error });
      expect(typeof answer.body.error_description).toBe('string');
      expect(answer.body.access_token).toBeUndefined();
      expect(answer.headers.get('cache-control'), what).toBe('no-store');
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

    // Every secret, revoked and expired ones included, a page at a time (secretsConnection).
    type Secrets = {
      integration: {
        secretsConnection: {
          edges: { node: { clientId: string; revokedAt: string | null } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      };
    };
    const SECRETS =
      'query($id: ID!, $a: String) { integration(id: $id) { secretsConnection(first: 1, after: $a) { edges { node { clientId revokedAt } } pageInfo { hasNextPage endCursor } } } }';
    const seen: { clientId: string; revokedAt: string | null }[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const r: GqlResult<Secrets> = await as('admin')<Secrets>(SECRETS, { id: i.id, a: after });
      expect(codes(r)).toEqual([]);
      const conn: Secrets['integration']['secretsConnection'] = r.data!.integration.secretsConnection;
      seen.push(...conn.edges.map((e) => e.node));
      after = conn.pageInfo.endCursor;
      if (!conn.pageInfo.hasNextPage) break;
    }
    expect(seen.map((x) => x.clientId).sort()).toEqual(
      [first.clientId, second.clientId, expiring.clientId].sort(),
    );
    expect(seen.find((x) => x.clientId === first.clientId)?.revokedAt).not.toBeNull();
    const other = await create('Other Rotating Partner');
    expect(codes(await as('admin')(SECRETS, { id: other.id, a: after }))).toEqual(['BAD_USER_INPUT']);

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
    expect(codes(await (await p.call())('{ firmMembersConnection { edges { node { email } } } }'))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await (await p.call())('{ integrationsConnection { edges { node { id } } } }'))).toEqual([
      'FORBIDDEN',
    ]);
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
    await outlastAccessCache();
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
