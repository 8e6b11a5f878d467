import { DomainError } from '@cifra/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aging } from '../src/aging/aging.ts';
import {
  applyCredit,
  createDraft,
  type DocumentRow,
  type InvoiceDraftInput,
  postDocument,
  settledMinor,
  voidDocument,
} from '../src/documents/index.ts';
import type { Books } from '../src/services/books.ts';
import { createParty } from '../src/services/parties.service.ts';
import { prng } from './books.ts';
import { openTestBooks, refusal, type TestBooks } from './test-books.ts';

/**
 * Customer and vendor credits: what a receipt, payment or note leaves on account, applied later,
 * refunded, voided; worked examples with the figures in their names, checked against independent
 * figures in BigInt cents, and the agings equal to their control accounts after random activity.
 */
let t: TestBooks;
let books: Books;
let customer: string;
let eurCustomer: string;
let vendor: string;
let eurVendor: string;

beforeAll(async () => {
  t = await openTestBooks();
  books = await t.books();
  customer = (await createParty(books, { kind: 'CUSTOMER', code: 'C1', name: 'Hotel' })).id;
  eurCustomer = (
    await createParty(books, { kind: 'CUSTOMER', code: 'C3', name: 'Kaffee GmbH', currency: 'EUR' })
  ).id;
  vendor = (await createParty(books, { kind: 'VENDOR', code: 'V1', name: 'Finca' })).id;
  eurVendor = (await createParty(books, { kind: 'VENDOR', code: 'V2', name: 'Röster AG', currency: 'EUR' }))
    .id;
  for (const [date, rate] of [
    ['2026-06-01', '1.10'],
    ['2026-06-15', '1.15'],
    ['2026-06-22', '1.05'],
  ])
    await t.admin.query(
      `INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, source, derivation)
       VALUES ($1, 'EUR', 'PAB', $2, 'ECB', 'test')`,
      [date, rate],
    );
});
afterAll(() => t.close());

const footprint = async () => ({
  documents: await t.count('documents'),
  entries: await t.count('journal_entries'),
  allocations: await t.count('allocations'),
  voids: await t.count('voids'),
});

/** A posted invoice (or bill) of one exempt line. */
async function invoice(partyId: string, amount: string, over: Partial<InvoiceDraftInput> = {}) {
  const sales = partyId === customer || partyId === eurCustomer;
  const d = await createDraft(books, sales ? 'SALES_INVOICE' : 'PURCHASE_INVOICE', {
    partyId,
    documentDate: '2026-06-01',
    lines: [{ accountCode: sales ? '4102' : '6301', quantity: '1', unitPrice: amount, taxCode: 'EXENTO' }],
    ...over,
  });
  return postDocument(books, d.id, sales ? 'SALES' : 'PURCHASING');
}

async function note(partyId: string, amount: string, appliesToId?: string, date = '2026-06-01') {
  const sales = partyId === customer || partyId === eurCustomer;
  const d = await createDraft(books, sales ? 'CREDIT_NOTE' : 'DEBIT_NOTE', {
    partyId,
    documentDate: date,
    ...(appliesToId ? { appliesToId } : {}),
    lines: [{ accountCode: sales ? '4201' : '6301', quantity: '1', unitPrice: amount, taxCode: 'EXENTO' }],
  });
  return postDocument(books, d.id, sales ? 'SALES' : 'PURCHASING');
}

async function pay(
  kind: 'CUSTOMER_RECEIPT' | 'VENDOR_PAYMENT' | 'CUSTOMER_REFUND' | 'VENDOR_REFUND',
  partyId: string,
  amount: string,
  allocations: { invoiceId: string; amount: string }[],
  date = '2026-06-01',
) {
  const d = await createDraft(books, kind, { partyId, documentDate: date, amount, allocations });
  return postDocument(books, d.id, 'PAYMENT');
}

