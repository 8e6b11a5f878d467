import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aging } from '../src/aging/aging.ts';
import {
  createDraft,
  type DocumentRow,
  discardDraft,
  type InvoiceDraftInput,
  postDocument,
  settledMinor,
  updateDraft,
  voidDocument,
} from '../src/documents/index.ts';
import { setNumberingPrefix } from '../src/numbering/set-prefix.ts';
import type { Books } from '../src/services/books.ts';
import { createParty } from '../src/services/parties.service.ts';
import { openTestBooks, refusal, type TestBooks } from './test-books.ts';

let t: TestBooks;
let books: Books;
let customer: string;
let usdCustomer: string;
let eurCustomer: string;
let vendor: string;

beforeAll(async () => {
  t = await openTestBooks();
  books = await t.books();
  customer = (await createParty(books, { kind: 'CUSTOMER', code: 'C1', name: 'Hotel' })).id;
  usdCustomer = (
    await createParty(books, { kind: 'CUSTOMER', code: 'C2', name: 'Gringo LLC', currency: 'USD' })
  ).id;
  eurCustomer = (
    await createParty(books, { kind: 'CUSTOMER', code: 'C3', name: 'Kaffee GmbH', currency: 'EUR' })
  ).id;
  vendor = (await createParty(books, { kind: 'VENDOR', code: 'V1', name: 'Finca', paymentTermsDays: 10 })).id;
});
afterAll(() => t.close());

/** Everything a refused operation could have written. */
const footprint = async () => ({
  documents: await t.count('documents'),
  posted: await t.count('documents', "status = 'POSTED'"),
  lines: await t.count('document_lines'),
  entries: await t.count('journal_entries'),
  gl: await t.count('gl_lines'),
  allocations: await t.count('allocations'),
  voids: await t.count('voids'),
  sequences: (
    await t.admin.query('SELECT document_type, fiscal_year, next_value FROM number_sequences ORDER BY 1, 2')
  ).rows,
});

const invoice = (over: Partial<InvoiceDraftInput> = {}): InvoiceDraftInput => ({
  partyId: customer,
  documentDate: '2026-03-10',
  lines: [
    { description: 'Café', accountCode: '4101', quantity: '3', unitPrice: '0.335', taxCode: 'ITBMS7' },
    { description: 'Servicio', accountCode: '4102', quantity: '1', unitPrice: '100', taxCode: 'EXENTO' },
  ],
  ...over,
});

async function glOf(doc: DocumentRow) {
  const { rows } = await t.admin.query(
    `SELECT a.code, l.amount_minor::text AS base, l.original_currency AS cur, l.original_amount_minor::text AS orig,
            l.party_id AS party
       FROM gl_lines l JOIN accounts a ON a.id = l.account_id WHERE l.entry_id = $1 ORDER BY l.line_number`,
    [doc.entryId],
  );
  return rows;
}

async function post(kind: 'SALES' | 'PURCHASING' | 'PAYMENT', doc: DocumentRow) {
  return postDocument(books, doc.id, kind);
}

