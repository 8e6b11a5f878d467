import { DomainError, formatMoney } from '@cifra/domain';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDraft,
  type DocumentKind,
  type DocumentRow,
  type InvoiceDraftInput,
  postDocument,
  voidDocument,
} from '../src/documents/index.ts';
import type { Books } from '../src/services/books.ts';
import { createParty } from '../src/services/parties.service.ts';
import { postJournalEntry } from '../src/services/post-journal-entry.service.ts';
import { itbmsReturn, itbmsReturnCsv } from '../src/tax-return/index.ts';
import { openTestBooks, type TestBooks } from './test-books.ts';

let t: TestBooks;
let books: Books;
let customer: string;
let eurCustomer: string;
let vendor: string;

beforeAll(async () => {
  t = await openTestBooks();
  books = await t.books();
  customer = (await createParty(books, { kind: 'CUSTOMER', code: 'C1', name: 'Hotel' })).id;
  eurCustomer = (
    await createParty(books, { kind: 'CUSTOMER', code: 'C3', name: 'Kaffee GmbH', currency: 'EUR' })
  ).id;
  vendor = (await createParty(books, { kind: 'VENDOR', code: 'V1', name: 'Finca' })).id;
});
afterAll(() => t.close());

type Line = [price: string, taxCode: string];
const SALES = { SALES_INVOICE: true, CREDIT_NOTE: true, PURCHASE_INVOICE: false, DEBIT_NOTE: false };

async function post(
  kind: DocumentKind,
  date: string,
  lines: Line[],
  over: Partial<InvoiceDraftInput> = {},
): Promise<DocumentRow> {
  const sales = SALES[kind as keyof typeof SALES];
  const draft = await createDraft(books, kind, {
    partyId: sales ? customer : vendor,
    documentDate: date,
    lines: lines.map(([unitPrice, taxCode]) => ({
      accountCode: sales ? '4101' : '6201',
      quantity: '1',
      unitPrice,
      taxCode,
    })),
    ...over,
  });
  return postDocument(books, draft.id, sales ? 'SALES' : 'PURCHASING');
}

const money = (m: bigint) => formatMoney(m, 2);
const rates = (list: { ratePercent: string; baseMinor: bigint; taxMinor: bigint }[]) =>
  Object.fromEntries(list.map((l) => [l.ratePercent, [money(l.baseMinor), money(l.taxMinor)]]));

