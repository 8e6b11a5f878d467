import { DomainError, formatMoney, formatRate } from '@cifra/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aging } from '../src/aging/aging.ts';
import { createDraft, type DocumentRow, postDocument } from '../src/documents/index.ts';
import type { Books } from '../src/services/books.ts';
import { balanceSheet } from '../src/services/financial-statements.service.ts';
import { unrealizedFxExposure } from '../src/services/fx-exposure.service.ts';
import { createParty } from '../src/services/parties.service.ts';
import {
  type RateLookup,
  RatesOn,
  revalueAging,
  revalueBalanceSheet,
  revalueBalances,
} from '../src/services/revaluation.service.ts';
import { rateLookup } from '../src/services/revaluation-rates.ts';
import { openTestBooks, type TestBooks } from './test-books.ts';

/**
 * A PAB client with EUR business in March 2026, booked at 1.08:
 *   invoice EUR 1,000.00 (PAB 1,080.00), receipt EUR 400.00 into the bank (PAB 432.00),
 *   vendor bill EUR 500.00 (PAB 540.00); and a USD 1,200.00 invoice at the peg.
 * ECB rates: 1.08 on 10 March, 1.10 on 31 March, 1.05 on 30 April.
 */
let t: TestBooks;
let books: Books;
let lookup: RateLookup;
let eurInvoice: DocumentRow;
let eurBill: DocumentRow;
let usdInvoice: DocumentRow;

const pab = (minor: bigint) => formatMoney(minor, 2);

/** Everything a report could write if it wrongly posted or recorded something. */
const footprint = async () => ({
  entries: await t.count('journal_entries'),
  gl: await t.count('gl_lines'),
  rates: await t.count('exchange_rates'),
  audit: await t.count('audit_events'),
  documents: await t.count('documents'),
  balances: (await t.admin.query('SELECT * FROM account_period_balances ORDER BY 1, 2')).rows,
});

beforeAll(async () => {
  t = await openTestBooks();
  books = await t.books();
  for (const [date, rate] of [
    ['2026-03-10', '1.08'],
    ['2026-03-31', '1.10'],
    ['2026-04-30', '1.05'],
  ]) {
    await t.admin.query(
      `INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, source) VALUES ($1, 'EUR', 'PAB', $2, 'ECB')`,
      [date, rate],
    );
  }
  lookup = await rateLookup(books);
  // The bank the receipt goes to is a EUR account: money is revalued in the currency it is held in.
  await t.admin.query(
    `INSERT INTO bank_accounts (account_id, currency) SELECT id, 'EUR' FROM accounts WHERE code = '1110'`,
  );
  const eurCustomer = (
    await createParty(books, { kind: 'CUSTOMER', code: 'C-EUR', name: 'Kaffee GmbH', currency: 'EUR' })
  ).id;
  const usdCustomer = (
    await createParty(books, { kind: 'CUSTOMER', code: 'C-USD', name: 'Cruise Inc', currency: 'USD' })
  ).id;
  const eurVendor = (
    await createParty(books, { kind: 'VENDOR', code: 'V-EUR', name: 'Röster AG', currency: 'EUR' })
  ).id;
  const line = (accountCode: string, price: string) => [
    { accountCode, quantity: '1', unitPrice: price, taxCode: 'EXENTO' },
  ];
  eurInvoice = await postDocument(
    books,
    (
      await createDraft(books, 'SALES_INVOICE', {
        partyId: eurCustomer,
        documentDate: '2026-03-10',
        dueDate: '2026-04-09',
        exchangeRate: '1.08',
        lines: line('4101', '1000'),
      })
    ).id,
    'SALES',
  );
  await postDocument(
    books,
    (
      await createDraft(books, 'CUSTOMER_RECEIPT', {
        partyId: eurCustomer,
        documentDate: '2026-03-15',
        exchangeRate: '1.08',
        amount: '400.00',
        allocations: [{ invoiceId: eurInvoice.id, amount: '400.00' }],
      })
    ).id,
    'PAYMENT',
  );
  eurBill = await postDocument(
    books,
    (
      await createDraft(books, 'PURCHASE_INVOICE', {
        partyId: eurVendor,
        documentDate: '2026-03-12',
        dueDate: '2026-04-11',
        exchangeRate: '1.08',
        lines: line('5101', '500'),
      })
    ).id,
    'PURCHASING',
  );
  usdInvoice = await postDocument(
    books,
    (
      await createDraft(books, 'SALES_INVOICE', {
        partyId: usdCustomer,
        documentDate: '2026-03-20',
        exchangeRate: '1',
        lines: line('4101', '1200'),
      })
    ).id,
    'SALES',
  );
});
afterAll(() => t.close());