const apply = (
  side: 'CUSTOMER' | 'VENDOR',
  creditId: string,
  invoiceId: string,
  amount: string,
  date = '2026-06-01',
) =>
  applyCredit(books, side === 'CUSTOMER' ? 'CUSTOMER_CREDIT_APPLICATION' : 'VENDOR_CREDIT_APPLICATION', {
    creditId,
    invoiceId,
    amount,
    date,
  });

/** A document's entry as [account code, base amount (debit +), original amount]. */
async function glOf(doc: DocumentRow) {
  const { rows } = await t.admin.query(
    `SELECT a.code, l.amount_minor::text AS base, l.original_amount_minor::text AS orig
       FROM gl_lines l JOIN accounts a ON a.id = l.account_id WHERE l.entry_id = $1 ORDER BY l.line_number`,
    [doc.entryId],
  );
  return rows.map((r) => [r.code, BigInt(r.base), BigInt(r.orig)]);
}

const openOf = async (d: DocumentRow) => d.totalMinor - ((await settledMinor(t.db, [d.id])).get(d.id) ?? 0n);
const creditOf = async (d: DocumentRow) =>
  (await t.admin.query('SELECT credit_minor::text FROM documents WHERE id = $1', [d.id])).rows[0]
    .credit_minor as string;
const openCreditOf = async (d: DocumentRow) =>
  BigInt(await creditOf(d)) - ((await settledMinor(t.db, [d.id])).get(d.id) ?? 0n);

/** Balance of the account bound to a role, debit positive, up to the end of `asOf`; optionally one party's. */
async function controlBalance(role: 'DefaultAR' | 'DefaultAP', asOf = '2026-12-31', partyId?: string) {
  const { rows } = await t.admin.query(
    `SELECT coalesce(sum(l.amount_minor), 0)::text AS s FROM gl_lines l
       JOIN account_role_bindings b ON b.account_id = l.account_id
      WHERE b.role = $1 AND l.posting_date <= $2 AND ($3::uuid IS NULL OR l.party_id = $3::uuid)`,
    [role, asOf, partyId ?? null],
  );
  return BigInt(rows[0].s);
}

async function agingsAgree(asOf = '2026-12-31') {
  const ar = await aging(books, 'SALES_INVOICE', asOf);
  const ap = await aging(books, 'PURCHASE_INVOICE', asOf);
  expect(ar.totalBase.total).toBe(await controlBalance('DefaultAR', asOf));
  expect(ap.totalBase.total).toBe(-(await controlBalance('DefaultAP', asOf)));
  return { ar, ap };
}

const reason = 'The customer asked for it to be undone';