describe('the ITBMS return, worked examples', () => {
  it('a credit of 10.50 in January (input 14.00 > output 3.50) is carried into February: 14.00 − 10.50 = 3.50 payable', async () => {
    await post('PURCHASE_INVOICE', '2026-01-10', [['200.00', 'ITBMS7']]);
    await post('SALES_INVOICE', '2026-01-12', [['50.00', 'ITBMS7']]);
    const jan = await itbmsReturn(books, 2026, 1);
    expect([jan.outputTaxMinor, jan.inputTaxMinor, jan.payableMinor, jan.carriedForwardMinor]).toEqual([
      350n,
      1400n,
      0n,
      1050n,
    ]);
    await post('SALES_INVOICE', '2026-02-03', [['200.00', 'ITBMS7']]);
    const feb = await itbmsReturn(books, 2026, 2);
    expect(feb.creditBroughtForwardMinor).toBe(1050n);
    expect([feb.outputTaxMinor, feb.payableMinor, feb.carriedForwardMinor]).toEqual([1400n, 350n, 0n]);
    expect(jan.reconciles && feb.reconciles).toBe(true);
  });

  it('100.00 at 7 %, 50.00 at 10 %, 20.00 exempt, a purchase of 30.00 at 7 %, a credit note of 10.00 at 7 %: output 7.00 + 5.00 − 0.70 = 11.30, input 2.10, payable 9.20', async () => {
    const inv = await post('SALES_INVOICE', '2026-03-05', [
      ['100.00', 'ITBMS7'],
      ['50.00', 'ITBMS10'],
      ['20.00', 'EXENTO'],
    ]);
    await post('PURCHASE_INVOICE', '2026-03-08', [['30.00', 'ITBMS7']]);
    await post('CREDIT_NOTE', '2026-03-20', [['10.00', 'ITBMS7']], { appliesToId: inv.id });
    const r = await itbmsReturn(books, 2026, 3);
    expect(rates(r.sales)).toEqual({
      '7': ['90.00', '6.30'],
      '10': ['50.00', '5.00'],
      '15': ['0.00', '0.00'],
    });
    expect(money(r.exemptSalesMinor)).toBe('20.00');
    expect(r.creditNotes).toEqual({ baseMinor: 1000n, taxMinor: 70n });
    expect(rates(r.purchases)).toEqual({
      '7': ['30.00', '2.10'],
      '10': ['0.00', '0.00'],
      '15': ['0.00', '0.00'],
    });
    expect([r.outputTaxMinor, r.inputTaxMinor, r.creditBroughtForwardMinor]).toEqual([1130n, 210n, 0n]);
    expect([r.payableMinor, r.carriedForwardMinor]).toEqual([920n, 0n]);
    expect([r.glOutputTaxMinor, r.glInputTaxMinor, r.reconciles]).toEqual([1130n, 210n, true]);
    const csv = itbmsReturnCsv(r, { legalName: 'Test SA', baseCurrency: 'PAB', baseMinorUnits: 2 });
    expect(csv).toContain('sales,7,90.00,6.30\r\n');
    expect(csv).toContain('credit_notes_netted,,10.00,0.70\r\n');
    expect(csv).toContain('net_payable,,,9.20\r\n');
    expect(csv).toContain('reconciles,,true,\r\n');
  });

  it('an invoice of 100.00 at 15 % posted in April and voided in May counts 15.00 in April and −15.00 in May, as the GL has them; one voided in its own month counts nothing', async () => {
    const inv = await post('SALES_INVOICE', '2026-04-10', [['100.00', 'ITBMS15']]);
    const same = await post('SALES_INVOICE', '2026-04-11', [['40.00', 'ITBMS7']]);
    await voidDocument(books, same.id, 'SALES', 'Emitida por error al cliente equivocado', '2026-04-12');
    await voidDocument(books, inv.id, 'SALES', 'Anulada: el cliente devolvió todo', '2026-05-04');
    const apr = await itbmsReturn(books, 2026, 4);
    expect(rates(apr.sales)).toEqual({
      '7': ['0.00', '0.00'],
      '10': ['0.00', '0.00'],
      '15': ['100.00', '15.00'],
    });
    expect([apr.outputTaxMinor, apr.payableMinor, apr.reconciles]).toEqual([1500n, 1500n, true]);
    const may = await itbmsReturn(books, 2026, 5);
    expect(rates(may.sales)['15']).toEqual(['-100.00', '-15.00']);
    expect([may.outputTaxMinor, may.payableMinor, may.carriedForwardMinor]).toEqual([-1500n, 0n, 1500n]);
    expect([may.glOutputTaxMinor, may.reconciles]).toEqual([-1500n, true]);
  });

  it('a cash sale journaled in November (10.00 + 0.70 on the sales-tax account, naming its customer) adds 0.70 of journal output tax to a 50.00 invoice at 7 %: output 4.20', async () => {
    await post('SALES_INVOICE', '2026-11-02', [['50.00', 'ITBMS7']]);
    await postJournalEntry(t.db, books.company, books.actor, {
      postingDate: '2026-11-03',
      memo: 'Ventas de contado del día',
      lines: [
        { accountCode: '1110', debit: '10.70' },
        { accountCode: '4101', credit: '10.00' },
        { accountCode: '2201', credit: '0.70', partyId: customer },
      ],
    });
    const r = await itbmsReturn(books, 2026, 11);
    expect(rates(r.sales)['7']).toEqual(['50.00', '3.50']);
    expect([r.journalOutputTaxMinor, r.outputTaxMinor, r.glOutputTaxMinor, r.reconciles]).toEqual([
      70n,
      420n,
      420n,
      true,
    ]);
  });

  it('refuses a month out of range and a client of another region, naming the field', async () => {
    const code = async (p: Promise<unknown>) => {
      const e = await p.then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(DomainError);
      return [(e as DomainError).code, (e as DomainError).details?.field];
    };
    expect(await code(itbmsReturn(books, 2026, 13))).toEqual(['BAD_USER_INPUT', 'month']);
    await t.admin.query(`UPDATE company SET region = 'CR'`);
    try {
      expect(await code(itbmsReturn(books, 2026, 3))).toEqual(['TAX_RETURN_NOT_AVAILABLE', 'region']);
    } finally {
      await t.admin.query(`UPDATE company SET region = 'PA'`);
    }
  });
});

