import { CONTEXT_HEADER, ContextSigner, generateContextKeys } from '@cifra/context';
import { control } from '@cifra/db';
import { ERROR_CATALOGUE } from '@cifra/domain';
import { signLocalToken } from '@cifra/gateway';
import type { Stack } from '@cifra/ops';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientToday, provisionedYear } from '../support/books-year.ts';
import { codes, gql, type Nodes, nodes } from '../support/client.ts';
import { type DemoUser, startTestStack, type TestStack } from '../support/stack.ts';

let harness: TestStack;
let stack: Stack;

beforeAll(async () => {
  harness = await startTestStack();
  stack = harness.stack;
});

afterAll(() => harness?.close());

const as = (who: DemoUser, tenant?: string) => harness.as(who, tenant);

/** Rows in a client's journal, counted as the owner straight in its own database. */
async function entryCount(slug: string): Promise<number> {
  const [row] = await harness.tenantSql<{ n: number }>(
    slug,
    'SELECT count(*)::int AS n FROM journal_entries',
  );
  return row?.n ?? -1;
}

const POST = `mutation Post($input: PostJournalEntryInput!) {
  postJournalEntry(input: $input) { id number postingDate lines { account { code } debit credit originalCurrency originalAmount } }
}`;
const TB = `query TB($asOf: Date!) { trialBalance(asOf: $asOf) { totalDebit totalCredit rows { accountCode debit credit } } }`;

const entry = (over: Record<string, unknown> = {}, lines?: unknown[]) => ({
  input: {
    postingDate: clientToday(),
    memo: 'e2e',
    lines: lines ?? [
      { accountCode: '1110', debit: '250.00' },
      { accountCode: '4101', credit: '250.00' },
    ],
    ...over,
  },
});

