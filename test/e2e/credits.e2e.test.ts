import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Customer and vendor credits through the gateway with real tokens, on the demo Panama client
 * (base PAB): a receipt leaving an unapplied amount, applied later with applyCustomerCredit, a
 * credit note standing alone refunded with createCustomerRefund, the aging showing the credit,
 * voids in the right order; a vendor advance applied to a bill and refunded.
 */
let s: TestStack;
const SLUG = 'cafe-boquete';
const as = (who: 'senior' | 'junior' | 'client') => s.as(who, SLUG);

const DOC = `id number kind total openCredit openBalance voided
  allocations { amount invoice { id number } }
  entry { lines { account { code } debit credit } }`;
type Doc = {
  id: string;
  number: string;
  kind: string;
  total: string;
  openCredit: string | null;
  openBalance: string | null;
  voided: boolean;
  allocations: { amount: string; invoice: { id: string; number: string } }[];
  entry: { lines: { account: { code: string }; debit: string; credit: string }[] };
};
const lines = (d: Doc) => d.entry.lines.map((l) => [l.account.code, l.debit, l.credit]);
const parties: Record<string, string> = {};

async function ok<T>(p: Promise<{ data?: T | null; errors?: unknown }>): Promise<T> {
  const r = await p;
  expect(r.errors).toBeUndefined();
  return r.data as T;
}

async function invoice(
  family: 'SALES' | 'PURCHASING',
  amount: string,
  date: string,
  partyId = family === 'SALES' ? parties.C : parties.V,
): Promise<Doc> {
  const [create, post] =
    family === 'SALES'
      ? ['createSalesInvoice', 'approveSalesInvoice']
      : ['createPurchaseInvoice', 'postPurchaseInvoice'];
  const draft = await ok<Record<string, { id: string }>>(
    as('senior')(`mutation($input: InvoiceDraftInput!) { ${create}(input: $input) { id } }`, {
      input: {
        partyId,
        documentDate: date,
        lines: [
          {
            accountCode: family === 'SALES' ? '4102' : '6301',
            quantity: '1',
            unitPrice: amount,
            taxCode: 'EXENTO',
          },
        ],
      },
    }),
  );
  const posted = await ok<Record<string, Doc>>(
    as('senior')(`mutation($id: ID!) { ${post}(id: $id) { ${DOC} } }`, { id: draft[create]?.id }),
  );
  return posted[post] as Doc;
}

async function money(
  mutation: 'createCustomerReceipt' | 'createVendorPayment' | 'createCustomerRefund' | 'createVendorRefund',
  partyId: string,
  amount: string,
  allocations: { invoiceId: string; amount: string }[],
  date: string,
): Promise<Doc> {
  const draft = await ok<Record<string, { id: string }>>(
    as('junior')(`mutation($input: PaymentDraftInput!) { ${mutation}(input: $input) { id } }`, {
      input: { partyId, documentDate: date, amount, allocations },
    }),
  );
  const posted = await ok<{ postPayment: Doc }>(
    as('senior')(`mutation($id: ID!) { postPayment(id: $id) { ${DOC} } }`, { id: draft[mutation]?.id }),
  );
  return posted.postPayment;
}

const APPLY = (m: 'applyCustomerCredit' | 'applyVendorCredit') =>
  `mutation($input: ApplyCreditInput!) { ${m}(input: $input) { ${DOC} } }`;
const VOID = `mutation($id: ID!, $reason: String!) { voidPayment(id: $id, reason: $reason, voidDate: "2026-06-30") { id voided } }`;
const reason = 'Applied to the wrong invoice, per the customer';

beforeAll(async () => {
  s = await startTestStack();
  for (const [key, kind] of [
    ['C', 'CUSTOMER'],
    ['V', 'VENDOR'],
    ['D', 'CUSTOMER'],
  ] as const) {
    const r = await ok<{ createParty: { id: string } }>(
      as('senior')(`mutation($input: CreatePartyInput!) { createParty(input: $input) { id } }`, {
        input: { kind, code: `CR-${key}`, name: `Credit ${kind.toLowerCase()}` },
      }),
    );
    parties[key] = r.createParty.id;
  }
});
afterAll(() => s?.close());