describe('the return equals the tax accounts’ movement in the GL (fast-check)', () => {
  const TAX = ['ITBMS7', 'ITBMS10', 'ITBMS15', 'EXENTO'] as const;
  // 10.00 to 1,009.99, in cents: every invoice can take a note of up to 0.99 + tax.
  const price = fc.integer({ min: 1_000, max: 100_999 }).map((c) => formatMoney(BigInt(c), 2));
  const line = fc.tuple(price, fc.constantFrom(...TAX));
  const step = fc.record({
    action: fc.constantFrom(
      'SALES_INVOICE',
      'EUR_INVOICE',
      'PURCHASE_INVOICE',
      'CREDIT_NOTE',
      'DEBIT_NOTE',
      'VOID',
    ),
    lines: fc.array(line, { minLength: 1, maxLength: 3 }),
    day: fc.integer({ min: 1, max: 28 }),
    voidNextMonth: fc.boolean(),
  });

  it('after random invoices, notes and voids in September (some voided in October), output and input tax equal the GL to the minor unit', async () => {
    const invoices: DocumentRow[] = [];
    const live: DocumentRow[] = [];
    const date = (day: number, month = 9) =>
      `2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        for (const s of steps) {
          if (s.action === 'VOID') {
            const doc = live.pop();
            if (!doc) continue;
            const family = SALES[doc.kind as keyof typeof SALES] ? 'SALES' : 'PURCHASING';
            const voidDate = date(28, s.voidNextMonth ? 10 : 9);
            const voided = await voidDocument(
              books,
              doc.id,
              family,
              'Anulación de prueba aleatoria',
              voidDate,
            ).then(
              () => true,
              // An invoice a live note settles stays: its note must be voided first.
              (e: unknown) => {
                if (e instanceof DomainError && e.code === 'DOCUMENT_HAS_SETTLEMENTS') return false;
                throw e;
              },
            );
            if (voided) invoices.splice(invoices.indexOf(doc), 1);
            continue;
          }
          if (s.action === 'CREDIT_NOTE' || s.action === 'DEBIT_NOTE') {
            const wanted = s.action === 'CREDIT_NOTE' ? 'SALES_INVOICE' : 'PURCHASE_INVOICE';
            const open = invoices.filter((i) => i.kind === wanted && i.partyId !== eurCustomer);
            const inv = open[s.day % Math.max(open.length, 1)];
            if (!inv) continue;
            // A small note (0.01 to 0.28 + tax): one invoice of 10.00 or more takes several.
            const [, code] = s.lines[0] as Line;
            // Never dated before the invoice it corrects (refused otherwise).
            const day = [date(s.day), inv.postingDate].sort()[1] as string;
            const note = await post(s.action, day, [[`0.${String(s.day).padStart(2, '0')}`, code]], {
              appliesToId: inv.id,
            }).catch((e: unknown) => {
              // The invoice already fully settled by earlier notes: nothing posted.
              if (e instanceof DomainError && e.code === 'OVER_ALLOCATION') return null;
              throw e;
            });
            if (note) live.push(note);
            continue;
          }
          const doc =
            s.action === 'EUR_INVOICE'
              ? await post('SALES_INVOICE', date(s.day), s.lines, {
                  partyId: eurCustomer,
                  exchangeRate: '1.093712',
                })
              : await post(s.action as DocumentKind, date(s.day), s.lines);
          invoices.push(doc);
          live.push(doc);
        }
        for (const month of [9, 10]) {
          const r = await itbmsReturn(books, 2026, month);
          expect(r.outputTaxMinor).toBe(r.glOutputTaxMinor);
          expect(r.inputTaxMinor).toBe(r.glInputTaxMinor);
          expect(r.reconciles).toBe(true);
        }
      }),
      { numRuns: 15 },
    );
    const sep = await itbmsReturn(books, 2026, 9);
    expect(sep.glOutputTaxMinor).not.toBe(0n);
  });
});