describe('authentication and tenancy', () => {
  it('refuses a request without a token', async () => {
    const r = await gql(stack.gatewayUrl)('{ me { email } }');
    expect(r.status).toBe(401);
    expect(codes(r)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a forged token', async () => {
    const keys = await generateContextKeys();
    const forged = await signLocalToken(keys.privateJwk, 'admin@demo.firm');
    const r = await gql(stack.gatewayUrl, forged)('{ me { email } }');
    expect(codes(r)).toEqual(['UNAUTHENTICATED']);
  });

  it('lists the five demo clients for the firm-wide senior', async () => {
    const r = await as('senior')<{ me: { tenantsConnection: Nodes<{ slug: string; role: string }> } }>(
      '{ me { email tenantsConnection { edges { node { slug name role } } } } }',
    );
    const tenants = nodes(r.data?.me.tenantsConnection);
    expect(tenants.map((t) => t.slug)).toHaveLength(5);
    expect(new Set(tenants.map((t) => t.role))).toEqual(new Set(['SENIOR']));
  });

  it('serves the catalogue of error codes to anyone signed in, and the enum lists the same codes', async () => {
    const r = await as('client')<{
      errorCodes: { code: string; group: string; errorGroup: string; description: string }[];
    }>('{ errorCodes { code group errorGroup description } }');
    expect(r.errors).toBeUndefined();
    const listed = r.data!.errorCodes.map((e) => e.code);
    expect(listed).toEqual(Object.keys(ERROR_CATALOGUE));
    expect(r.data!.errorCodes.find((e) => e.code === 'PERIOD_LOCKED')).toMatchObject({
      group: 'posting',
      errorGroup: 'POSTING',
    });
    expect(r.data!.errorCodes.find((e) => e.code === 'PAYLOAD_TOO_LARGE')?.errorGroup).toBe('HTTP');
    const anonymous = await gql(stack.gatewayUrl)('{ errorCodes { code } }');
    expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
  });

  it('shows the client user exactly one client, read-only, and refuses the others', async () => {
    const r = await as('client')<{ me: { tenantsConnection: Nodes<{ slug: string; role: string }> } }>(
      '{ me { tenantsConnection { edges { node { slug role } } } } }',
    );
    expect(nodes(r.data?.me.tenantsConnection)).toEqual([{ slug: 'cafe-boquete', role: 'CLIENT_READ_ONLY' }]);
    const other = await as('client', 'ferreteria-colon')('{ accounts { code } }');
    expect(other.status).toBe(403);
    expect(codes(other)).toEqual(['FORBIDDEN']);
    const post = await as('client', 'cafe-boquete')(POST, entry());
    expect(codes(post)).toEqual(['FORBIDDEN']);
  });

  it('refuses an unknown client the same way as a foreign one', async () => {
    const unknown = await as('senior', 'no-such-client')('{ accounts { code } }');
    expect(codes(unknown)).toEqual(['FORBIDDEN']);
    expect(unknown.errors?.[0]?.message).toBe('You have no access to client no-such-client');
    // What is not a slug is not echoed back.
    const odd = await as('senior', 'cafe-boquete, <b>x</b>')('{ accounts { code } }');
    expect(codes(odd)).toEqual(['FORBIDDEN']);
    expect(odd.errors?.[0]?.message).toBe('You have no access to the client named in X-Tenant');
  });

  it('describes the current client', async () => {
    const r = await as(
      'senior',
      'cafe-boquete',
    )<{ tenant: Record<string, unknown> }>('{ tenant { slug name baseCurrency timezone region } }');
    expect(r.data?.tenant).toMatchObject({
      slug: 'cafe-boquete',
      baseCurrency: 'PAB',
      timezone: 'America/Panama',
      region: 'PA',
    });
  });
});

describe('a subgraph believes only the gateway', () => {
  it('refuses a direct call with a tenant header but no signed context', async () => {
    const r = await fetch(stack.subgraphUrls.ledger!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tenant': 'cafe-boquete' },
      body: JSON.stringify({ query: '{ accounts { code } }' }),
    });
    expect(r.status).toBe(401);
    expect(
      ((await r.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
    ).toBe('UNAUTHENTICATED');
  });

  it('refuses a context signed with any key but the gateway’s', async () => {
    const [t] = await stack.control.db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.slug, 'cafe-boquete'));
    const forger = await ContextSigner.fromJwk((await generateContextKeys()).privateJwk);
    const forged = await forger.sign(
      {
        userId: t!.id,
        email: 'mallory@example.com',
        tenant: { id: t!.id, slug: t!.slug },
        permissions: ['GL.Read'],
        firm: { id: t!.firmId, role: 'FirmAdmin', permissions: [] },
        client: { name: null, version: null },
      },
      'ledger',
    );
    const r = await fetch(stack.subgraphUrls.ledger!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CONTEXT_HEADER]: forged },
      body: JSON.stringify({ query: '{ accounts { code } }' }),
    });
    expect(r.status).toBe(401);
  });
});

