import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  CifraError,
  createPartnerClient,
  type PartnerClient,
  PERMISSIONS,
  persistedDocuments,
  type TrialBalance,
  todayIn,
} from '@cifra/example-partner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes } from '../support/client.ts';
import { partnerKit } from '../support/integrations.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The example partner of docs/partners.md (docs/examples/partner) against a real stack, set up
 * the way the guide tells a firm to: registered by the FirmAdmin, granted cafe-boquete with
 * exactly what its documents need, its codegen manifest published, a secret issued. Then the
 * example's own library (and once its CLI) does the rest.
 */
let harness: TestStack;
const { as, create, grant, newSecret } = partnerKit(() => harness);
// cafe-boquete keeps its books on Panama's calendar (the demo's clients all do).
const today = todayIn('America/Panama');
// Usage is counted by UTC day: from before the first request to after the last.
const utcDay = () => new Date().toISOString().slice(0, 10);
const firstUsageDay = utcDay();
let integrationId: string;
let secret: { clientId: string; secret: string };
let shop: PartnerClient;

/** An amount of the API (a decimal string, e.g. "-43.59") in minor units: never a float. */
const minor = (amount: string): bigint => {
  const m = /^(-?)(\d+)\.(\d{2})$/.exec(amount);
  if (!m) throw new Error(`not a 2-decimal amount: ${amount}`);
  return (m[1] ? -1n : 1n) * (BigInt(m[2]!) * 100n + BigInt(m[3]!));
};
/** Each account's balance, debit positive, in minor units. */
const balances = (tb: TrialBalance) =>
  new Map(tb.rows.map((r) => [r.accountCode, minor(r.debit) - minor(r.credit)]));

beforeAll(async () => {
  harness = await startTestStack();
  const integration = await create('Example Shop');
  integrationId = integration.id;
  const granted = await grant(integrationId, 'cafe-boquete', [...PERMISSIONS]);
  expect(codes(granted)).toEqual([]);
  const published = await as('admin')<{ publishTrustedDocuments: { appVersion: string; documents: number } }>(
    `mutation($id: ID!, $m: JSON!) { publishTrustedDocuments(integrationId: $id, appVersion: "1.0.0", manifest: $m) { appVersion documents } }`,
    { id: integrationId, m: persistedDocuments },
  );
  expect(published.errors).toBeUndefined();
  expect(published.data?.publishTrustedDocuments).toEqual({
    appVersion: '1.0.0',
    documents: Object.keys(persistedDocuments).length,
  });
  secret = await newSecret(integrationId);
  shop = createPartnerClient({
    gatewayUrl: harness.stack.gatewayUrl,
    clientId: secret.clientId,
    clientSecret: secret.secret,
    tenant: 'cafe-boquete',
  });
});

afterAll(() => harness?.close());