describe('customer credits through the gateway', () => {
  it('a PAB 500.00 prepayment is on account (openCredit 500.00, aging -500.00), PAB 300.00 applied to a PAB 300.00 invoice, PAB 250.00 more refused OVER_ALLOCATION, PAB 200.00 refunded', async () => {
    const pre = await money('createCustomerReceipt', parties.C as string, '500.00', [], '2026-06-02');
    expect(pre).toMatchObject({ kind: 'CUSTOMER_RECEIPT', openCredit: '500.00', allocations: [] });
    expect(lines(pre)).toEqual([
      ['1110', '500.00', '0.00'],
      ['1201', '0.00', '500.00'],
    ]);
    const aging = await ok<{ arAging: { rows: { party: { code: string }; base: { total: string } }[] } }>(
      as('senior')(`query { arAging(asOf: "2026-06-02") { rows { party { code } base { total } } } }`),
    );
    expect(aging.arAging.rows.find((r) => r.party.code === 'CR-C')?.base.total).toBe('-500.00');

    const inv = await invoice('SALES', '300.00', '2026-06-03');
    // The junior may draft receipts but not post: applying a credit is posting.
    const input = { creditId: pre.id, invoiceId: inv.id, amount: '300.00', date: '2026-06-04' };
    expect(codes(await as('junior')(APPLY('applyCustomerCredit'), { input }))).toEqual(['FORBIDDEN']);
    const app = (
      await ok<{ applyCustomerCredit: Doc }>(as('senior')(APPLY('applyCustomerCredit'), { input }))
    ).applyCustomerCredit;
    expect(app).toMatchObject({ kind: 'CUSTOMER_CREDIT_APPLICATION', total: '300.00' });
    expect(app.number).toMatch(/^CAPP-2026-\d{6}$/);
    expect(lines(app)).toEqual([
      ['1201', '300.00', '0.00'],
      ['1201', '0.00', '300.00'],
    ]);
    const over = await as('senior')(APPLY('applyCustomerCredit'), {
      input: { ...input, amount: '250.00', idempotencyKey: undefined },
    });
    expect(codes(over)).toEqual(['OVER_ALLOCATION']);

    const refund = await money(
      'createCustomerRefund',
      parties.C as string,
      '200.00',
      [{ invoiceId: pre.id, amount: '200.00' }],
      '2026-06-05',
    );
    expect(refund.number).toMatch(/^RFND-2026-\d{6}$/);
    expect(lines(refund)).toEqual([
      ['1201', '200.00', '0.00'],
      ['1110', '0.00', '200.00'],
    ]);
    const after = await ok<{ document: Doc }>(
      as('senior')(`query($id: ID!) { document(id: $id) { ${DOC} } }`, { id: pre.id }),
    );
    expect(after.document.openCredit).toBe('0.00');

    // The receipt cannot be voided while its credit is used; void the uses first.
    expect(codes(await as('senior')(VOID, { id: pre.id, reason }))).toEqual(['DOCUMENT_HAS_SETTLEMENTS']);
    await ok(as('senior')(VOID, { id: app.id, reason }));
    await ok(as('senior')(VOID, { id: refund.id, reason }));
    await ok(as('senior')(VOID, { id: pre.id, reason }));
    const events = await s.tenantSql<{ action: string }>(
      SLUG,
      `SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY id`,
      [app.id],
    );
    expect(events.map((e) => e.action)).toEqual(['document.posted', 'document.voided']);
  });

  it('a PAB 80.00 credit note standing alone is a credit the customer is refunded', async () => {
    const draft = await ok<{ createCreditNote: { id: string } }>(
      as('senior')(`mutation($input: InvoiceDraftInput!) { createCreditNote(input: $input) { id } }`, {
        input: {
          partyId: parties.C,
          documentDate: '2026-06-10',
          lines: [{ accountCode: '4201', quantity: '1', unitPrice: '80', taxCode: 'EXENTO' }],
        },
      }),
    );
    const cn = (
      await ok<{ approveSalesInvoice: Doc }>(
        as('senior')(`mutation($id: ID!) { approveSalesInvoice(id: $id) { ${DOC} } }`, {
          id: draft.createCreditNote.id,
        }),
      )
    ).approveSalesInvoice;
    expect(cn).toMatchObject({ openCredit: '80.00', allocations: [] });
    const refund = await money(
      'createCustomerRefund',
      parties.C as string,
      '80.00',
      [{ invoiceId: cn.id, amount: '80.00' }],
      '2026-06-11',
    );
    expect(refund.allocations).toEqual([{ amount: '80.00', invoice: { id: cn.id, number: cn.number } }]);
  });
});

