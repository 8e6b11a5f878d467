import { todayIn } from '@cifra/domain';
import { BOOKS_YEAR } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aging } from '../src/aging/aging.ts';
import { createDraft, type DocumentRow, postDocument, voidDocument } from '../src/documents/index.ts';
import type { Books } from '../src/services/books.ts';
import { createParty, updateParty } from '../src/services/parties.service.ts';
import { writeOffBadDebt } from '../src/write-offs/index.ts';
import { openTestBooks, refusal, type TestBooks } from './test-books.ts';

/**
 * Bad-debt write-offs and the receipt tolerance (issue 18 §2), worked as an accountant would: every
 * expected figure is computed here independently, in BigInt cents, from the invoice's own numbers.
 * Panama chart: 1201 receivable (DefaultAR), 2201 ITBMS por pagar, 6602 Cuentas incobrables
 * (BadDebt), 7204 Diferencias menores en cobros (SmallDifferences), 1110 bank (Cash), 6502 FX (Simple).
 */

let t: TestBooks;
let books: Books;
let customer: string;
let eurCustomer: string;
let vendor: string;
const REASON = 'Customer declared bankrupt; the trustee confirms nothing will be paid';

beforeAll(async () => {
  t = await openTestBooks();
  books = await t.books();
  customer = (await createParty(books, { kind: 'CUSTOMER', code: 'C1', name: 'Hotel' })).id;
  eurCustomer = (
    await createParty(books, { kind: 'CUSTOMER', code: 'C3', name: 'Kaffee GmbH', currency: 'EUR' })
  ).id;
  vendor = (await createParty(books, { kind: 'VENDOR', code: 'V1', name: 'Finca' })).id;
  await t.admin.query(
    `INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, source, derivation)
     VALUES ('2026-03-02', 'EUR', 'PAB', 1.08, 'ECB', 'test'), ('2026-03-20', 'EUR', 'PAB', 1.10, 'ECB', 'test')`,
  );
});
afterAll(() => t.close());

const footprint = async () => ({
  documents: await t.count('documents'),
  entries: await t.count('journal_entries'),
  gl: await t.count('gl_lines'),
  allocations: await t.count('allocations'),
  draftAllocations: await t.count('draft_allocations'),
  voids: await t.count('voids'),
  sequences: (await t.admin.query('SELECT document_type, next_value FROM number_sequences ORDER BY 1')).rows,
});

/** A posted PAB sales invoice of `net` cents at 7 % ITBMS (tax = net × 7 / 100, exact here). */
async function invoice(netCents: bigint, partyId = customer, date = '2026-03-02'): Promise<DocumentRow> {
  const draft = await createDraft(books, 'SALES_INVOICE', {
    partyId,
    documentDate: date,
    lines: [{ accountCode: '4102', quantity: '1', unitPrice: cents(netCents), taxCode: 'ITBMS7' }],
  });
  return postDocument(books, draft.id, 'SALES');
}

async function receipt(inv: DocumentRow, amountCents: bigint, date = '2026-03-20'): Promise<DocumentRow> {
  const draft = await createDraft(books, 'CUSTOMER_RECEIPT', {
    partyId: inv.partyId,
    documentDate: date,
    amount: cents(amountCents),
    allocations: [{ invoiceId: inv.id, amount: cents(amountCents) }],
  });
  return postDocument(books, draft.id, 'PAYMENT');
}

const cents = (c: bigint) => `${c / 100n}.${String(c % 100n).padStart(2, '0')}`;

async function glOf(doc: DocumentRow) {
  const { rows } = await t.admin.query(
    `SELECT a.code, l.amount_minor::text AS base, l.original_currency AS cur, l.original_amount_minor::text AS orig,
            l.party_id AS party
       FROM gl_lines l JOIN accounts a ON a.id = l.account_id WHERE l.entry_id = $1 ORDER BY l.line_number`,
    [doc.entryId],
  );
  return rows.map((r) => [r.code, BigInt(r.base), r.cur, BigInt(r.orig), r.party]);
}

/** Open balance of an invoice (its currency, cents): total less the live allocations. */
async function openOf(inv: DocumentRow): Promise<bigint> {
  const { rows } = await t.admin.query(
    `SELECT coalesce(sum(a.amount_minor), 0)::text AS s FROM allocations a
      WHERE a.invoice_id = $1 AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.document_id = a.source_document_id)`,
    [inv.id],
  );
  return inv.totalMinor - BigInt(rows[0].s);
}