describe('sales invoices', () => {
  it('drafts with per-line rounding, then posts with its own gapless number and GL entry', async () => {
    const draft = await createDraft(books, 'SALES_INVOICE', invoice());
    // 3 × 0.335 = 1.005 → 1.01, tax 0.0707 → 0.07; 100.00 exempt
    expect(draft).toMatchObject({
      status: 'DRAFT',
      number: null,
      subtotalMinor: 10101n,
      taxMinor: 7n,
      totalMinor: 10108n,
    });
    expect(draft.dueDate).toBe('2026-04-09');
    const posted = await post('SALES', draft);
    expect(posted).toMatchObject({ status: 'POSTED', number: 'INV-2026-000001', baseTotalMinor: 10108n });
    expect(await glOf(posted)).toEqual([
      { code: '1201', base: '10108', cur: 'PAB', orig: '10108', party: customer },
      { code: '4101', base: '-101', cur: 'PAB', orig: '-101', party: null },
      { code: '2201', base: '-7', cur: 'PAB', orig: '-7', party: null },
      { code: '4102', base: '-10000', cur: 'PAB', orig: '-10000', party: null },
    ]);
    const { rows } = await t.admin.query('SELECT source_kind FROM journal_entries WHERE id = $1', [
      posted.entryId,
    ]);
    expect(rows[0].source_kind).toBe('SALES_INVOICE');
    // Posting again is a retry: same document, nothing new.
    const before = await footprint();
    expect((await post('SALES', posted)).number).toBe('INV-2026-000001');
    expect(await footprint()).toEqual(before);
  });

  it('edits and discards drafts; never a posted invoice, in the service or in the database', async () => {
    const draft = await createDraft(books, 'SALES_INVOICE', invoice());
    const edited = await updateDraft(
      books,
      draft.id,
      'INVOICE',
      invoice({ lines: [{ accountCode: '4101', quantity: '2', unitPrice: '10', taxCode: 'ITBMS7' }] }),
    );
    expect(edited.totalMinor).toBe(2140n);
    expect(await t.count('document_lines', `document_id = '${draft.id}'`)).toBe(1);
    expect((await discardDraft(books, draft.id)).status).toBe('DISCARDED');
    const [posted] = (await t.admin.query("SELECT id FROM documents WHERE number = 'INV-2026-000001'")).rows;
    const before = await footprint();
    expect((await refusal(updateDraft(books, posted.id, 'INVOICE', invoice()))).code).toBe('NOT_EDITABLE');
    expect((await refusal(discardDraft(books, posted.id))).code).toBe('NOT_EDITABLE');
    expect((await refusal(post('SALES', { ...draft }))).code).toBe('NOT_EDITABLE'); // discarded
    await expect(
      t.db.$client.query('UPDATE documents SET memo = $1 WHERE id = $2', ['changed', posted.id]),
    ).rejects.toThrow(/only drafts change/);
    await expect(
      t.db.$client.query('DELETE FROM document_lines WHERE document_id = $1', [posted.id]),
    ).rejects.toThrow(/refused/);
    expect(await footprint()).toEqual(before);
  });

  it.each([
    [
      'a negative quantity',
      { lines: [{ accountCode: '4101', quantity: '-1', unitPrice: '1', taxCode: 'EXENTO' }] },
      'lines[0].quantity',
    ],
    [
      'a zero quantity',
      { lines: [{ accountCode: '4101', quantity: '0', unitPrice: '1', taxCode: 'EXENTO' }] },
      'lines[0].quantity',
    ],
    [
      'a price "1e3"',
      { lines: [{ accountCode: '4101', quantity: '1', unitPrice: '1e3', taxCode: 'EXENTO' }] },
      'lines[0].unitPrice',
    ],
    [
      'a price with 7 decimals',
      { lines: [{ accountCode: '4101', quantity: '1', unitPrice: '0.0000001', taxCode: 'EXENTO' }] },
      'lines[0].unitPrice',
    ],
    [
      'an unknown item',
      { lines: [{ itemCode: 'NOPE', quantity: '1', unitPrice: '1', taxCode: 'EXENTO' }] },
      'lines[0].itemCode',
    ],
    [
      'an unknown tax code',
      { lines: [{ accountCode: '4101', quantity: '1', unitPrice: '1', taxCode: 'IVA' }] },
      'lines[0].taxCode',
    ],
    [
      'an unknown account',
      { lines: [{ accountCode: '9999', quantity: '1', unitPrice: '1', taxCode: 'EXENTO' }] },
      'lines[0].accountCode',
    ],
    // Refused by the input's schema (zod): named in the same bracket form as the rest.
    [
      'an empty tax code',
      { lines: [{ accountCode: '4101', quantity: '1', unitPrice: '1', taxCode: '' }] },
      'lines[0].taxCode',
    ],
    [
      'a blank item code on a second line',
      {
        lines: [
          { accountCode: '4101', quantity: '1', unitPrice: '1', taxCode: 'EXENTO' },
          { itemCode: ' ', quantity: '1', unitPrice: '1', taxCode: 'EXENTO' },
        ],
      },
      'lines[1].itemCode',
    ],
    ['no line', { lines: [] }, 'lines'],
    ['a party id that is no id', { partyId: 'hotel' }, 'partyId'],
    ['an unknown party', { partyId: '00000000-0000-4000-8000-000000000000' }, 'partyId'],
    [
      'a document date whose 30 days of terms pass 9999-12-31',
      { documentDate: '9999-12-15' },
      'documentDate',
    ],
    ['a vendor on a sales invoice', { partyId: 'VENDOR' }, 'partyId'],
    ['a USD rate other than the peg', { partyId: 'USD', exchangeRate: '1.1' }, 'exchangeRate'],
    ['a rate other than 1 in the base currency', { exchangeRate: '1.1' }, 'exchangeRate'],
  ])('refuses %s, writing nothing', async (_what, over, field) => {
    const o = { ...over } as Partial<InvoiceDraftInput>;
    if (o.partyId === 'VENDOR') o.partyId = vendor;
    if (o.partyId === 'USD') o.partyId = usdCustomer;
    const before = await footprint();
    const err = await refusal(createDraft(books, 'SALES_INVOICE', invoice(o)));
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.details.field).toBe(field);
    expect(await footprint()).toEqual(before);
  });

  it('refuses a junior approving a sales invoice, but lets the junior draft it and post a vendor bill', async () => {
    const junior = await t.books('Junior');
    const draft = await createDraft(junior, 'SALES_INVOICE', invoice());
    const before = await footprint();
    expect((await refusal(postDocument(junior, draft.id, 'SALES'))).code).toBe('FORBIDDEN');
    expect(await footprint()).toEqual(before);
    const bill = await createDraft(junior, 'PURCHASE_INVOICE', {
      partyId: vendor,
      documentDate: '2026-03-11',
      reference: 'F-881',
      lines: [{ accountCode: '6202', quantity: '1', unitPrice: '53.10', taxCode: 'ITBMS7' }],
    });
    const posted = await postDocument(junior, bill.id, 'PURCHASING');
    expect(posted.number).toBe('BILL-2026-000001');
    expect(posted.dueDate).toBe('2026-03-21');
    expect(await glOf(posted)).toEqual([
      { code: '2101', base: '-5682', cur: 'PAB', orig: '-5682', party: vendor },
      { code: '6202', base: '5310', cur: 'PAB', orig: '5310', party: null },
      { code: '1401', base: '372', cur: 'PAB', orig: '372', party: null },
    ]);
    await discardDraft(books, draft.id);
  });
});

