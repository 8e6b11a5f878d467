import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, gql, type Nodes, nodes } from '../support/client.ts';
import { credentials, ENTRY, entryInput, partnerKit, REASON } from '../support/integrations.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Partner integrations' trusted documents (published per application version, checked against
 * the schema and the grants, the only operations an integration runs) and entity keys, through
 * the gateway.
 */
let harness: TestStack;

beforeAll(async () => {
  harness = await startTestStack();
});

afterAll(() => harness?.close());

const { as, controlRows, newSecret, grant, token, partner } = partnerKit(() => harness);

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
        errors?: { message?: string; extensions?: { code?: string } }[];
      }),
    };
  };
  const codeOf = (r: { errors?: { extensions?: { code?: string } }[] }) =>
    r.errors?.map((e) => e.extensions?.code);
  const messageOf = (r: { errors?: { message?: string }[] }) => r.errors?.[0]?.message;
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
    // The supergraph has no Subscription type: graphql-js's rules do not say so, the check does.
    const subscription = 'subscription { x }';
    const noRoot = await publish(id, '1.0.1', {
      [idOf(ACCOUNTS)]: ACCOUNTS,
      [idOf(subscription)]: subscription,
    });
    expect(codes(noRoot)).toEqual(['BAD_USER_INPUT']);
    expect(noRoot.errors?.[0]?.extensions).toMatchObject({ documentId: idOf(subscription) });
    expect(noRoot.errors?.[0]?.message).toMatch(/subscription/);
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
    // A second version, and both a page at a time (trustedDocumentVersionsConnection), oldest first.
    expect(codes(await publish(id, '1.1.0', { [idOf(ACCOUNTS)]: ACCOUNTS }))).toEqual([]);
    type Versions = {
      integration: {
        trustedDocumentVersionsConnection: {
          edges: { node: { appVersion: string; documents: number } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      };
    };
    const PAGE = `query($id: ID!, $a: String) { integration(id: $id) {
        trustedDocumentVersionsConnection(first: 1, after: $a) { edges { node { appVersion documents } } pageInfo { hasNextPage endCursor } } } }`;
    const p1 = (await as('admin')<Versions>(PAGE, { id })).data!.integration
      .trustedDocumentVersionsConnection;
    expect(p1.edges.map((e) => e.node)).toEqual([{ appVersion: '1.0.0', documents: 2 }]);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = (await as('admin')<Versions>(PAGE, { id, a: p1.pageInfo.endCursor })).data!.integration
      .trustedDocumentVersionsConnection;
    expect(p2.edges.map((e) => e.node)).toEqual([{ appVersion: '1.1.0', documents: 1 }]);
    expect(p2.pageInfo.hasNextPage).toBe(false);
    const tooMany = `query($id: ID!) { integration(id: $id) { trustedDocumentVersionsConnection(first: 501) { edges { cursor } } } }`;
    expect(codes(await as('admin')(tooMany, { id }))).toEqual(['BAD_USER_INPUT']);
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
    // An operation the document does not hold is not a mutation: 400 saying so, as a POST gets.
    const noSuchOperation = await send(t, { documentId: idOf(ACCOUNTS), operationName: 'Nope' }, 'GET');
    expect({ status: noSuchOperation.status, codes: codeOf(noSuchOperation) }).toEqual({
      status: 400,
      codes: ['BAD_REQUEST'],
    });
    expect(messageOf(noSuchOperation)).toMatch(/Nope/);
    // GET's parameters are named as GET's, never as a POST body's.
    for (const parameter of ['variables', 'extensions']) {
      const notAnObject = await send(t, { documentId: idOf(ACCOUNTS), [parameter]: [1] }, 'GET');
      expect({ status: notAnObject.status, codes: codeOf(notAnObject) }).toEqual({
        status: 400,
        codes: ['BAD_REQUEST'],
      });
      expect(messageOf(notAnObject)).toBe(
        `The ${parameter} search parameter should contain a JSON-encoded object.`,
      );
    }
    const posted = await send(t, { documentId: idOf(POST), variables: entryInput('trusted post') });
    expect(codeOf(posted)).toBeUndefined();

    const raw = await send(t, { query: ACCOUNTS });
    expect({ status: raw.status, codes: codeOf(raw) }).toEqual({
      status: 400,
      codes: ['PERSISTED_DOCUMENT_REQUIRED'],
    });
    expect(codeOf(await send(t, { query: ACCOUNTS }, 'GET'))).toEqual(['PERSISTED_DOCUMENT_REQUIRED']);
    const other = '{ parties { edges { node { code } } } }';
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
    // A person's hash names one of the console's documents (docs/console.md): this one is none.
    expect(
      ((await apq.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
    ).toBe('PERSISTED_DOCUMENT_NOT_FOUND');
    // People may still send text (STAFF_TRUSTED_DOCUMENTS_ONLY is off).
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
    const listed = await as('admin')<{ entityKeysConnection: Nodes<{ id: string }> }>(
      '{ entityKeysConnection(tenant: "cafe-boquete") { edges { node { id } } } }',
    );
    expect(nodes(listed.data?.entityKeysConnection).map((k) => k.id)).toEqual([key?.id]);
    const elsewhere = await as('admin')<{ entityKeysConnection: Nodes<{ id: string }> }>(
      '{ entityKeysConnection(tenant: "ferreteria-colon") { edges { node { id } } } }',
    );
    expect(nodes(elsewhere.data?.entityKeysConnection)).toEqual([]);
    expect(codes(await grant(key!.id, 'ferreteria-colon', ['GL.Read']))).toEqual(['BAD_USER_INPUT']);
    // Granted again on its own client, it moves between the ready-made grants, never past them.
    const widened = await grant(key!.id, 'cafe-boquete', ['GL.Read', 'GL.Post', 'Period.Close']);
    expect(widened.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      beyondEntityKey: ['GL.Post', 'Period.Close'],
    });
    expect(codes(await grant(key!.id, 'cafe-boquete', ['GL.Read', 'Invoice.Create']))).toEqual([]);
    expect(
      codes(await grant(key!.id, 'cafe-boquete', ['FX.Read', 'GL.Read', 'Period.Read', 'Tenant.Read'])),
    ).toEqual([]);
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