const ctx = () => ({
  db: t.db,
  baseCurrency: 'PAB',
  baseMinorUnits: 2,
  minorUnits: (c: string) => books.minorUnits(c),
});

const show = (r: Awaited<ReturnType<typeof revalueBalances>>) =>
  r.lines.map((l) => [
    l.accountCode,
    l.currency,
    formatMoney(l.originalMinor, l.minorUnits),
    pab(l.bookedBaseMinor),
    pab(l.revaluedBaseMinor),
    pab(l.differenceMinor),
  ]);

describe('revalueAt on the balances (trial balance, balance sheet)', () => {
  it('EUR at 1.08 revalued at 1.10 on 31 March: AR EUR 600.00 648.00→660.00 (+12.00), bank EUR 400.00 432.00→440.00 (+8.00), AP EUR −500.00 −540.00→−550.00 (−10.00): +10.00 unposted', async () => {
    const before = await footprint();
    const r = await revalueBalances(ctx(), { asOf: '2026-03-31', revalueAt: '2026-03-31', lookup });
    expect(show(r)).toEqual([
      ['1110', 'EUR', '400.00', '432.00', '440.00', '8.00'],
      ['1201', 'EUR', '600.00', '648.00', '660.00', '12.00'],
      ['1201', 'USD', '1200.00', '1200.00', '1200.00', '0.00'],
      ['2101', 'EUR', '-500.00', '-540.00', '-550.00', '-10.00'],
    ]);
    expect([pab(r.bookedBaseMinor), pab(r.revaluedBaseMinor), pab(r.differenceMinor)]).toEqual([
      '1740.00',
      '1750.00',
      '10.00',
    ]);
    expect(r.rates.map((x) => [x.currency, formatRate(x.rate), x.rateDate, x.source, x.isFallback])).toEqual([
      ['EUR', '1.1', '2026-03-31', 'ECB', false],
      ['USD', '1', '2026-03-31', 'PEG', false],
    ]);
    // Income (4101) and expense (5101) lines were booked from EUR too, and stay at historical rates.
    expect(r.lines.some((l) => l.accountCode === '4101' || l.accountCode === '5101')).toBe(false);
    expect(await footprint()).toEqual(before);
  });

  it('money in an account that holds the base currency is not revalued: the EUR received there was converted', async () => {
    const holds = (currency: string | null) =>
      t.admin.query(
        currency
          ? `INSERT INTO bank_accounts (account_id, currency) SELECT id, $1 FROM accounts WHERE code = '1110'
             ON CONFLICT (account_id) DO UPDATE SET currency = EXCLUDED.currency`
          : `DELETE FROM bank_accounts WHERE account_id = (SELECT id FROM accounts WHERE code = '1110')`,
        currency ? [currency] : [],
      );
    for (const currency of ['PAB', null]) {
      await holds(currency);
      const r = await revalueBalances(ctx(), { asOf: '2026-03-31', revalueAt: '2026-03-31', lookup });
      expect(show(r).map((l) => l.slice(0, 2))).toEqual([
        ['1201', 'EUR'],
        ['1201', 'USD'],
        ['2101', 'EUR'],
      ]);
      expect(pab(r.differenceMinor)).toBe('2.00');
    }
    await holds('EUR');
  });

  it('the same books revalued at 1.05 on 30 April: AR 630.00 (−18.00), bank 420.00 (−12.00), AP −525.00 (+15.00): −15.00', async () => {
    const r = await revalueBalances(ctx(), { asOf: '2026-03-31', revalueAt: '2026-04-30', lookup });
    expect(show(r).filter((l) => l[1] === 'EUR')).toEqual([
      ['1110', 'EUR', '400.00', '432.00', '420.00', '-12.00'],
      ['1201', 'EUR', '600.00', '648.00', '630.00', '-18.00'],
      ['2101', 'EUR', '-500.00', '-540.00', '-525.00', '15.00'],
    ]);
    expect(pab(r.differenceMinor)).toBe('-15.00');
  });

  it('on 3 April uses the 31 March rate 1.10 as a fallback, and says so', async () => {
    const r = await revalueBalances(ctx(), { asOf: '2026-03-31', revalueAt: '2026-04-03', lookup });
    expect(r.rates.find((x) => x.currency === 'EUR')).toMatchObject({
      rateDate: '2026-03-31',
      isFallback: true,
    });
    expect(pab(r.differenceMinor)).toBe('10.00');
  });

  it('before the receipt (asOf 12 March) only the invoice and the bill are there: AR EUR 1,000.00 1,080.00→1,100.00 (+20.00), AP −10.00', async () => {
    const r = await revalueBalances(ctx(), { asOf: '2026-03-12', revalueAt: '2026-03-31', lookup });
    expect(show(r)).toEqual([
      ['1201', 'EUR', '1000.00', '1080.00', '1100.00', '20.00'],
      ['2101', 'EUR', '-500.00', '-540.00', '-550.00', '-10.00'],
    ]);
  });

  it('refuses a date without a recent enough rate with RATE_NOT_AVAILABLE naming EUR and 2026-06-30, writing nothing', async () => {
    const before = await footprint();
    const err = await revalueBalances(ctx(), { asOf: '2026-03-31', revalueAt: '2026-06-30', lookup }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('RATE_NOT_AVAILABLE');
    expect((err as DomainError).message).toMatch(/EUR.*2026-06-30/);
    expect((err as DomainError).details).toMatchObject({ currency: 'EUR', date: '2026-06-30' });
    expect(await footprint()).toEqual(before);
  });

  it('balance sheet at 31 March revalued at 1.10: assets +20.00, payables +10.00, and an unposted equity line of +10.00 keep it balanced', async () => {
    const sheet = await balanceSheet(t.db, '2026-03-31');
    const r = await revalueBalances(ctx(), { asOf: '2026-03-31', revalueAt: '2026-03-31', lookup });
    const revalued = revalueBalanceSheet(sheet, r);
    expect(pab(revalued.assets.totalMinor - sheet.assets.totalMinor)).toBe('20.00');
    expect(pab(revalued.liabilities.totalMinor - sheet.liabilities.totalMinor)).toBe('10.00');
    expect(revalued.liabilities.rows.find((x) => x.accountCode === '2101')?.amountMinor).toBe(55000n);
    expect(revalued.equity.rows.at(-1)).toMatchObject({
      accountCode: null,
      accountName: 'Unrealized FX difference (unposted analysis)',
      amountMinor: 1000n,
    });
    expect(revalued.assets.totalMinor).toBe(revalued.totalLiabilitiesAndEquityMinor);
    expect(sheet.assets.totalMinor).toBe(sheet.totalLiabilitiesAndEquityMinor);
  });
});

describe('revalueAt on the aging', () => {
  it('AR at 31 March revalued at 1.10: the EUR invoice open EUR 600.00, booked 648.00, revalued 660.00 (+12.00); USD 1,200.00 stays 1,200.00', async () => {
    const report = await aging(books, 'SALES_INVOICE', '2026-03-31');
    const r = await revalueAging(
      { baseCurrency: 'PAB', baseMinorUnits: 2 },
      report,
      'RECEIVABLE',
      new RatesOn('2026-03-31', lookup),
    );
    const eur = report.rows.findIndex((x) => x.currency === 'EUR');
    expect(pab(report.rows[eur]!.base.total)).toBe('648.00');
    expect(pab(r.rowBuckets[eur]!.total)).toBe('660.00');
    expect(r.invoices.get(eurInvoice.id)).toBe(66000n);
    expect(r.invoices.get(usdInvoice.id)).toBe(120000n);
    expect(r.revaluation.lines.map((l) => [l.documentId, l.currency, pab(l.differenceMinor)])).toEqual([
      [eurInvoice.id, 'EUR', '12.00'],
      [usdInvoice.id, 'USD', '0.00'],
    ]);
  });

  it('AP at 31 March revalued at 1.10: the EUR bill EUR 500.00, booked 540.00, revalued 550.00 is a loss of 10.00', async () => {
    const report = await aging(books, 'PURCHASE_INVOICE', '2026-03-31');
    const r = await revalueAging(
      { baseCurrency: 'PAB', baseMinorUnits: 2 },
      report,
      'PAYABLE',
      new RatesOn('2026-03-31', lookup),
    );
    expect(
      r.revaluation.lines.map((l) => [
        l.documentId,
        pab(l.bookedBaseMinor),
        pab(l.revaluedBaseMinor),
        pab(l.differenceMinor),
      ]),
    ).toEqual([[eurBill.id, '540.00', '550.00', '-10.00']]);
  });
});

describe('unrealizedFxExposure', () => {
  it('at 31 March (EUR 1.10): receivable EUR 600.00 648.00→660.00 +12.00, payable EUR 500.00 540.00→550.00 −10.00, EUR net +2.00; USD at the peg 0.00', async () => {
    const before = await footprint();
    const x = await unrealizedFxExposure(books, '2026-03-31', lookup);
    expect(
      x.items.map((i) => [
        i.side,
        i.documentId,
        i.currency,
        formatMoney(i.originalMinor, 2),
        pab(i.bookedBaseMinor),
        pab(i.revaluedBaseMinor),
        pab(i.differenceMinor),
      ]),
    ).toEqual([
      ['RECEIVABLE', eurInvoice.id, 'EUR', '600.00', '648.00', '660.00', '12.00'],
      ['RECEIVABLE', usdInvoice.id, 'USD', '1200.00', '1200.00', '1200.00', '0.00'],
      ['PAYABLE', eurBill.id, 'EUR', '500.00', '540.00', '550.00', '-10.00'],
    ]);
    const eur = x.currencies.find((c) => c.currency === 'EUR')!;
    expect(pab(eur.receivables.unrealizedMinor)).toBe('12.00');
    expect(pab(eur.payables.unrealizedMinor)).toBe('-10.00');
    expect(pab(eur.unrealizedMinor)).toBe('2.00');
    expect(pab(x.unrealizedMinor)).toBe('2.00');
    expect(x.items[0]).toMatchObject({ dueDate: '2026-04-09', daysPastDue: -9 });
    expect(await footprint()).toEqual(before);
  });

  it('at 30 April (EUR 1.05): receivable −18.00, payable +15.00, net −3.00', async () => {
    const x = await unrealizedFxExposure(books, '2026-04-30', lookup);
    const eur = x.currencies.find((c) => c.currency === 'EUR')!;
    expect([
      pab(eur.receivables.unrealizedMinor),
      pab(eur.payables.unrealizedMinor),
      pab(x.unrealizedMinor),
    ]).toEqual(['-18.00', '15.00', '-3.00']);
  });

  it('booked base is what the receivable carries: EUR 10.00 at 1.085 (PAB 10.85) less EUR 1.00 cleared at PAB 1.09 leaves PAB 9.76 on the receivable, not 9.00 × 1.085 = 9.77', async () => {
    const party = (
      await createParty(books, { kind: 'CUSTOMER', code: 'C-ROUND', name: 'Rund AG', currency: 'EUR' })
    ).id;
    const inv = await postDocument(
      books,
      (
        await createDraft(books, 'SALES_INVOICE', {
          partyId: party,
          documentDate: '2026-03-10',
          exchangeRate: '1.085',
          lines: [{ accountCode: '4101', quantity: '1', unitPrice: '10', taxCode: 'EXENTO' }],
        })
      ).id,
      'SALES',
    );
    await postDocument(
      books,
      (
        await createDraft(books, 'CUSTOMER_RECEIPT', {
          partyId: party,
          documentDate: '2026-03-11',
          exchangeRate: '1.085',
          amount: '1.00',
          allocations: [{ invoiceId: inv.id, amount: '1.00' }],
        })
      ).id,
      'PAYMENT',
    );
    const { rows } = await t.admin.query(
      `SELECT sum(amount_minor)::text AS base, sum(original_amount_minor)::text AS eur FROM gl_lines WHERE party_id = $1`,
      [party],
    );
    expect(rows[0]).toEqual({ base: '976', eur: '900' });
    const report = await aging(books, 'SALES_INVOICE', '2026-03-31');
    const open = report.rows.flatMap((r) => r.invoices).find((i) => i.documentId === inv.id);
    expect(open).toMatchObject({ openMinor: 900n, baseOpenMinor: 976n });
    // At 1.10 it is worth PAB 9.90: +0.14 against what the books carry.
    const x = await unrealizedFxExposure(books, '2026-03-31', lookup);
    expect(x.items.find((i) => i.documentId === inv.id)).toMatchObject({
      bookedBaseMinor: 976n,
      revaluedBaseMinor: 990n,
      differenceMinor: 14n,
    });
  });

  it('refuses with RATE_NOT_AVAILABLE naming GBP and the date when a currency has no rate, writing nothing', async () => {
    const gbp = (
      await createParty(books, { kind: 'CUSTOMER', code: 'C-GBP', name: 'Tea Ltd', currency: 'GBP' })
    ).id;
    const inv = await createDraft(books, 'SALES_INVOICE', {
      partyId: gbp,
      documentDate: '2026-03-25',
      exchangeRate: '1.3',
      lines: [{ accountCode: '4101', quantity: '1', unitPrice: '10', taxCode: 'EXENTO' }],
    });
    await postDocument(books, inv.id, 'SALES');
    const before = await footprint();
    const err = await unrealizedFxExposure(books, '2026-03-31', lookup).catch((e: unknown) => e);
    expect((err as DomainError).code).toBe('RATE_NOT_AVAILABLE');
    expect((err as DomainError).details).toMatchObject({ currency: 'GBP', date: '2026-03-31' });
    expect(await footprint()).toEqual(before);
  });
});