describe('numbering and the period check by side', () => {
  it('refuses a sales invoice in a LOCK_SALES period without burning a number, while a bill still posts', async () => {
    await t.admin.query("UPDATE posting_periods SET state = 'LOCK_SALES' WHERE year = 2026 AND month = 2");
    const draft = await createDraft(books, 'SALES_INVOICE', invoice({ documentDate: '2026-02-15' }));
    const before = await footprint();
    const err = await refusal(post('SALES', draft));
    expect(err.code).toBe('PERIOD_LOCKED');
    expect(err.details).toMatchObject({
      period: '2026-02',
      state: 'LOCK_SALES',
      sourceKind: 'SALES_INVOICE',
    });
    expect(await footprint()).toEqual(before);
    const bill = await createDraft(books, 'PURCHASE_INVOICE', {
      partyId: vendor,
      documentDate: '2026-02-15',
      lines: [{ accountCode: '6201', quantity: '1', unitPrice: '500', taxCode: 'EXENTO' }],
    });
    expect((await post('PURCHASING', bill)).number).toBe('BILL-2026-000002');
    // The same draft re-dated into an open period takes the very next number: nothing was burnt.
    await updateDraft(books, draft.id, 'INVOICE', invoice({ documentDate: '2026-03-15' }));
    expect((await post('SALES', draft)).number).toBe('INV-2026-000002');
  });

  it('uses a configured prefix for a sequence not started yet, and keeps a running one', async () => {
    await setNumberingPrefix(books, 'CREDIT_NOTE', 'nc');
    await setNumberingPrefix(books, 'SALES_INVOICE', 'FAC');
    const [inv] = (await t.admin.query("SELECT id FROM documents WHERE number = 'INV-2026-000001'")).rows;
    const note = await createDraft(
      books,
      'CREDIT_NOTE',
      invoice({
        appliesToId: inv.id,
        lines: [{ accountCode: '4101', quantity: '1', unitPrice: '0.50', taxCode: 'EXENTO' }],
      }),
    );
    expect((await post('SALES', note)).number).toBe('NC-2026-000001');
    const next = await createDraft(books, 'SALES_INVOICE', invoice());
    expect((await post('SALES', next)).number).toBe('INV-2026-000003');
    expect((await refusal(setNumberingPrefix(books, 'DEBIT_NOTE', 'a b'))).code).toBe('BAD_USER_INPUT');
  });
});