describe('customer credits (PAB)', () => {
  it('a PAB 150.00 receipt on a PAB 107.00 invoice settles it and leaves PAB 43.00 on account (1110 Dr 150.00, 1201 Cr 107.00 + Cr 43.00)', async () => {
    const inv = await invoice(customer, '107.00');
    const r = await pay('CUSTOMER_RECEIPT', customer, '150.00', [{ invoiceId: inv.id, amount: '107.00' }]);
    const [received, invoiced] = [15000n, 10700n];
    expect(await glOf(r)).toEqual([
      ['1110', received, received],
      ['1201', -invoiced, -invoiced],
      ['1201', -(received - invoiced), -(received - invoiced)],
    ]);
    expect(await openOf(inv)).toBe(0n);
    expect(await creditOf(r)).toBe(String(received - invoiced));
    // The customer's receivable is a PAB 43.00 credit, and the aging shows it.
    expect(await controlBalance('DefaultAR', '2026-12-31', customer)).toBe(-(received - invoiced));
    const { ar } = await agingsAgree();
    const row = ar.rows.find((x) => x.partyId === customer);
    expect(row?.amounts.total).toBe(-4300n);
    expect(row?.invoices.map((i) => [i.documentId, i.openMinor])).toEqual([[r.id, -4300n]]);
  });

  it('a prepayment of PAB 200.00 (no invoice) is applied later to a PAB 120.00 invoice, then PAB 80.00 to a PAB 100.00 invoice (20.00 left open); a third application is OVER_ALLOCATION', async () => {
    const pre = await pay('CUSTOMER_RECEIPT', customer, '200.00', [], '2026-06-02');
    expect(await glOf(pre)).toEqual([
      ['1110', 20000n, 20000n],
      ['1201', -20000n, -20000n],
    ]);
    const a = await invoice(customer, '120.00', { documentDate: '2026-06-03' });
    const b = await invoice(customer, '100.00', { documentDate: '2026-06-03' });
    const app1 = await apply('CUSTOMER', pre.id, a.id, '120.00', '2026-06-04');
    expect(app1.number).toBe('CAPP-2026-000001');
    expect(await glOf(app1)).toEqual([
      ['1201', 12000n, 12000n],
      ['1201', -12000n, -12000n],
    ]);
    await apply('CUSTOMER', pre.id, b.id, '80.00', '2026-06-04');
    expect([await openOf(a), await openOf(b), await openCreditOf(pre)]).toEqual([0n, 2000n, 0n]);
    const before = await footprint();
    const over = await refusal(apply('CUSTOMER', pre.id, b.id, '0.01', '2026-06-04'));
    expect(over.code).toBe('OVER_ALLOCATION');
    expect(over.details).toMatchObject({ field: 'creditId', openCredit: '0.00' });
    expect(await footprint()).toEqual(before);
    await agingsAgree();
  });

  it('refuses an application beyond the invoice, before the credit existed, in another currency or to another customer, writing nothing', async () => {
    const pre = await pay('CUSTOMER_RECEIPT', customer, '50.00', [], '2026-06-10');
    const inv = await invoice(customer, '30.00', { documentDate: '2026-06-10' });
    const eurInv = await invoice(eurCustomer, '30.00', { documentDate: '2026-06-15' });
    const before = await footprint();
    expect((await refusal(apply('CUSTOMER', pre.id, inv.id, '30.01', '2026-06-10'))).code).toBe(
      'OVER_ALLOCATION',
    );
    expect((await refusal(apply('CUSTOMER', pre.id, inv.id, '10.00', '2026-06-09'))).details).toMatchObject({
      field: 'date',
    });
    const other = await refusal(apply('CUSTOMER', pre.id, eurInv.id, '10.00', '2026-06-15'));
    expect([other.code, other.details.field]).toEqual(['BAD_USER_INPUT', 'invoiceId']);
    expect((await refusal(apply('VENDOR', pre.id, inv.id, '10.00', '2026-06-10'))).details).toMatchObject({
      field: 'creditId',
    });
    expect((await refusal(apply('CUSTOMER', inv.id, inv.id, '10.00', '2026-06-10'))).details).toMatchObject({
      field: 'creditId',
    });
    expect(await footprint()).toEqual(before);
  });

  it('a PAB 80.00 credit note on a PAB 50.00 invoice already paid PAB 20.00 settles PAB 30.00 and leaves PAB 50.00 on account; one on a paid invoice or standing alone is all credit', async () => {
    const inv = await invoice(customer, '50.00', { documentDate: '2026-06-05' });
    await pay('CUSTOMER_RECEIPT', customer, '20.00', [{ invoiceId: inv.id, amount: '20.00' }], '2026-06-05');
    const cn = await note(customer, '80.00', inv.id, '2026-06-06');
    expect(await glOf(cn)).toEqual([
      ['1201', -3000n, -3000n],
      ['1201', -5000n, -5000n],
      ['4201', 8000n, 8000n],
    ]);
    expect([await openOf(inv), await creditOf(cn)]).toEqual([0n, '5000']);
    // On the now paid invoice: all of it a credit, at the invoice's rate.
    const onPaid = await note(customer, '10.00', inv.id, '2026-06-06');
    expect(await creditOf(onPaid)).toBe('1000');
    const alone = await note(customer, '12.50', undefined, '2026-06-06');
    expect(await glOf(alone)).toEqual([
      ['1201', -1250n, -1250n],
      ['4201', 1250n, 1250n],
    ]);
    expect(alone.appliesToId).toBeNull();
    await agingsAgree();
  });

  it('a PAB 35.00 refund pays back PAB 35.00 of a PAB 50.00 credit note excess (1201 Dr 35.00, 1110 Cr 35.00); more than is left is OVER_ALLOCATION; a refund with no credit named is refused', async () => {
    const cn = await note(customer, '50.00', undefined, '2026-06-07');
    const refund = await pay(
      'CUSTOMER_REFUND',
      customer,
      '35.00',
      [{ invoiceId: cn.id, amount: '35.00' }],
      '2026-06-08',
    );
    expect(refund.number).toBe('RFND-2026-000001');
    expect(await glOf(refund)).toEqual([
      ['1201', 3500n, 3500n],
      ['1110', -3500n, -3500n],
    ]);
    expect(await openCreditOf(cn)).toBe(1500n);
    const before = await footprint();
    const over = await refusal(
      createDraft(books, 'CUSTOMER_REFUND', {
        partyId: customer,
        documentDate: '2026-06-08',
        amount: '15.01',
        allocations: [{ invoiceId: cn.id, amount: '15.01' }],
      }),
    );
    expect(over.code).toBe('OVER_ALLOCATION');
    const none = await refusal(
      createDraft(books, 'CUSTOMER_REFUND', {
        partyId: customer,
        documentDate: '2026-06-08',
        amount: '5.00',
        allocations: [],
      }),
    );
    expect(none.details).toMatchObject({ field: 'allocations' });
    const part = await refusal(
      createDraft(books, 'CUSTOMER_REFUND', {
        partyId: customer,
        documentDate: '2026-06-08',
        amount: '10.00',
        allocations: [{ invoiceId: cn.id, amount: '5.00' }],
      }),
    );
    expect(part.details).toMatchObject({ field: 'allocations' });
    expect(await footprint()).toEqual(before);
    await agingsAgree();
  });

  it('a receipt whose credit is applied cannot be voided (DOCUMENT_HAS_SETTLEMENTS) until the application is voided; then both void and the invoice is open again', async () => {
    const pre = await pay('CUSTOMER_RECEIPT', customer, '60.00', [], '2026-06-11');
    const inv = await invoice(customer, '40.00', { documentDate: '2026-06-11' });
    const app = await apply('CUSTOMER', pre.id, inv.id, '40.00', '2026-06-12');
    const before = await footprint();
    const err = await refusal(voidDocument(books, pre.id, 'PAYMENT', reason, '2026-06-13'));
    expect(err.code).toBe('DOCUMENT_HAS_SETTLEMENTS');
    expect(err.details.settledBy).toEqual([app.number]);
    expect(await footprint()).toEqual(before);
    await voidDocument(books, app.id, 'PAYMENT', reason, '2026-06-13');
    expect([await openOf(inv), await openCreditOf(pre)]).toEqual([4000n, 6000n]);
    await voidDocument(books, pre.id, 'PAYMENT', reason, '2026-06-13');
    const { rows } = await t.admin.query(
      `SELECT action, reason FROM audit_events WHERE entity_id = ANY($1::text[]) ORDER BY occurred_at, id`,
      [[app.id, pre.id]],
    );
    expect(rows.filter((r) => r.action === 'document.voided').map((r) => r.reason)).toEqual([reason, reason]);
    expect(rows.some((r) => r.action === 'document.posted')).toBe(true);
    await agingsAgree();
    await agingsAgree('2026-06-12');
  });
});