describe('vendor credits through the gateway', () => {
  it('a PAB 1,000.00 advance to a vendor is applied to a PAB 600.00 bill and PAB 400.00 is refunded by the vendor', async () => {
    const adv = await money('createVendorPayment', parties.V as string, '1000.00', [], '2026-06-02');
    expect(lines(adv)).toEqual([
      ['2101', '1000.00', '0.00'],
      ['1110', '0.00', '1000.00'],
    ]);
    const bill = await invoice('PURCHASING', '600.00', '2026-06-03');
    const app = (
      await ok<{ applyVendorCredit: Doc }>(
        as('senior')(APPLY('applyVendorCredit'), {
          input: { creditId: adv.id, invoiceId: bill.id, amount: '600.00', date: '2026-06-03' },
        }),
      )
    ).applyVendorCredit;
    expect(lines(app)).toEqual([
      ['2101', '0.00', '600.00'],
      ['2101', '600.00', '0.00'],
    ]);
    const refund = await money(
      'createVendorRefund',
      parties.V as string,
      '400.00',
      [{ invoiceId: adv.id, amount: '400.00' }],
      '2026-06-04',
    );
    expect(lines(refund)).toEqual([
      ['1110', '400.00', '0.00'],
      ['2101', '0.00', '400.00'],
    ]);
    const ap = await ok<{ apAging: { rows: { party: { code: string } }[] } }>(
      as('senior')(`query { apAging(asOf: "2026-06-30") { rows { party { code } } } }`),
    );
    // Nothing open or on account: the vendor has no row.
    expect(ap.apAging.rows.some((r) => r.party.code === 'CR-V')).toBe(false);
  });
});