describe('settlement', () => {
  let inv: DocumentRow;
  const open = async (d: DocumentRow) => d.totalMinor - ((await settledMinor(t.db, [d.id])).get(d.id) ?? 0n);
  const receipt = (amount: string, allocations: { invoiceId: string; amount: string }[], over = {}) => ({
    partyId: customer,
    documentDate: '2026-03-20',
    amount,
    allocations,
    ...over,
  });

  beforeAll(async () => {
    inv = await post(
      'SALES',
      await createDraft(
        books,
        'SALES_INVOICE',
        invoice({ lines: [{ accountCode: '4101', quantity: '10', unitPrice: '10', taxCode: 'ITBMS7' }] }),
      ),
    );
    expect(inv.totalMinor).toBe(10700n);
  });

  it('refuses over-allocation, bad money strings and a foreign-currency mismatch, writing nothing', async () => {
    const before = await footprint();
    const over = await refusal(
      createDraft(books, 'CUSTOMER_RECEIPT', receipt('200.00', [{ invoiceId: inv.id, amount: '200.00' }])),
    );
    expect(over.code).toBe('OVER_ALLOCATION');
    const more = await refusal(
      createDraft(books, 'CUSTOMER_RECEIPT', receipt('10.00', [{ invoiceId: inv.id, amount: '20.00' }])),
    );
    expect(more.code).toBe('OVER_ALLOCATION');
    for (const amount of ['1e3', '0.001', '-5.00', 'ten']) {
      const err = await refusal(
        createDraft(books, 'CUSTOMER_RECEIPT', receipt(amount, [{ invoiceId: inv.id, amount }])),
      );
      expect(err.code).toBe('BAD_USER_INPUT');
    }
    const badId = await refusal(
      createDraft(
        books,
        'CUSTOMER_RECEIPT',
        receipt('10.00', [
          { invoiceId: inv.id, amount: '5.00' },
          { invoiceId: 'INV-2026-000001', amount: '5.00' },
        ]),
      ),
    );
    expect(badId.code).toBe('BAD_USER_INPUT');
    expect(badId.details.field).toBe('allocations[1].invoiceId');
    const usd = await refusal(
      createDraft(
        books,
        'CUSTOMER_RECEIPT',
        receipt('10.00', [{ invoiceId: inv.id, amount: '10.00' }], { currency: 'USD', exchangeRate: '1' }),
      ),
    );
    expect(usd.code).toBe('CURRENCY_MISMATCH');
    expect(await footprint()).toEqual(before);
  });

  it('takes partial receipts with a bank fee until the invoice is paid', async () => {
    const first = await createDraft(
      books,
      'CUSTOMER_RECEIPT',
      receipt('50.00', [{ invoiceId: inv.id, amount: '50.00' }], { bankFee: '1.25' }),
    );
    const r1 = await post('PAYMENT', first);
    expect(r1.number).toBe('RCPT-2026-000001');
    expect(await glOf(r1)).toEqual([
      { code: '1110', base: '4875', cur: 'PAB', orig: '4875', party: null },
      { code: '6501', base: '125', cur: 'PAB', orig: '125', party: null },
      { code: '1201', base: '-5000', cur: 'PAB', orig: '-5000', party: customer },
    ]);
    expect(await open(inv)).toBe(5700n);
    // A second draft for more than what is now open is refused at posting too.
    const late = await createDraft(
      books,
      'CUSTOMER_RECEIPT',
      receipt('57.00', [{ invoiceId: inv.id, amount: '57.00' }]),
    );
    const rival = await createDraft(
      books,
      'CUSTOMER_RECEIPT',
      receipt('57.00', [{ invoiceId: inv.id, amount: '57.00' }]),
    );
    await post('PAYMENT', late);
    expect(await open(inv)).toBe(0n);
    const before = await footprint();
    expect((await refusal(post('PAYMENT', rival))).code).toBe('OVER_ALLOCATION');
    expect(await footprint()).toEqual(before);
  });

  it('lets a credit note reduce what is open, never below zero: the excess is a customer credit', async () => {
    const inv2 = await post(
      'SALES',
      await createDraft(
        books,
        'SALES_INVOICE',
        invoice({ lines: [{ accountCode: '4101', quantity: '1', unitPrice: '50', taxCode: 'ITBMS7' }] }),
      ),
    );
    const note = await createDraft(
      books,
      'CREDIT_NOTE',
      invoice({
        appliesToId: inv2.id,
        lines: [{ accountCode: '4201', quantity: '1', unitPrice: '10', taxCode: 'ITBMS7' }],
      }),
    );
    const posted = await post('SALES', note);
    expect(await glOf(posted)).toEqual([
      { code: '1201', base: '-1070', cur: 'PAB', orig: '-1070', party: customer },
      { code: '4201', base: '1000', cur: 'PAB', orig: '1000', party: null },
      { code: '2201', base: '70', cur: 'PAB', orig: '70', party: null },
    ]);
    expect(await open(inv2)).toBe(5350n - 1070n);
    // Beyond what is open: the note settles the PAB 42.80 left and PAB 57.20 stays on the
    // customer's account as a credit (credits.test.ts has the rest of that story).
    const beyond = await post(
      'SALES',
      await createDraft(
        books,
        'CREDIT_NOTE',
        invoice({
          appliesToId: inv2.id,
          lines: [{ accountCode: '4201', quantity: '1', unitPrice: '100', taxCode: 'EXENTO' }],
        }),
      ),
    );
    expect([await open(inv2), beyond.creditMinor]).toEqual([0n, 10000n - (5350n - 1070n)]);
  });
});

