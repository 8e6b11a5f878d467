import { pdfText } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Bad-debt write-offs and the receipt tolerance (issue 18 §2) through the gateway with real tokens,
 * on the demo Panama client (base PAB, 6602 Cuentas incobrables bound to BAD_DEBT, 7204 Diferencias
 * menores en cobros to SMALL_DIFFERENCES). Every expected figure is computed here in BigInt cents.
 */
let s: TestStack;
const SLUG = 'cafe-boquete';
const as = (who: 'admin' | 'senior' | 'junior') => s.as(who, SLUG);
const REASON = 'Customer closed its business; the lawyer confirms nothing can be recovered';

const DOC = `id kind number total memo appliesTo { id number }
  allocations { amount smallDifference invoice { id } }
  entry { lines { account { code } debit credit party { id } } }`;
const WRITE_OFF = `mutation($input: BadDebtWriteOffInput!) { writeOffBadDebt(input: $input) { ${DOC} } }`;
const VOID_WRITE_OFF = `mutation($id: ID!, $reason: String!) { voidBadDebtWriteOff(id: $id, reason: $reason) { id voided } }`;
const INVOICE_STATE = `query($id: ID!) { document(id: $id) { settlementStatus openBalance } }`;

type Line = { account: { code: string }; debit: string; credit: string; party: { id: string } | null };
type Doc = {
  id: string;
  kind: string;
  number: string;
  total: string;
  memo: string;
  appliesTo: { id: string; number: string } | null;
  allocations: { amount: string; smallDifference: string; invoice: { id: string } }[];
  entry: { lines: Line[] };
};

const money = (c: bigint) => `${c / 100n}.${String(c % 100n).padStart(2, '0')}`;
const cents = (m: string) => BigInt(m.replace('.', ''));
const lines = (d: Doc) => d.entry.lines.map((l) => [l.account.code, l.debit, l.credit, l.party?.id ?? null]);
let customer: string;

async function ok<T>(r: Promise<{ data?: T | null; errors?: unknown }>): Promise<T> {
  const res = await r;
  expect(res.errors).toBeUndefined();
  return res.data as T;
}

/** A posted PAB invoice of `net` cents at ITBMS 7 %. */
async function invoice(net: bigint): Promise<{ id: string; number: string; total: string }> {
  const draft = await ok<{ createSalesInvoice: { id: string } }>(
    as('senior')(`mutation($input: InvoiceDraftInput!) { createSalesInvoice(input: $input) { id } }`, {
      input: {
        partyId: customer,
        documentDate: '2026-06-01',
        lines: [{ accountCode: '4102', quantity: '1', unitPrice: money(net), taxCode: 'ITBMS7' }],
      },
    }),
  );
  return (
    await ok<{ approveSalesInvoice: { id: string; number: string; total: string } }>(
      as('senior')(`mutation($id: ID!) { approveSalesInvoice(id: $id) { id number total } }`, {
        id: draft.createSalesInvoice.id,
      }),
    )
  ).approveSalesInvoice;
}

async function receive(invoiceId: string, amount: bigint): Promise<Doc> {
  const draft = await ok<{ createCustomerReceipt: { id: string } }>(
    as('senior')(`mutation($input: PaymentDraftInput!) { createCustomerReceipt(input: $input) { id } }`, {
      input: {
        partyId: customer,
        documentDate: '2026-06-15',
        amount: money(amount),
        allocations: [{ invoiceId, amount: money(amount) }],
      },
    }),
  );
  return (
    await ok<{ postPayment: Doc }>(
      as('senior')(`mutation($id: ID!) { postPayment(id: $id) { ${DOC} } }`, {
        id: draft.createCustomerReceipt.id,
      }),
    )
  ).postPayment;
}

async function state(id: string) {
  return (
    await ok<{ document: { settlementStatus: string; openBalance: string } }>(
      as('senior')(INVOICE_STATE, { id }),
    )
  ).document;
}

/** arAging's base total and the receivable account 1201's balance, both in cents. */
async function agingAndControl(): Promise<[bigint, bigint]> {
  const data = await ok<{
    arAging: { totalBase: { total: string } };
    trialBalance: { rows: { accountCode: string; debit: string; credit: string }[] };
  }>(
    as('senior')(
      `query { arAging(asOf: "2026-12-31") { totalBase { total } }
               trialBalance(asOf: "2026-12-31") { rows { accountCode debit credit } } }`,
    ),
  );
  const row = data.trialBalance.rows.find((r) => r.accountCode === '1201');
  const control = row ? cents(row.debit) - cents(row.credit) : 0n;
  return [cents(data.arAging.totalBase.total), control];
}

beforeAll(async () => {
  s = await startTestStack();
  customer = (
    await ok<{ createParty: { id: string } }>(
      as('senior')(`mutation($input: CreatePartyInput!) { createParty(input: $input) { id } }`, {
        input: { kind: 'CUSTOMER', code: 'WO-1', name: 'Restaurante Cerrado SA' },
      }),
    )
  ).createParty.id;
});
afterAll(() => s?.close());