describe('idempotent credit applications', () => {
  it('a retry of a PAB 10.00 application under its key returns the first one; another input under the key is IDEMPOTENCY_KEY_REUSED', async () => {
    const pre = await pay('CUSTOMER_RECEIPT', customer, '25.00', [], '2026-06-14');
    const inv = await invoice(customer, '10.00', { documentDate: '2026-06-14' });
    const input = {
      creditId: pre.id,
      invoiceId: inv.id,
      amount: '10.00',
      date: '2026-06-14',
      idempotencyKey: 'app-1',
    };
    const first = await applyCredit(books, 'CUSTOMER_CREDIT_APPLICATION', input);
    const before = await footprint();
    expect((await applyCredit(books, 'CUSTOMER_CREDIT_APPLICATION', input)).id).toBe(first.id);
    const other = await refusal(
      applyCredit(books, 'CUSTOMER_CREDIT_APPLICATION', { ...input, amount: '5.00' }),
    );
    expect(other.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await footprint()).toEqual(before);
    expect(await openCreditOf(pre)).toBe(1500n);
  });
});

describe('foreign credits: realized FX by the client variance mode', () => {
  it('Simple: a EUR 100.00 prepayment at 1.15 (PAB 115.00) applied to a EUR 100.00 invoice at 1.10 (PAB 110.00) gains PAB 5.00 on 6502', async () => {
    const before = await controlBalance('DefaultAR', '2026-12-31', eurCustomer);
    const pre = await pay('CUSTOMER_RECEIPT', eurCustomer, '100.00', [], '2026-06-15');
    expect(pre.creditBaseMinor).toBe(11500n);
    const inv = await invoice(eurCustomer, '100.00', { documentDate: '2026-06-01' });
    const app = await apply('CUSTOMER', pre.id, inv.id, '100.00', '2026-06-20');
    const [credit, invoiced] = [(10000n * 115n) / 100n, (10000n * 110n) / 100n];
    expect(await glOf(app)).toEqual([
      ['1201', credit, 10000n],
      ['1201', -invoiced, -10000n],
      ['6502', -(credit - invoiced), -(credit - invoiced)],
    ]);
    // Nothing left of either on the receivable: the gain took the difference.
    expect(await controlBalance('DefaultAR', '2026-12-31', eurCustomer)).toBe(before);
    await agingsAgree();
  });

  it('Separated: a EUR 200.00 credit note at 1.10 (PAB 220.00): EUR 100.00 refunded at 1.15 loses PAB 5.00 on 7202, EUR 100.00 applied to a 1.05 invoice gains PAB 5.00 on 7102', async () => {
    t.settings.fxVarianceMode = 'SEPARATED';
    const before = await controlBalance('DefaultAR', '2026-12-31', eurCustomer);
    try {
      const cn = await note(eurCustomer, '200.00', undefined, '2026-06-01');
      expect(cn.creditBaseMinor).toBe(22000n);
      const refund = await pay(
        'CUSTOMER_REFUND',
        eurCustomer,
        '100.00',
        [{ invoiceId: cn.id, amount: '100.00' }],
        '2026-06-15',
      );
      expect(await glOf(refund)).toEqual([
        ['1201', 11000n, 10000n],
        ['1110', -11500n, -10000n],
        ['7202', 500n, 500n],
      ]);
      const inv = await invoice(eurCustomer, '100.00', { documentDate: '2026-06-22' });
      const app = await apply('CUSTOMER', cn.id, inv.id, '100.00', '2026-06-22');
      expect(await glOf(app)).toEqual([
        ['1201', 11000n, 10000n],
        ['1201', -10500n, -10000n],
        ['7102', -500n, -500n],
      ]);
      expect(await openCreditOf(cn)).toBe(0n);
      // A refund dated before the credit it pays back is refused.
      const early = await refusal(
        createDraft(books, 'CUSTOMER_REFUND', {
          partyId: eurCustomer,
          documentDate: '2026-05-31',
          exchangeRate: '1.08',
          amount: '1.00',
          allocations: [{ invoiceId: cn.id, amount: '1.00' }],
        }),
      );
      expect(early.details).toMatchObject({ field: 'allocations[0].invoiceId' });
      expect(await controlBalance('DefaultAR', '2026-12-31', eurCustomer)).toBe(before);
    } finally {
      delete t.settings.fxVarianceMode;
    }
    await agingsAgree();
  });
});