describe('foreign currencies', () => {
  it('books a USD invoice on the PAB client at its explicit rate, keeping USD as the original', async () => {
    const doc = await post(
      'SALES',
      await createDraft(
        books,
        'SALES_INVOICE',
        invoice({
          partyId: usdCustomer,
          exchangeRate: '1',
          lines: [{ accountCode: '4101', quantity: '2', unitPrice: '12.50', taxCode: 'ITBMS7' }],
        }),
      ),
    );
    expect(doc).toMatchObject({ currency: 'USD', totalMinor: 2675n, baseTotalMinor: 2675n });
    expect(await glOf(doc)).toEqual([
      { code: '1201', base: '2675', cur: 'USD', orig: '2675', party: usdCustomer },
      { code: '4101', base: '-2500', cur: 'USD', orig: '-2500', party: null },
      { code: '2201', base: '-175', cur: 'USD', orig: '-175', party: null },
    ]);
  });

  it('translates a EUR invoice line by line and puts the residue on the Rounding account', async () => {
    const doc = await post(
      'SALES',
      await createDraft(
        books,
        'SALES_INVOICE',
        invoice({
          partyId: eurCustomer,
          exchangeRate: '1.0835',
          lines: [1, 2, 3]
            .map(() => ({ accountCode: '4101', quantity: '1', unitPrice: '0.33', taxCode: 'EXENTO' }))
            .concat([{ accountCode: '4102', quantity: '1', unitPrice: '0.07', taxCode: 'EXENTO' }]),
        }),
      ),
    );
    // EUR 1.06 → 1.15 on AR; 0.33 → 0.36 three times and 0.07 → 0.08 on income: 1.16, so 0.01 rounding.
    expect(doc).toMatchObject({
      currency: 'EUR',
      exchangeRate: '1.083500000000',
      totalMinor: 106n,
      baseTotalMinor: 115n,
    });
    expect(await glOf(doc)).toEqual([
      { code: '1201', base: '115', cur: 'EUR', orig: '106', party: eurCustomer },
      { code: '4101', base: '-36', cur: 'EUR', orig: '-33', party: null },
      { code: '4101', base: '-36', cur: 'EUR', orig: '-33', party: null },
      { code: '4101', base: '-36', cur: 'EUR', orig: '-33', party: null },
      { code: '4102', base: '-8', cur: 'EUR', orig: '-7', party: null },
      { code: '7203', base: '1', cur: 'PAB', orig: '1', party: null },
    ]);
    // Settled at its own rate: nothing realized, the receivable cleared exactly.
    const paid = await post(
      'PAYMENT',
      await createDraft(books, 'CUSTOMER_RECEIPT', {
        partyId: eurCustomer,
        documentDate: '2026-03-25',
        exchangeRate: '1.0835',
        amount: '1.06',
        allocations: [{ invoiceId: doc.id, amount: '1.06' }],
      }),
    );
    expect((await glOf(paid)).map((l) => [l.code, l.base, l.cur, l.orig])).toEqual([
      ['1110', '115', 'EUR', '106'],
      ['1201', '-115', 'EUR', '-106'],
    ]);
  });
});