describe('posting through the gateway', () => {
  it('lists the chart of accounts', async () => {
    const r = await as(
      'senior',
      'cafe-boquete',
    )<{ accounts: { code: string; type: string }[] }>('{ accounts { code name type } }');
    expect(r.data?.accounts.length).toBeGreaterThan(30);
    expect(r.data?.accounts.find((a) => a.code === '1110')?.type).toBe('ASSET');
  });

  it('posts a balanced entry that shows in this client’s trial balance and in no other', async () => {
    const asOf = '2099-12-31';
    const before = await as('senior', 'cafe-boquete')<{ trialBalance: { totalDebit: string } }>(TB, { asOf });
    const otherBefore = await as('senior', 'ferreteria-colon')(TB, { asOf });
    const posted = await as('senior', 'cafe-boquete')<{
      postJournalEntry: { number: string; lines: unknown[] };
    }>(POST, entry({ idempotencyKey: 'e2e-once' }));
    expect(posted.errors).toBeUndefined();
    expect(posted.data?.postJournalEntry.number).toMatch(/^JE-\d{4}-\d{6}$/);
    expect(posted.data?.postJournalEntry.lines).toEqual([
      {
        account: { code: '1110' },
        debit: '250.00',
        credit: '0.00',
        originalCurrency: 'PAB',
        originalAmount: '250.00',
      },
      {
        account: { code: '4101' },
        debit: '0.00',
        credit: '250.00',
        originalCurrency: 'PAB',
        originalAmount: '250.00',
      },
    ]);
    const after = await as('senior', 'cafe-boquete')<{
      trialBalance: { totalDebit: string; totalCredit: string };
    }>(TB, { asOf });
    expect(after.data?.trialBalance.totalDebit).toBe(after.data?.trialBalance.totalCredit);
    expect(after.data).not.toEqual(before.data);
    expect(await as('senior', 'ferreteria-colon')(TB, { asOf })).toEqual(otherBefore);
  });

  it('returns the first result for a reused idempotency key and posts nothing new', async () => {
    const first = await as('senior', 'panaderia-valle')<{ postJournalEntry: { id: string; number: string } }>(
      POST,
      entry({ idempotencyKey: 'retry-me' }),
    );
    const count = await entryCount('panaderia-valle');
    const again = await as('senior', 'panaderia-valle')<{ postJournalEntry: { id: string; number: string } }>(
      POST,
      entry({ idempotencyKey: 'retry-me' }),
    );
    expect(again.data?.postJournalEntry).toEqual(first.data?.postJournalEntry);
    expect(await entryCount('panaderia-valle')).toBe(count);
  });

  it('lets the junior read the books but not post a manual entry', async () => {
    expect((await as('junior', 'cafe-boquete')('{ accounts { code } }')).errors).toBeUndefined();
    expect(codes(await as('junior', 'cafe-boquete')(POST, entry()))).toEqual(['FORBIDDEN']);
  });

  it('finds an entry by id, answers null for an unknown one and BAD_USER_INPUT for a malformed one', async () => {
    const JE = 'query JE($id: ID!) { journalEntry(id: $id) { id number } }';
    const posted = await as('senior', 'cafe-boquete')<{ postJournalEntry: { id: string; number: string } }>(
      POST,
      entry({ idempotencyKey: 'find-me' }),
    );
    const { id, number } = posted.data!.postJournalEntry;
    const found = await as('senior', 'cafe-boquete')(JE, { id: id.toUpperCase() });
    expect(found.data).toEqual({ journalEntry: { id, number } });
    const unknown = await as('senior', 'cafe-boquete')(JE, { id: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data).toEqual({ journalEntry: null });
    for (const bad of ['not-a-uuid', '123', `${id}x`, "'; DROP TABLE gl_lines; --"]) {
      const r = await as('senior', 'cafe-boquete')(JE, { id: bad });
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors?.[0]?.extensions).toMatchObject({ field: 'id' });
    }
  });

  const refusals: [string, Record<string, unknown>, string][] = [
    [
      'an unbalanced entry',
      entry({}, [
        { accountCode: '1110', debit: '100.00' },
        { accountCode: '4101', credit: '99.99' },
      ]),
      'UNBALANCED_ENTRY',
    ],
    [
      'an unknown account',
      entry({}, [
        { accountCode: '9999', debit: '1.00' },
        { accountCode: '4101', credit: '1.00' },
      ]),
      'BAD_USER_INPUT',
    ],
    [
      'an exponent in money',
      entry({}, [
        { accountCode: '1110', debit: '1e3' },
        { accountCode: '4101', credit: '1000.00' },
      ]),
      'BAD_USER_INPUT',
    ],
    [
      'more decimals than the currency has',
      entry({}, [
        { accountCode: '1110', debit: '0.001' },
        { accountCode: '4101', credit: '0.001' },
      ]),
      'BAD_USER_INPUT',
    ],
    [
      'a number instead of a decimal string',
      entry({}, [
        { accountCode: '1110', debit: 100 },
        { accountCode: '4101', credit: '100.00' },
      ]),
      'BAD_USER_INPUT',
    ],
    ['a date in no period', entry({ postingDate: '2031-01-15' }), 'PERIOD_NOT_FOUND'],
    ['an impossible date', entry({ postingDate: '2026-02-30' }), 'BAD_USER_INPUT'],
  ];

  it.each(refusals)('refuses %s and writes nothing', async (_name, variables, code) => {
    const before = await entryCount('logistica-canal');
    const r = await as('senior', 'logistica-canal')(POST, variables);
    expect(codes(r)).toEqual([code]);
    expect(await entryCount('logistica-canal')).toBe(before);
  });

  it('refuses a literal "1e3" in the query text as BAD_USER_INPUT too', async () => {
    const r = await as(
      'senior',
      'logistica-canal',
    )(
      `mutation { postJournalEntry(input: { postingDate: "2026-11-02", lines: [
        { accountCode: "1110", debit: "1e3" }, { accountCode: "4101", credit: "1000.00" }] }) { id } }`,
    );
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses a period that is not open, naming it, and writes nothing', async () => {
    await harness.tenantSql(
      'clinica-costa',
      `UPDATE posting_periods SET state = 'LOCKED' WHERE start_date <= $1 AND end_date >= $1`,
      ['2026-11-10'],
    );
    const before = await entryCount('clinica-costa');
    const r = await as('senior', 'clinica-costa')(POST, entry({ postingDate: '2026-11-10' }));
    expect(codes(r)).toEqual(['PERIOD_LOCKED']);
    expect(r.errors?.[0]?.extensions).toMatchObject({ state: 'LOCKED', period: '2026-11' });
    expect(await entryCount('clinica-costa')).toBe(before);
  });
});