async function balance(code: string): Promise<bigint> {
  const { rows } = await t.admin.query(
    `SELECT coalesce(sum(l.amount_minor), 0)::text AS b FROM gl_lines l JOIN accounts a ON a.id = l.account_id
      WHERE a.code = $1`,
    [code],
  );
  return BigInt(rows[0].b);
}

/**
 * The receivable aging's base total equals the DefaultAR account (1201) to the cent, as of a day
 * after every posting: the documents' dates in 2026, and a write-off's or a void's, today's.
 */
async function expectAgingEqualsControl() {
  const asOf = [`${BOOKS_YEAR}-12-31`, todayIn('America/Panama')].sort().at(-1)!;
  const report = await aging(books, 'SALES_INVOICE', asOf);
  expect(report.totalBase.total).toBe(await balance('1201'));
}

describe('bad-debt write-offs', () => {
  it('writes off the PAB 67.00 left of a PAB 107.00 invoice (100.00 + 7.00 ITBMS) after a PAB 40.00 receipt: 6602 debit 67.00, 1201 credit 67.00, ITBMS untouched', async () => {
    const net = 10000n;
    const tax = (net * 7n) / 100n;
    const inv = await invoice(net);
    expect(inv.totalMinor).toBe(net + tax);
    await receipt(inv, 4000n);
    const open = net + tax - 4000n;
    expect(open).toBe(6700n);
    const taxBefore = await balance('2201');
    const wo = await writeOffBadDebt(books, {
      invoiceId: inv.id,
      documentDate: '2026-03-31',
      reason: REASON,
    });
    expect(wo).toMatchObject({
      kind: 'BAD_DEBT_WRITE_OFF',
      status: 'POSTED',
      number: 'WO-2026-000001',
      totalMinor: open,
      appliesToId: inv.id,
      memo: REASON,
      currency: 'PAB',
    });
    expect(await glOf(wo)).toEqual([
      ['6602', open, 'PAB', open, null],
      ['1201', -open, 'PAB', -open, customer],
    ]);
    expect(await openOf(inv)).toBe(0n);
    // Output tax already declared is not recovered by the write-off.
    expect(await balance('2201')).toBe(taxBefore);
    const { rows } = await t.admin.query(
      `SELECT e.source_kind, a.action, a.reason FROM journal_entries e, audit_events a
        WHERE e.id = $1 AND a.entity_id = $2 AND a.action = 'document.posted'`,
      [wo.entryId, wo.id],
    );
    expect(rows).toEqual([{ source_kind: 'BAD_DEBT_WRITE_OFF', action: 'document.posted', reason: REASON }]);
    await expectAgingEqualsControl();
  });

  it('writes off PAB 20.00 of a PAB 107.00 invoice, refuses PAB 87.01 more (OVER_ALLOCATION, nothing written), then takes the PAB 87.00 left', async () => {
    const inv = await invoice(10000n);
    await writeOffBadDebt(books, {
      invoiceId: inv.id,
      amount: '20.00',
      documentDate: '2026-03-31',
      reason: REASON,
    });
    expect(await openOf(inv)).toBe(10700n - 2000n);
    const before = await footprint();
    const err = await refusal(
      writeOffBadDebt(books, {
        invoiceId: inv.id,
        amount: '87.01',
        documentDate: '2026-03-31',
        reason: REASON,
      }),
    );
    expect(err.code).toBe('OVER_ALLOCATION');
    expect(err.details).toMatchObject({ field: 'invoiceId', openBalance: '87.00' });
    expect(await footprint()).toEqual(before);
    const rest = await writeOffBadDebt(books, {
      invoiceId: inv.id,
      amount: '87.00',
      documentDate: '2026-03-31',
      reason: REASON,
    });
    expect(rest.totalMinor).toBe(8700n);
    expect(await openOf(inv)).toBe(0n);
    // Nothing open: writing off "the rest" again is refused too.
    expect(
      (
        await refusal(
          writeOffBadDebt(books, { invoiceId: inv.id, documentDate: '2026-03-31', reason: REASON }),
        )
      ).code,
    ).toBe('OVER_ALLOCATION');
    await expectAgingEqualsControl();
  });

  it('voids a PAB 107.00 write-off with a reason: the reversal re-opens the invoice by PAB 107.00; the invoice cannot be voided while written off', async () => {
    const inv = await invoice(10000n);
    const wo = await writeOffBadDebt(books, {
      invoiceId: inv.id,
      documentDate: '2026-03-31',
      reason: REASON,
    });
    expect(
      (await refusal(voidDocument(books, inv.id, 'SALES', 'Invoice issued to the wrong customer'))).code,
    ).toBe('DOCUMENT_HAS_SETTLEMENTS');
    expect((await refusal(voidDocument(books, wo.id, 'WRITE_OFF', 'too short'))).code).toBe(
      'REASON_TOO_SHORT',
    );
    // The write-off is not a payment: voidPayment does not take it.
    expect(
      (await refusal(voidDocument(books, wo.id, 'PAYMENT', 'The customer paid after all, in full'))).code,
    ).toBe('BAD_USER_INPUT');
    const badDebtBefore = await balance('6602');
    await voidDocument(books, wo.id, 'WRITE_OFF', 'The customer paid after all, in full', '2026-04-02');
    expect(await openOf(inv)).toBe(10700n);
    expect(await balance('6602')).toBe(badDebtBefore - 10700n);
    expect(
      (await refusal(voidDocument(books, wo.id, 'WRITE_OFF', 'The customer paid after all, twice'))).code,
    ).toBe('ALREADY_VOIDED');
    await receipt(inv, 10700n, '2026-04-02');
    expect(await openOf(inv)).toBe(0n);
    await expectAgingEqualsControl();
  });

  it('refuses without writing anything: a short reason, a bill, a voided invoice, a date before the invoice, zero, a LOCK_SALES period, a caller without Invoice.Approve', async () => {
    const inv = await invoice(5000n);
    const bill = await postDocument(
      books,
      (
        await createDraft(books, 'PURCHASE_INVOICE', {
          partyId: vendor,
          documentDate: '2026-03-02',
          lines: [{ accountCode: '6201', quantity: '1', unitPrice: '10', taxCode: 'EXENTO' }],
        })
      ).id,
      'PURCHASING',
    );
    const voided = await invoice(1000n);
    await voidDocument(books, voided.id, 'SALES', 'Invoice issued to the wrong customer');
    const before = await footprint();
    const base = { invoiceId: inv.id, documentDate: '2026-03-31', reason: REASON };
    expect((await refusal(writeOffBadDebt(books, { ...base, reason: 'bad customer' }))).code).toBe(
      'REASON_TOO_SHORT',
    );
    const onBill = await refusal(writeOffBadDebt(books, { ...base, invoiceId: bill.id }));
    expect([onBill.code, onBill.details?.field]).toEqual(['BAD_USER_INPUT', 'invoiceId']);
    const onVoided = await refusal(writeOffBadDebt(books, { ...base, invoiceId: voided.id }));
    expect([onVoided.code, onVoided.details?.field]).toEqual(['BAD_USER_INPUT', 'invoiceId']);
    const early = await refusal(writeOffBadDebt(books, { ...base, documentDate: '2026-03-01' }));
    expect([early.code, early.details?.field]).toEqual(['BAD_USER_INPUT', 'documentDate']);
    const zero = await refusal(writeOffBadDebt(books, { ...base, amount: '0.00' }));
    expect([zero.code, zero.details?.field]).toEqual(['BAD_USER_INPUT', 'amount']);
    const junior = await t.books('Junior');
    expect((await refusal(writeOffBadDebt(junior, base))).code).toBe('FORBIDDEN');
    await t.admin.query("UPDATE posting_periods SET state = 'LOCK_SALES' WHERE year = 2026 AND month = 6");
    const locked = await refusal(writeOffBadDebt(books, { ...base, documentDate: '2026-06-15' }));
    expect([locked.code, locked.details?.sourceKind]).toEqual(['PERIOD_LOCKED', 'BAD_DEBT_WRITE_OFF']);
    expect(await footprint()).toEqual(before);
    expect(await openOf(inv)).toBe(5350n);
  });

  it('writes off the PAB 53.50 of a customer deactivated with the invoice open (a customer that is gone)', async () => {
    const gone = (await createParty(books, { kind: 'CUSTOMER', code: 'GONE', name: 'Desaparecido SA' })).id;
    const inv = await invoice(5000n, gone);
    // Deactivating it now is refused while the invoice is open (the write-off comes first), but a
    // customer deactivated before that rule existed may still carry one.
    expect((await refusal(updateParty(books, gone, { active: false }))).code).toBe('PARTY_HAS_OPEN_ITEMS');
    await t.admin.query('UPDATE parties SET active = false WHERE id = $1', [gone]);
    const wo = await writeOffBadDebt(books, {
      invoiceId: inv.id,
      documentDate: '2026-03-31',
      reason: REASON,
    });
    expect(wo.totalMinor).toBe(5000n + (5000n * 7n) / 100n);
    expect(await openOf(inv)).toBe(0n);
  });

  it('answers a retry under the same idempotency key with the first write-off, and refuses the key with another input', async () => {
    const inv = await invoice(3000n);
    const input = {
      invoiceId: inv.id,
      amount: '10.00',
      documentDate: '2026-03-31',
      reason: REASON,
      idempotencyKey: 'wo-retry-1',
    };
    const first = await writeOffBadDebt(books, input);
    const before = await footprint();
    expect((await writeOffBadDebt(books, input)).id).toBe(first.id);
    expect(await footprint()).toEqual(before);
    expect((await refusal(writeOffBadDebt(books, { ...input, amount: '11.00' }))).code).toBe(
      'IDEMPOTENCY_KEY_REUSED',
    );
    expect(await openOf(inv)).toBe(3210n - 1000n);
  });

  it.each([
    ['SIMPLE', '6502'],
    ['SEPARATED', '7102'],
  ] as const)(
    '%s: writes off a EUR 1,000.00 invoice booked at 1.08 (PAB 1,080.00) at 1.10: expense PAB 1,100.00, receivable cleared PAB 1,080.00, PAB 20.00 realized on %s',
    async (mode, fxCode) => {
      t.settings.fxVarianceMode = mode;
      try {
        const draft = await createDraft(books, 'SALES_INVOICE', {
          partyId: eurCustomer,
          documentDate: '2026-03-02',
          lines: [{ accountCode: '4102', quantity: '1', unitPrice: '1000', taxCode: 'EXENTO' }],
        });
        const inv = await postDocument(books, draft.id, 'SALES');
        const eur = 100000n;
        const booked = (eur * 108n) / 100n;
        const atWriteOff = (eur * 110n) / 100n;
        expect(inv.baseTotalMinor).toBe(booked);
        const wo = await writeOffBadDebt(books, {
          invoiceId: inv.id,
          documentDate: '2026-03-20',
          reason: REASON,
        });
        expect(Number(wo.exchangeRate)).toBe(1.1);
        expect(await glOf(wo)).toEqual([
          ['6602', atWriteOff, 'EUR', eur, null],
          ['1201', -booked, 'EUR', -eur, eurCustomer],
          [fxCode, -(atWriteOff - booked), 'PAB', -(atWriteOff - booked), null],
        ]);
        const { rows } = await t.admin.query(
          'SELECT base_amount_minor::text AS base, realized_fx_minor::text AS fx FROM allocations WHERE source_document_id = $1',
          [wo.id],
        );
        expect(rows).toEqual([{ base: String(booked), fx: String(atWriteOff - booked) }]);
        await expectAgingEqualsControl();
      } finally {
        delete t.settings.fxVarianceMode;
      }
    },
  );
});