describe('aging', () => {
  it('buckets open invoices by days past due, per party and currency, as of a date', async () => {
    const v2 = (
      await createParty(books, {
        kind: 'VENDOR',
        code: 'V2',
        name: 'Import',
        currency: 'EUR',
        paymentTermsDays: 0,
      })
    ).id;
    const bill = (date: string, amount: string) =>
      createDraft(books, 'PURCHASE_INVOICE', {
        partyId: v2,
        documentDate: date,
        exchangeRate: '1.1',
        lines: [{ accountCode: '5101', quantity: '1', unitPrice: amount, taxCode: 'EXENTO' }],
      }).then((d) => post('PURCHASING', d));
    await bill('2026-01-05', '100'); // 85 days past due at 2026-03-31
    await bill('2026-03-01', '10'); // 30 days
    await bill('2026-03-31', '1'); // current
    const report = await aging(books, 'PURCHASE_INVOICE', '2026-03-31');
    const row = report.rows.find((r) => r.partyId === v2);
    expect(row?.amounts).toEqual({
      current: 100n,
      days1To30: 1000n,
      days31To60: 0n,
      days61To90: 10000n,
      over90: 0n,
      total: 11100n,
    });
    expect(row?.base).toEqual({
      current: 110n,
      days1To30: 1100n,
      days31To60: 0n,
      days61To90: 11000n,
      over90: 0n,
      total: 12210n,
    });
    // Before the later bills existed, only the first one is open, and it was not yet due.
    const early = await aging(books, 'PURCHASE_INVOICE', '2026-01-05');
    expect(early.rows.find((r) => r.partyId === v2)?.amounts.current).toBe(10000n);
    expect(early.rows.find((r) => r.partyId === v2)?.amounts.total).toBe(10000n);
    // Paid invoices leave the AR aging.
    const ar = await aging(books, 'SALES_INVOICE', '2026-12-31');
    expect(ar.rows.every((r) => r.amounts.total > 0n)).toBe(true);
  });
});