describe('onboarding a client', () => {
  const PROVISION = `mutation P($input: ProvisionTenantInput!) { provisionTenant(input: $input) { slug name baseCurrency timezone region status whiteLabel { displayName brandColor } } }`;

  it('provisions a client that firm-wide users see at once, with its own books', async () => {
    const r = await as('admin')(PROVISION, {
      input: {
        slug: 'nuevo-cliente',
        name: 'Nuevo Cliente, S.A.',
        whiteLabel: { displayName: 'Nuevo', brandColor: '#112233' },
      },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data?.provisionTenant).toEqual({
      slug: 'nuevo-cliente',
      name: 'Nuevo Cliente, S.A.',
      baseCurrency: 'PAB',
      timezone: 'America/Panama',
      region: 'PA',
      status: 'ACTIVE',
      whiteLabel: { displayName: 'Nuevo', brandColor: '#112233' },
    });
    const periods = await as(
      'senior',
      'nuevo-cliente',
    )<{ periods: { state: string }[] }>(`{ periods(fiscalYear: ${provisionedYear()}) { year month state } }`);
    expect(periods.data?.periods).toHaveLength(12);
    expect(new Set(periods.data?.periods.map((p) => p.state))).toEqual(new Set(['UNLOCKED']));
    const tb = await as('senior', 'nuevo-cliente')<{ trialBalance: { rows: unknown[] } }>(TB, {
      asOf: '2099-12-31',
    });
    expect(tb.data?.trialBalance.rows).toEqual([]);
  });

  it('refuses a duplicate slug, a bad slug, and a caller without Tenant.Provision', async () => {
    expect(codes(await as('admin')(PROVISION, { input: { slug: 'cafe-boquete', name: 'x' } }))).toEqual([
      'TENANT_EXISTS',
    ]);
    expect(codes(await as('admin')(PROVISION, { input: { slug: 'Bad Slug', name: 'x' } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(codes(await as('senior')(PROVISION, { input: { slug: 'by-senior', name: 'x' } }))).toEqual([
      'FORBIDDEN',
    ]);
  });

  it('records provisioning and posting in the client’s audit trail', async () => {
    const r = await as(
      'admin',
      'cafe-boquete',
    )<{ auditEvents: { edges: { node: { action: string } }[] } }>(
      '{ auditEvents(first: 200) { edges { node { action actorEmail } } pageInfo { hasNextPage } } }',
    );
    const actions = new Set(r.data?.auditEvents.edges.map((e) => e.node.action));
    expect(actions.has('tenant.provisioned')).toBe(true);
    expect(actions.has('journal_entry.posted')).toBe(true);
  });
});
