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

async function invoice(family: 'SALES' | 'PURCHASING', amount: string, date: string): Promise<Doc> {
  const [create, post] =
    family === 'SALES'
      ? ['createSalesInvoice', 'approveSalesInvoice']
      : ['createPurchaseInvoice', 'postPurchaseInvoice'];
  const draft = await ok<Record<string, { id: string }>>(
    as('senior')(`mutation($input: InvoiceDraftInput!) { ${create}(input: $input) { id } }`, {
      input: {
        partyId: family === 'SALES' ? parties.C : parties.V,
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