describe('vendor credits', () => {
  it('a PAB 300.00 advance to a vendor (2101 Dr 300.00) applied to a PAB 250.00 bill; the PAB 50.00 left is refunded by the vendor (1110 Dr 50.00, 2101 Cr 50.00)', async () => {
    const adv = await pay('VENDOR_PAYMENT', vendor, '300.00', [], '2026-06-02');
    expect(await glOf(adv)).toEqual([
      ['2101', 30000n, 30000n],
      ['1110', -30000n, -30000n],
    ]);
    const bill = await invoice(vendor, '250.00', { documentDate: '2026-06-03' });
    const app = await apply('VENDOR', adv.id, bill.id, '250.00', '2026-06-03');
    expect(app.number).toBe('VAPP-2026-000001');
    expect(await glOf(app)).toEqual([
      ['2101', -25000n, -25000n],
      ['2101', 25000n, 25000n],
    ]);
    const refund = await pay(
      'VENDOR_REFUND',
      vendor,
      '50.00',
      [{ invoiceId: adv.id, amount: '50.00' }],
      '2026-06-04',
    );
    expect(await glOf(refund)).toEqual([
      ['1110', 5000n, 5000n],
      ['2101', -5000n, -5000n],
    ]);
    expect([await openOf(bill), await openCreditOf(adv)]).toEqual([0n, 0n]);
    expect(await controlBalance('DefaultAP', '2026-12-31', vendor)).toBe(0n);
    await agingsAgree();
  });

  it('a PAB 40.00 debit note standing alone is a vendor credit shown negative on the AP aging', async () => {
    const dn = await note(vendor, '40.00', undefined, '2026-06-05');
    expect(await glOf(dn)).toEqual([
      ['2101', 4000n, 4000n],
      ['6301', -4000n, -4000n],
    ]);
    const { ap } = await agingsAgree();
    const row = ap.rows.find((r) => r.partyId === vendor);
    expect(row?.invoices.find((i) => i.documentId === dn.id)?.openMinor).toBe(-4000n);
  });

  it('a EUR 100.00 advance at 1.10 applied to a EUR bill at 1.05 (Simple) loses PAB 5.00 on 6502', async () => {
    const adv = await pay('VENDOR_PAYMENT', eurVendor, '100.00', [], '2026-06-01');
    const bill = await invoice(eurVendor, '100.00', { documentDate: '2026-06-22' });
    const app = await apply('VENDOR', adv.id, bill.id, '100.00', '2026-06-22');
    expect(await glOf(app)).toEqual([
      ['2101', -11000n, -10000n],
      ['2101', 10500n, 10000n],
      ['6502', 500n, 500n],
    ]);
    expect(await controlBalance('DefaultAP', '2026-12-31', eurVendor)).toBe(0n);
    await agingsAgree();
  });
});

