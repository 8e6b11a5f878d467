import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, type Nodes, nodes } from '../support/client.ts';
import { partnerKit, REASON } from '../support/integrations.ts';
import { outlastAccessCache, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * An integration's firm-level access (docs/partners.md): refused every firm-level field until it is
 * granted Firm.Dashboard explicitly, and then it sees the firm's views over exactly the clients it
 * is granted — never the firm's trail, its people or a batch of its own.
 */
let harness: TestStack;

beforeAll(async () => {
  harness = await startTestStack();
});

afterAll(() => harness?.close());

const { as, controlRows, create, grant, partner } = partnerKit(() => harness);

const BOARD = `query Board { closeBoard(year: 2026, month: 11) { clientsConnection { edges { node { client { slug } availability periodState } } } } }`;
const EXCEPTIONS = `{ closeExceptions { kind client { slug } } }`;
const STALE = `{ staleRateUsage(from: "2026-11-01", to: "2026-11-30") { clients { clientSlug availability } } }`;
const TENANTS = `query($after: String) { tenantsConnection(first: 1, after: $after) { edges { node { slug role } } pageInfo { hasNextPage endCursor } } }`;
type Tenants = {
  tenantsConnection: Nodes<{ slug: string; role: string | null }> & {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};

const grantFirm = (integrationId: string, permissions: string[], expiresAt?: string) =>
  as('admin')<{ grantIntegrationFirmAccess: { firmGrant: { permissions: string[] } | null } }>(
    `mutation($id: ID!, $p: [String!]!, $at: DateTime) {
       grantIntegrationFirmAccess(integrationId: $id, permissions: $p, expiresAt: $at) {
         firmGrant { permissions expiresAt grantedAt } } }`,
    { id: integrationId, p: permissions, at: expiresAt },
  );

const revokeFirm = (integrationId: string) =>
  as('admin')(
    `mutation($id: ID!) { revokeIntegrationFirmAccess(integrationId: $id, reason: "${REASON}") { id firmGrant { permissions } } }`,
    { id: integrationId },
  );

type Board = { closeBoard: { clientsConnection: Nodes<{ client: { slug: string }; availability: string }> } };

describe('an integration at the firm level', () => {
  it('is refused every firm-level field without a firm grant, and lists only its granted clients', async () => {
    const p = await partner('Practice Board', ['GL.Read', 'Period.Read', 'Tenant.Read']);
    const firm = await p.call();
    for (const query of [BOARD, EXCEPTIONS, STALE]) expect(codes(await firm(query))).toEqual(['FORBIDDEN']);
    const tenants = await firm<Tenants>(TENANTS);
    expect(nodes(tenants.data?.tenantsConnection)).toEqual([{ slug: 'cafe-boquete', role: null }]);
    // Paged one at a time, it is its one granted client of the firm's five, and nothing after it.
    expect(tenants.data?.tenantsConnection.pageInfo.hasNextPage).toBe(false);
    const past = await firm<Tenants>(TENANTS, { after: tenants.data?.tenantsConnection.pageInfo.endCursor });
    expect(nodes(past.data?.tenantsConnection)).toEqual([]);
    // A cursor it was never given is bad input, not a server error.
    expect(codes(await firm(TENANTS, { after: 'not-a-cursor' }))).toEqual(['BAD_USER_INPUT']);
    // On its client, the Tenant it reaches through another subgraph resolves too.
    const own = await (await p.call('cafe-boquete'))<{ tenant: { slug: string } | null }>(
      `{ tenant { slug } }`,
    );
    expect(own.data?.tenant).toEqual({ slug: 'cafe-boquete' });
  });

  it('with Firm.Dashboard sees the board, exceptions and stale rates over the clients it may read there', async () => {
    const p = await partner('Close Tracker', ['GL.Read', 'Period.Read', 'FX.Read']);
    // A second client granted without Period.Read: never on the board.
    expect(codes(await grant(p.integration.id, 'ferreteria-colon', ['GL.Read']))).toEqual([]);
    const granted = await grantFirm(p.integration.id, ['Firm.Dashboard']);
    expect(codes(granted)).toEqual([]);
    expect(granted.data?.grantIntegrationFirmAccess.firmGrant?.permissions).toEqual(['Firm.Dashboard']);
    const typed = await as('admin')<{ integration: { firmGrant: { grantedPermissions: string[] } } }>(
      'query($id: ID!) { integration(id: $id) { firmGrant { grantedPermissions } } }',
      { id: p.integration.id },
    );
    expect(typed.data?.integration.firmGrant.grantedPermissions).toEqual(['FIRM_DASHBOARD']);

    const firm = await p.call();
    const board = await firm<Board>(BOARD);
    expect(codes(board)).toEqual([]);
    expect(
      nodes(board.data?.closeBoard.clientsConnection).map((c) => [c.client.slug, c.availability]),
    ).toEqual([['cafe-boquete', 'AVAILABLE']]);
    const exceptions = await firm<{ closeExceptions: { client: { slug: string } }[] }>(EXCEPTIONS);
    expect(codes(exceptions)).toEqual([]);
    expect(new Set(exceptions.data?.closeExceptions.map((e) => e.client.slug))).toEqual(
      new Set(exceptions.data?.closeExceptions.length ? ['cafe-boquete'] : []),
    );
    const stale = await firm<{ staleRateUsage: { clients: { clientSlug: string }[] } }>(STALE);
    expect(stale.data?.staleRateUsage.clients.map((c) => c.clientSlug)).toEqual(['cafe-boquete']);

    // Never the firm's trail, its people, or a batch: those are not a machine's.
    expect(codes(await firm(`{ firmAuditEvents(first: 1) { edges { node { action } } } }`))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await firm(`{ firmMembersConnection { edges { node { email } } } }`))).toEqual([
      'FORBIDDEN',
    ]);
    const offered = await firm<{ closeBoard: { clientsConnection: Nodes<{ batchActions: string[] }> } }>(
      `query { closeBoard(year: 2026, month: 11) { clientsConnection { edges { node { batchActions } } } } }`,
    );
    expect(nodes(offered.data?.closeBoard.clientsConnection).map((c) => c.batchActions)).toEqual([[]]);
    const batch = await firm(
      `mutation { startBatchPeriodOperation(input: { tenants: ["cafe-boquete"], year: 2026, month: 11, action: LOCK_SALES }) { id } }`,
    );
    expect(codes(batch)).toEqual(['FORBIDDEN']);
    expect(
      await controlRows(`SELECT 1 FROM period_batches WHERE requested_by_email LIKE 'integration:%'`),
    ).toEqual([]);

    // A token narrowed to a scope without Firm.Dashboard is refused the board.
    const narrowed = await p.call(undefined, 'GL.Read Period.Read');
    expect(codes(await narrowed(BOARD))).toEqual(['FORBIDDEN']);
  });

  it('applies a revocation or an expiry on the very next request, and keeps every change in the firm trail', async () => {
    const p = await partner('Board Feed', ['Period.Read']);
    expect(codes(await grantFirm(p.integration.id, ['Firm.Dashboard']))).toEqual([]);
    const firm = await p.call();
    expect(codes(await firm(BOARD))).toEqual([]);

    expect(codes(await revokeFirm(p.integration.id))).toEqual([]);
    expect(codes(await firm(BOARD))).toEqual(['FORBIDDEN']);
    expect(codes(await revokeFirm(p.integration.id))).toEqual(['NOT_FOUND']);

    expect(codes(await grantFirm(p.integration.id, ['Firm.Dashboard'], '2099-01-01T00:00:00Z'))).toEqual([]);
    expect(codes(await firm(BOARD))).toEqual([]);
    // The grant runs out (moved into the past as an operator would see it happen).
    await controlRows(
      `UPDATE integration_firm_grants SET expires_at = now() - interval '1 second' WHERE integration_id = $1`,
      [p.integration.id],
    );
    await outlastAccessCache();
    expect(codes(await firm(BOARD))).toEqual(['FORBIDDEN']);

    const events = await controlRows<{ action: string; reason: string | null }>(
      `SELECT action, reason FROM audit_events WHERE entity_type = 'Integration' AND entity_id = $1
        AND action LIKE 'integration.firm_access%' ORDER BY id`,
      [p.integration.id],
    );
    expect(events).toEqual([
      { action: 'integration.firm_access_granted', reason: null },
      { action: 'integration.firm_access_revoked', reason: REASON },
      { action: 'integration.firm_access_granted', reason: null },
    ]);
    // Deleting the integration takes its firm grant with it.
    await controlRows(`UPDATE integration_firm_grants SET expires_at = NULL WHERE integration_id = $1`, [
      p.integration.id,
    ]);
    const gone = await as('admin')(
      `mutation($id: ID!) { deleteIntegration(id: $id, reason: "${REASON}") { status } }`,
      { id: p.integration.id },
    );
    expect(codes(gone)).toEqual([]);
    expect(
      await controlRows(`SELECT 1 FROM integration_firm_grants WHERE integration_id = $1`, [
        p.integration.id,
      ]),
    ).toEqual([]);
  });

  it('grants only Firm.Dashboard firm-wide, never to an entity key, and only a FirmAdmin grants it', async () => {
    const i = await create('Firm Grant Checks');
    for (const permissions of [
      ['Audit.ReadFirm'],
      ['Firm.ManageUsers'],
      ['Integration.Manage'],
      ['GL.Read'],
      ['Nope'],
      [],
    ])
      expect(codes(await grantFirm(i.id, permissions))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await grantFirm(i.id, ['Firm.Dashboard'], '2001-01-01T00:00:00Z'))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(codes(await grantFirm('00000000-0000-4000-8000-000000000000', ['Firm.Dashboard']))).toEqual([
      'NOT_FOUND',
    ]);
    const senior = await harness.as('senior')(
      `mutation($id: ID!) { grantIntegrationFirmAccess(integrationId: $id, permissions: ["Firm.Dashboard"]) { id } }`,
      { id: i.id },
    );
    expect(codes(senior)).toEqual(['FORBIDDEN']);
    const key = await as('admin')<{ createEntityKey: { id: string } }>(
      `mutation { createEntityKey(input: { tenant: "cafe-boquete", name: "Shop Key", contact: "it@shop.example", access: READ_ONLY }) { id } }`,
    );
    expect(codes(await grantFirm(key.data!.createEntityKey.id, ['Firm.Dashboard']))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(
      await controlRows(`SELECT 1 FROM integration_firm_grants WHERE integration_id IN ($1, $2)`, [
        i.id,
        key.data!.createEntityKey.id,
      ]),
    ).toEqual([]);
  });

  it('publishes a document selecting the board only once the firm grant permits it', async () => {
    const p = await partner('Board Publisher', ['Period.Read'], true);
    const idOf = (doc: string) => `sha256:${createHash('sha256').update(doc).digest('hex')}`;
    const publish = (version: string) =>
      as('admin')(
        `mutation($id: ID!, $v: String!, $m: JSON!) { publishTrustedDocuments(integrationId: $id, appVersion: $v, manifest: $m) { documents } }`,
        { id: p.integration.id, v: version, m: { [idOf(BOARD)]: BOARD } },
      );
    const refused = await publish('1.0.0');
    expect(codes(refused)).toEqual(['DOCUMENT_NOT_PERMITTED']);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ field: 'Query.closeBoard' });
    expect(codes(await grantFirm(p.integration.id, ['Firm.Dashboard']))).toEqual([]);
    expect(codes(await publish('1.0.0'))).toEqual([]);
    const res = await fetch(harness.stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await p.accessToken()}` },
      body: JSON.stringify({ documentId: idOf(BOARD) }),
    });
    const body = (await res.json()) as { data?: Board; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    expect(nodes(body.data?.closeBoard.clientsConnection).map((c) => c.client.slug)).toEqual([
      'cafe-boquete',
    ]);
  });
});