describe('the example partner client (docs/examples/partner)', () => {
  it('gets a token, drafts and issues an invoice on its client, and reads it in the trial balance', async () => {
    const token = await shop.fetchToken();
    expect(token.accessToken.split('.')).toHaveLength(3);
    expect(token.expiresInSeconds).toBe(900);

    const before = await shop.trialBalance(today);
    const customer = await shop.ensureCustomer({ code: 'E2E-SHOP', name: 'Tienda en línea' });
    expect(customer).toMatchObject({ code: 'E2E-SHOP', name: 'Tienda en línea' });
    // Found the second time, not created again.
    expect(await shop.ensureCustomer({ code: 'E2E-SHOP', name: 'Tienda en línea' })).toEqual(customer);

    const order = {
      customerId: customer.id,
      date: today,
      reference: 'order-1001',
      lines: [
        {
          description: 'Café de altura, 1 kg',
          accountCode: '4101',
          quantity: '2',
          unitPrice: '18.50',
          taxCode: 'ITBMS7',
        },
        { description: 'Envío', accountCode: '4101', quantity: '1', unitPrice: '4.00', taxCode: 'EXENTO' },
      ],
    };
    const draft = await shop.createInvoiceDraft(order);
    expect(draft).toMatchObject({
      status: 'DRAFT',
      number: null,
      subtotal: '41.00',
      tax: '2.59',
      total: '43.59',
    });
    // A retry with the same order is the same draft (its idempotency key is the order number).
    expect((await shop.createInvoiceDraft(order)).id).toBe(draft.id);

    const invoice = await shop.issueInvoice(draft.id);
    expect(invoice).toMatchObject({
      id: draft.id,
      status: 'POSTED',
      number: expect.stringMatching(/^INV-\d{4}-000001$/),
      total: '43.59',
      postingDate: today,
    });
    // Its entry, account by account (debit positive): the receivable, sales and ITBMS payable.
    const entry = new Map<string, bigint>();
    for (const l of invoice.entry!.lines) {
      const code = l.account!.code;
      entry.set(code, (entry.get(code) ?? 0n) + minor(l.debit) - minor(l.credit));
    }
    expect(entry.get('4101')).toBe(-4100n);
    expect([...entry.values()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual([-4100n, -259n, 4359n]);

    const after = await shop.trialBalance(invoice.postingDate);
    expect(after.totalDebit).toBe(after.totalCredit);
    // The trial balance moved by exactly the invoice's entry, account by account.
    const moved = new Map<string, bigint>();
    const was = balances(before);
    for (const [code, balance] of balances(after)) {
      const delta = balance - (was.get(code) ?? 0n);
      if (delta !== 0n) moved.set(code, delta);
    }
    expect(moved).toEqual(entry);
  });

  it('is refused on a client it was not granted, and writes nothing there', async () => {
    const elsewhere = createPartnerClient({
      gatewayUrl: harness.stack.gatewayUrl,
      clientId: secret.clientId,
      clientSecret: secret.secret,
      tenant: 'ferreteria-colon',
    });
    const refused = await elsewhere.trialBalance(today).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CifraError);
    expect((refused as CifraError).codes).toEqual(['FORBIDDEN']);
    const write = await elsewhere.ensureCustomer({ code: 'E2E-SHOP', name: 'x' }).catch((e: unknown) => e);
    expect((write as CifraError).codes).toEqual(['FORBIDDEN']);
    expect(await harness.tenantSql('ferreteria-colon', 'SELECT id FROM parties')).toEqual([]);
  });

  it('is refused a raw query, even the text of one of its own published documents', async () => {
    const { accessToken } = await shop.fetchToken();
    const text = Object.values(persistedDocuments).find((d) => d.startsWith('query PartnerTrialBalance'));
    expect(text).toBeDefined();
    const res = await fetch(harness.stack.gatewayUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${accessToken}`,
        'x-tenant': 'cafe-boquete',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ query: text, variables: { asOf: today } }),
    });
    const body = (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    expect({
      status: res.status,
      codes: body.errors?.map((e) => e.extensions?.code),
      data: body.data,
    }).toEqual({
      status: 400,
      codes: ['PERSISTED_DOCUMENT_REQUIRED'],
      data: undefined,
    });
  });

  it("is named in the client's audit trail for what it wrote, and its usage is counted by operation", async () => {
    const trail = await harness.as('senior', 'cafe-boquete')<{
      auditEvents: {
        edges: {
          node: {
            action: string;
            actorKind: string;
            actorId: string;
            actorIntegration: { name: string; clientId: string } | null;
          };
        }[];
      };
    }>(
      `query($f: AuditEventFilter) { auditEvents(filter: $f, first: 50) { edges { node { action actorKind actorId actorIntegration { name clientId } } } } }`,
      { f: { actor: integrationId } },
    );
    expect(trail.errors).toBeUndefined();
    const events = trail.data!.auditEvents.edges.map((e) => e.node);
    expect(events.map((e) => e.action).sort()).toEqual([
      'document.drafted',
      'document.posted',
      'journal_entry.posted',
      'party.created',
    ]);
    for (const e of events)
      expect(e).toMatchObject({
        actorKind: 'INTEGRATION',
        actorId: integrationId,
        actorIntegration: { name: 'Example Shop', clientId: secret.clientId },
      });

    const usage = await as('admin')<{
      integrationUsage: { tenant: { slug: string } | null; operation: string; requests: number }[];
    }>(
      `query($id: ID!, $from: Date!, $to: Date!) { integrationUsage(integrationId: $id, from: $from, to: $to) { tenant { slug } operation requests } }`,
      { id: integrationId, from: firstUsageDay, to: utcDay() },
    );
    expect(usage.errors).toBeUndefined();
    const onBoquete: Record<string, number> = {};
    for (const u of usage.data!.integrationUsage)
      if (u.tenant?.slug === 'cafe-boquete')
        onBoquete[u.operation] = (onBoquete[u.operation] ?? 0) + u.requests;
    expect(onBoquete).toMatchObject({
      PartnerTrialBalance: 2,
      PartnerFindCustomer: 2,
      PartnerCreateCustomer: 1,
      PartnerCreateInvoice: 2,
      PartnerIssueInvoice: 1,
    });
  });

  it('runs as a command with its settings in the environment', async () => {
    const packageDir = path.dirname(
      path.dirname(createRequire(import.meta.url).resolve('@cifra/example-partner')),
    );
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: packageDir,
      env: {
        ...process.env,
        CIFRA_GATEWAY_URL: harness.stack.gatewayUrl,
        CIFRA_CLIENT_ID: secret.clientId,
        CIFRA_CLIENT_SECRET: secret.secret,
        CIFRA_TENANT: 'cafe-boquete',
        ORDER_REFERENCE: 'cli-order-1',
        INVOICE_DATE: today,
      },
    });
    expect(stdout).toContain('token: ok, valid 900 s');
    expect(stdout).toContain('customer: WEB-SHOP Online shop customers');
    expect(stdout).toMatch(/invoice issued: INV-\d{4}-000002 POSTED PAB 41\.00 \+ tax 2\.59 = 43\.59/);
    expect(stdout).toMatch(/balanced: yes\n$/);
  });
});