describe('bad-debt write-offs through the gateway', () => {
  it('writes off the PAB 67.00 left of a PAB 107.00 invoice after a PAB 40.00 receipt (6602 debit, 1201 credit), refusing the junior, a short reason and PAB 67.01; voiding re-opens PAB 67.00', async () => {
    const net = 10000n;
    const total = net + (net * 7n) / 100n;
    const inv = await invoice(net);
    expect(cents(inv.total)).toBe(total);
    await receive(inv.id, 4000n);
    const open = total - 4000n;
    const input = { invoiceId: inv.id, documentDate: '2026-06-30', reason: REASON };

    expect(codes(await as('junior')(WRITE_OFF, { input }))).toEqual(['FORBIDDEN']);
    expect(codes(await as('senior')(WRITE_OFF, { input: { ...input, reason: 'uncollectable' } }))).toEqual([
      'REASON_TOO_SHORT',
    ]);
    expect(codes(await as('senior')(WRITE_OFF, { input: { ...input, amount: money(open + 1n) } }))).toEqual([
      'OVER_ALLOCATION',
    ]);
    expect(await state(inv.id)).toEqual({ settlementStatus: 'PARTIALLY_PAID', openBalance: money(open) });

    const wo = (await ok<{ writeOffBadDebt: Doc }>(as('senior')(WRITE_OFF, { input }))).writeOffBadDebt;
    expect(wo).toMatchObject({
      kind: 'BAD_DEBT_WRITE_OFF',
      total: money(open),
      memo: REASON,
      appliesTo: { id: inv.id, number: inv.number },
      allocations: [{ amount: money(open), smallDifference: '0.00', invoice: { id: inv.id } }],
    });
    expect(wo.number).toMatch(/^WO-2026-\d{6}$/);
    expect(lines(wo)).toEqual([
      ['6602', money(open), '0.00', null],
      ['1201', '0.00', money(open), customer],
    ]);
    expect(await state(inv.id)).toEqual({ settlementStatus: 'PAID', openBalance: '0.00' });
    const [agingBase, control] = await agingAndControl();
    expect(agingBase).toBe(control);

    // It renders like any posted document: its title, number, the invoice it settles and the amount.
    const link = await ok<{ renderDocument: { url: string } }>(
      as('senior')(`mutation($id: ID!) { renderDocument(id: $id) { url } }`, { id: wo.id }),
    );
    const res = await fetch(link.renderDocument.url);
    expect(res.status).toBe(200);
    const text = pdfText(Buffer.from(await res.arrayBuffer()));
    for (const expected of ['BAD-DEBT WRITE-OFF', wo.number, inv.number, money(open)])
      expect(text).toContain(expected);

    expect(
      codes(await as('junior')(VOID_WRITE_OFF, { id: wo.id, reason: 'The customer paid after all' })),
    ).toEqual(['FORBIDDEN']);
    const voided = await ok<{ voidBadDebtWriteOff: { voided: boolean } }>(
      as('senior')(VOID_WRITE_OFF, { id: wo.id, reason: 'The customer paid after all, by transfer' }),
    );
    expect(voided.voidBadDebtWriteOff.voided).toBe(true);
    expect(await state(inv.id)).toEqual({ settlementStatus: 'PARTIALLY_PAID', openBalance: money(open) });
    const [agingAfter, controlAfter] = await agingAndControl();
    expect(agingAfter).toBe(controlAfter);
  });

  it('with receiptToleranceMinor 5, a PAB 106.97 receipt closes a PAB 107.00 invoice and posts PAB 0.03 to 7204; PAB 107.02 stays OVER_ALLOCATION', async () => {
    const set = await as('admin')(
      `mutation { updateClientSettings(tenant: "${SLUG}", set: { receiptToleranceMinor: 5 }) { settings { effective { receiptToleranceMinor } } } }`,
    );
    expect(set.errors).toBeUndefined();
    const inv = await invoice(10000n);
    const paid = 10697n;
    const difference = 10700n - paid;
    const rcpt = await receive(inv.id, paid);
    expect(rcpt.total).toBe(money(paid));
    expect(rcpt.allocations).toEqual([
      { amount: money(paid + difference), smallDifference: money(difference), invoice: { id: inv.id } },
    ]);
    expect(lines(rcpt)).toContainEqual(['7204', money(difference), '0.00', null]);
    expect(lines(rcpt)).toContainEqual(['1201', '0.00', money(paid + difference), customer]);
    expect(await state(inv.id)).toEqual({ settlementStatus: 'PAID', openBalance: '0.00' });

    const over = await invoice(10000n);
    const draft = await as('senior')(
      `mutation($input: PaymentDraftInput!) { createCustomerReceipt(input: $input) { id } }`,
      {
        input: {
          partyId: customer,
          documentDate: '2026-06-15',
          amount: '107.02',
          allocations: [{ invoiceId: over.id, amount: '107.02' }],
        },
      },
    );
    expect(codes(draft)).toEqual(['OVER_ALLOCATION']);
    const [agingBase, control] = await agingAndControl();
    expect(agingBase).toBe(control);
  });
});