describe('receipt tolerance (receiptToleranceMinor)', () => {
  it('off by default: a PAB 106.97 receipt leaves PAB 0.03 open on a PAB 107.00 invoice', async () => {
    const inv = await invoice(10000n);
    await receipt(inv, 10697n);
    expect(await openOf(inv)).toBe(3n);
  });

  it('at PAB 0.05: a PAB 106.97 receipt closes a PAB 107.00 invoice, posting the PAB 0.03 to 7204; PAB 106.90 leaves PAB 0.10 open; PAB 107.02 is OVER_ALLOCATION', async () => {
    t.settings.receiptToleranceMinor = 5;
    try {
      const inv = await invoice(10000n);
      const paid = 10697n;
      const rcpt = await receipt(inv, paid);
      const difference = 10700n - paid;
      expect(await glOf(rcpt)).toEqual([
        ['1110', paid, 'PAB', paid, null],
        ['7204', difference, 'PAB', difference, null],
        ['1201', -(paid + difference), 'PAB', -(paid + difference), customer],
      ]);
      expect(rcpt.totalMinor).toBe(paid);
      expect(await openOf(inv)).toBe(0n);
      const { rows } = await t.admin.query(
        'SELECT amount_minor::text AS amount, small_difference_minor::text AS diff FROM allocations WHERE source_document_id = $1',
        [rcpt.id],
      );
      expect(rows).toEqual([{ amount: '10700', diff: String(difference) }]);
      // Voiding the receipt re-opens the whole invoice, small difference included.
      await voidDocument(books, rcpt.id, 'PAYMENT', 'The cheque bounced at the bank');
      expect(await openOf(inv)).toBe(10700n);

      const other = await invoice(10000n);
      await receipt(other, 10690n);
      expect(await openOf(other)).toBe(10n);

      const over = await invoice(10000n);
      expect((await refusal(receipt(over, 10702n))).code).toBe('OVER_ALLOCATION');
      expect(await openOf(over)).toBe(10700n);
      await expectAgingEqualsControl();
    } finally {
      delete t.settings.receiptToleranceMinor;
    }
  });
});