describe('invariant: after random activity with credits each aging equals its control account', () => {
  it('holds after 80 random invoices, receipts and payments leaving credits, notes beyond or without invoices, applications, refunds and voids', async () => {
    const random = prng(20261123);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const money = (m: bigint) => `${m / 100n}.${String(m % 100n).padStart(2, '0')}`;
    const parties = [
      { id: customer, side: 'CUSTOMER' as const },
      { id: eurCustomer, side: 'CUSTOMER' as const },
      { id: vendor, side: 'VENDOR' as const },
      { id: eurVendor, side: 'VENDOR' as const },
    ];
    const invoices: DocumentRow[] = [];
    const credits: DocumentRow[] = [];
    const voidable: DocumentRow[] = [];
    const day = () => `2026-07-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
    await t.admin.query(
      `INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, source, derivation)
       SELECT d::date, 'EUR', 'PAB', 1.05 + (extract(day from d) / 300.0), 'ECB', 'test'
         FROM generate_series('2026-07-01'::date, '2026-07-31'::date, '1 day') d`,
    );
    t.settings.fxVarianceMode = 'SEPARATED';
    for (let step = 0; step < 80; step++) {
      const party = pick(parties);
      const what = Math.floor(random() * 6);
      const date = day();
      const mine = (xs: DocumentRow[]) => xs.filter((x) => x.partyId === party.id);
      if (what === 0 || mine(invoices).length === 0) {
        invoices.push(
          await invoice(party.id, money(BigInt(1000 + Math.floor(random() * 50_000))), {
            documentDate: date,
          }),
        );
      } else if (what === 1) {
        const inv = pick(mine(invoices));
        const open = await openOf(inv);
        const allocated = open > 0n && random() < 0.6 ? 1n + BigInt(Math.floor(random() * Number(open))) : 0n;
        const extra = BigInt(Math.floor(random() * 20_000));
        if (allocated + extra === 0n) continue;
        const kind = party.side === 'CUSTOMER' ? 'CUSTOMER_RECEIPT' : 'VENDOR_PAYMENT';
        // Settlements are dated on or after the invoice (the aging at an earlier date would
        // otherwise hold a settlement of an invoice that does not exist yet).
        const doc = await pay(
          kind,
          party.id,
          money(allocated + extra),
          allocated > 0n ? [{ invoiceId: inv.id, amount: money(allocated) }] : [],
          allocated > 0n && inv.postingDate > date ? inv.postingDate : date,
        );
        if (extra > 0n) credits.push(doc);
        voidable.push(doc);
      } else if (what === 2) {
        const inv = random() < 0.7 ? pick(mine(invoices)) : undefined;
        const when = inv && inv.postingDate > date ? inv.postingDate : date;
        const doc = await note(party.id, money(BigInt(100 + Math.floor(random() * 30_000))), inv?.id, when);
        if (doc.creditMinor > 0n) credits.push(doc);
        voidable.push(doc);
      } else if (what === 3) {
        const credit = mine(credits).find(() => random() < 0.5);
        const inv = mine(invoices).find(() => random() < 0.3);
        if (!credit || !inv || credit.currency !== inv.currency) continue;
        const left = await openCreditOf(credit);
        const open = await openOf(inv);
        // biome-ignore lint/complexity/useMathMinMax: bigints, which Math.min does not take.
        const most = left < open ? left : open;
        if (most <= 0n) continue;
        const when = [credit.postingDate, inv.postingDate, date].sort()[2] as string;
        voidable.push(
          await apply(
            party.side,
            credit.id,
            inv.id,
            money(1n + BigInt(Math.floor(random() * Number(most)))),
            when,
          ),
        );
      } else if (what === 4) {
        const credit = mine(credits).find(() => random() < 0.5);
        if (!credit) continue;
        const left = await openCreditOf(credit);
        if (left <= 0n) continue;
        const amount = money(1n + BigInt(Math.floor(random() * Number(left))));
        const kind = party.side === 'CUSTOMER' ? 'CUSTOMER_REFUND' : 'VENDOR_REFUND';
        // biome-ignore lint/complexity/useMathMinMax: bigints, which Math.min does not take.
        const when = credit.postingDate > date ? credit.postingDate : date;
        voidable.push(await pay(kind, party.id, amount, [{ invoiceId: credit.id, amount }], when));
      } else if (voidable.length > 0) {
        const doc = voidable.splice(Math.floor(random() * voidable.length), 1)[0] as DocumentRow;
        const family =
          doc.kind === 'CREDIT_NOTE' ? 'SALES' : doc.kind === 'DEBIT_NOTE' ? 'PURCHASING' : 'PAYMENT';
        const voided = await voidDocument(books, doc.id, family, reason, '2026-07-30').catch((e: unknown) => {
          if (!(e instanceof DomainError) || e.code !== 'DOCUMENT_HAS_SETTLEMENTS') throw e;
          voidable.push(doc);
          return null;
        });
        if (voided && credits.includes(doc)) credits.splice(credits.indexOf(doc), 1);
      }
      if (step % 20 === 19) await agingsAgree();
    }
    delete t.settings.fxVarianceMode;
    await agingsAgree();
    await agingsAgree('2026-07-15');
    expect(
      await t.count('documents', "kind::text LIKE '%CREDIT_APPLICATION' AND status = 'POSTED'"),
    ).toBeGreaterThan(0);
    expect(await t.count('documents', "kind::text LIKE '%REFUND' AND status = 'POSTED'")).toBeGreaterThan(0);
  });
});