describe('a settlement follows its invoice; a party leaves only with nothing open', () => {
  const DEACTIVATE = `mutation($id: ID!) { deactivateParty(id: $id) { id active } }`;
  const activeOf = async (id: string) =>
    (
      await ok<{ party: { active: boolean } }>(
        as('senior')(`query($id: ID!) { party(id: $id) { active } }`, { id }),
      )
    ).party.active;

  it('a receipt dated 2026-07-14 for an invoice of 2026-07-15 is refused and writes nothing; money received first stays on account', async () => {
    const D = parties.D as string;
    const inv = await invoice('SALES', '100.00', '2026-07-15', D);
    const early = await as('junior')(
      `mutation($input: PaymentDraftInput!) { createCustomerReceipt(input: $input) { id } }`,
      {
        input: {
          partyId: D,
          documentDate: '2026-07-14',
          amount: '100.00',
          allocations: [{ invoiceId: inv.id, amount: '100.00' }],
        },
      },
    );
    expect(codes(early)).toEqual(['BAD_USER_INPUT']);
    expect(early.errors?.[0]?.message).toContain(`${inv.number} is dated 2026-07-15, after 2026-07-14`);
    expect(early.errors?.[0]?.extensions?.field).toBe('allocations[0].invoiceId');
    const drafts = await s.tenantSql<{ n: number }>(
      SLUG,
      `SELECT count(*)::int AS n FROM documents WHERE party_id = $1 AND kind = 'CUSTOMER_RECEIPT'`,
      [D],
    );
    expect(drafts[0]?.n).toBe(0);
    // A credit note dated before the invoice it corrects is refused the same way.
    const note = await as('senior')(
      `mutation($input: InvoiceDraftInput!) { createCreditNote(input: $input) { id } }`,
      {
        input: {
          partyId: D,
          documentDate: '2026-07-10',
          appliesToId: inv.id,
          lines: [{ accountCode: '4201', quantity: '1', unitPrice: '10', taxCode: 'EXENTO' }],
        },
      },
    );
    expect(codes(note)).toEqual(['BAD_USER_INPUT']);
    expect(note.errors?.[0]?.extensions?.field).toBe('appliesToId');
  });

  it('deactivating a customer with a PAB 100.00 open invoice, then with PAB 20.00 on account, is refused PARTY_HAS_OPEN_ITEMS; once refunded it is deactivated', async () => {
    const D = parties.D as string;
    const refused = await as('senior')(DEACTIVATE, { id: D });
    expect(codes(refused)).toEqual(['PARTY_HAS_OPEN_ITEMS']);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ drafts: 0, openInvoices: 1, openCredits: 0 });
    expect(await activeOf(D)).toBe(true);

    const [inv] = await s.tenantSql<{ id: string }>(
      SLUG,
      `SELECT id FROM documents WHERE party_id = $1 AND kind = 'SALES_INVOICE'`,
      [D],
    );
    const receipt = await money(
      'createCustomerReceipt',
      D,
      '120.00',
      [{ invoiceId: inv?.id as string, amount: '100.00' }],
      '2026-07-16',
    );
    expect(receipt.openCredit).toBe('20.00');
    const again = await as('senior')(DEACTIVATE, { id: D });
    expect(again.errors?.[0]?.extensions).toMatchObject({
      code: 'PARTY_HAS_OPEN_ITEMS',
      openInvoices: 0,
      openCredits: 1,
    });
    // updateParty(active: false) is the same door.
    const viaUpdate = await as('senior')(
      `mutation($id: ID!) { updateParty(id: $id, input: { active: false }) { id } }`,
      { id: D },
    );
    expect(codes(viaUpdate)).toEqual(['PARTY_HAS_OPEN_ITEMS']);
    expect(await activeOf(D)).toBe(true);

    await money(
      'createCustomerRefund',
      D,
      '20.00',
      [{ invoiceId: receipt.id, amount: '20.00' }],
      '2026-07-17',
    );
    // A draft left behind blocks too: it could never be posted for an inactive customer.
    const draft = await ok<{ createSalesInvoice: { id: string } }>(
      as('senior')(`mutation($input: InvoiceDraftInput!) { createSalesInvoice(input: $input) { id } }`, {
        input: {
          partyId: D,
          documentDate: '2026-07-18',
          lines: [{ accountCode: '4102', quantity: '1', unitPrice: '5', taxCode: 'EXENTO' }],
        },
      }),
    );
    const withDraft = await as('senior')(DEACTIVATE, { id: D });
    expect(withDraft.errors?.[0]?.extensions).toMatchObject({
      code: 'PARTY_HAS_OPEN_ITEMS',
      drafts: 1,
      openInvoices: 0,
      openCredits: 0,
    });
    await ok(
      as('senior')(`mutation($id: ID!) { discardDocumentDraft(id: $id) { id } }`, {
        id: draft.createSalesInvoice.id,
      }),
    );

    const done = await ok<{ deactivateParty: { active: boolean } }>(as('senior')(DEACTIVATE, { id: D }));
    expect(done.deactivateParty.active).toBe(false);
    const events = await s.tenantSql<{ action: string }>(
      SLUG,
      `SELECT action FROM audit_events WHERE entity_id = $1 AND action = 'party.updated'`,
      [D],
    );
    expect(events).toHaveLength(1);
  });
});