describe('voids', () => {
  const reason = 'Customer returned the whole order unopened';
  let inv: DocumentRow;
  let rcpt: DocumentRow;

  beforeAll(async () => {
    inv = await post(
      'SALES',
      await createDraft(
        books,
        'SALES_INVOICE',
        invoice({
          documentDate: '2026-04-02',
          lines: [{ accountCode: '4101', quantity: '1', unitPrice: '20', taxCode: 'ITBMS7' }],
        }),
      ),
    );
    rcpt = await post(
      'PAYMENT',
      await createDraft(books, 'CUSTOMER_RECEIPT', {
        partyId: customer,
        documentDate: '2026-04-03',
        amount: '5.00',
        allocations: [{ invoiceId: inv.id, amount: '5.00' }],
      }),
    );
  });

  it('refuses voiding an invoice a receipt still settles, and a reason too short, writing nothing', async () => {
    const before = await footprint();
    const err = await refusal(voidDocument(books, inv.id, 'SALES', reason, '2026-04-05'));
    expect(err.code).toBe('DOCUMENT_HAS_SETTLEMENTS');
    expect(err.details.settledBy).toEqual([rcpt.number]);
    expect((await refusal(voidDocument(books, inv.id, 'SALES', 'oops', '2026-04-05'))).code).toBe(
      'REASON_TOO_SHORT',
    );
    expect((await refusal(voidDocument(books, rcpt.id, 'SALES', reason))).code).toBe('BAD_USER_INPUT');
    // Never undone before it was done: the receipt was posted on 3 April.
    const early = await refusal(voidDocument(books, rcpt.id, 'PAYMENT', reason, '2026-04-02'));
    expect([early.code, early.details]).toEqual([
      'BAD_USER_INPUT',
      { field: 'voidDate', postedOn: '2026-04-03' },
    ]);
    expect(await footprint()).toEqual(before);
  });

  it('voids the receipt, then the invoice, each once, with the document’s own kind', async () => {
    await voidDocument(books, rcpt.id, 'PAYMENT', reason, '2026-04-05');
    expect(await settledMinor(t.db, [inv.id])).toEqual(new Map([[inv.id, 0n]]));
    await voidDocument(books, inv.id, 'SALES', reason, '2026-04-06');
    const { rows } = await t.admin.query(
      `SELECT r.source_kind, r.posting_date::text AS date, r.reverses_entry_id = $2 AS linked
         FROM voids v JOIN journal_entries r ON r.id = v.reversal_entry_id WHERE v.document_id = $1`,
      [inv.id, inv.entryId],
    );
    expect(rows).toEqual([{ source_kind: 'SALES_INVOICE', date: '2026-04-06', linked: true }]);
    const before = await footprint();
    expect((await refusal(voidDocument(books, inv.id, 'SALES', reason, '2026-04-06'))).code).toBe(
      'ALREADY_VOIDED',
    );
    expect(await footprint()).toEqual(before);
    const list = await aging(books, 'SALES_INVOICE', '2026-04-30');
    expect(list.rows.flatMap((r) => r.invoices.map((i) => i.documentId))).not.toContain(inv.id);
    // As of the day before the void, the invoice was still open.
    const earlier = await aging(books, 'SALES_INVOICE', '2026-04-05');
    expect(earlier.rows.flatMap((r) => r.invoices.map((i) => i.documentId))).toContain(inv.id);
  });

  it('refuses voiding a sales invoice into a LOCK_SALES period, while a bill still voids there', async () => {
    const inv3 = await post(
      'SALES',
      await createDraft(books, 'SALES_INVOICE', invoice({ documentDate: '2026-04-10' })),
    );
    const bill = await post(
      'PURCHASING',
      await createDraft(books, 'PURCHASE_INVOICE', {
        partyId: vendor,
        documentDate: '2026-04-10',
        lines: [{ accountCode: '6201', quantity: '1', unitPrice: '5', taxCode: 'EXENTO' }],
      }),
    );
    await t.admin.query("UPDATE posting_periods SET state = 'LOCK_SALES' WHERE year = 2026 AND month = 5");
    const before = await footprint();
    const err = await refusal(voidDocument(books, inv3.id, 'SALES', reason, '2026-05-02'));
    expect(err.code).toBe('PERIOD_LOCKED');
    expect(await footprint()).toEqual(before);
    await voidDocument(books, bill.id, 'PURCHASING', reason, '2026-05-02');
    expect(await t.count('voids', `document_id = '${bill.id}'`)).toBe(1);
  });

  it('refuses a draft and a junior without Invoice.Void', async () => {
    const draft = await createDraft(books, 'SALES_INVOICE', invoice());
    expect((await refusal(voidDocument(books, draft.id, 'SALES', reason))).code).toBe('CANNOT_VOID');
    const junior = await t.books('Junior');
    const [anyPosted] = (
      await t.admin.query(
        "SELECT id FROM documents WHERE kind = 'SALES_INVOICE' AND status = 'POSTED' AND id NOT IN (SELECT document_id FROM voids WHERE document_id IS NOT NULL) LIMIT 1",
      )
    ).rows;
    expect((await refusal(voidDocument(junior, anyPosted.id, 'SALES', reason))).code).toBe('FORBIDDEN');
  });
});
