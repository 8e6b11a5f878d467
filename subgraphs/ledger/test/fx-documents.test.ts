import { clientFxOf, rateHistory } from '@cifra/fx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDraft,
  type DocumentRow,
  type InvoiceDraftInput,
  type PaymentDraftInput,
  postDocument,
  voidDocument,
} from '../src/documents/index.ts';
import type { Books } from '../src/services/books.ts';
import { createParty } from '../src/services/parties.service.ts';
import { actor, openTestBooks, refusal, type TestBooks } from './test-books.ts';

/**
 * Issue 6, translation at entry and realized FX, as worked examples with their numbers. A USD-based
 * client bills in EUR; the ECB rates of March 2026 are 1.08 (the 2nd), 1.10 (the 20th) and 1.05
 * (the 25th). A PAB client bills in USD at the peg.
 */

interface GlRow {
  code: string;
  base: string;
  cur: string;
  orig: string;
  source: string | null;
  rateDate: string | null;
  fallback: boolean;
  override: boolean;
  by: string | null;
}

async function glOf(t: TestBooks, entryId: string | null): Promise<GlRow[]> {
  const { rows } = await t.admin.query(
    `SELECT a.code, l.amount_minor::text AS base, l.original_currency AS cur,
            l.original_amount_minor::text AS orig, r.source, r.rate_date::text AS "rateDate",
            l.rate_is_fallback AS fallback, coalesce(r.is_override, false) AS override,
            r.override_by_email AS by
       FROM gl_lines l JOIN accounts a ON a.id = l.account_id
       LEFT JOIN exchange_rates r ON r.id = l.exchange_rate_id
      WHERE l.entry_id = $1 ORDER BY l.line_number`,
    [entryId],
  );
  return rows;
}

/** [account code, base minor, original currency, original minor] of each line. */
const amounts = (rows: GlRow[]) => rows.map((r) => [r.code, r.base, r.cur, r.orig]);

/** Base-currency balance of an account (debit positive), optionally of one party. */
async function balance(t: TestBooks, code: string, partyId?: string): Promise<bigint> {
  const { rows } = await t.admin.query(
    `SELECT coalesce(sum(l.amount_minor), 0)::text AS b FROM gl_lines l JOIN accounts a ON a.id = l.account_id
      WHERE a.code = $1 AND ($2::uuid IS NULL OR l.party_id = $2)`,
    [code, partyId ?? null],
  );
  return BigInt(rows[0].b);
}

async function rate(t: TestBooks, date: string, currency: string, value: string, source = 'ECB') {
  await t.admin.query(
    `INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, source, derivation)
     SELECT $1, $2, base_currency, $3, $4, 'test' FROM company`,
    [date, currency, value, source],
  );
}

const footprint = async (t: TestBooks) => ({
  documents: await t.count('documents'),
  posted: await t.count('documents', "status = 'POSTED'"),
  entries: await t.count('journal_entries'),
  gl: await t.count('gl_lines'),
  allocations: await t.count('allocations'),
  rates: await t.count('exchange_rates'),
});

describe('a PAB client billing in USD at the peg', () => {
  let t: TestBooks;
  let books: Books;
  let customer: string;
  beforeAll(async () => {
    t = await openTestBooks();
    books = await t.books();
    customer = (
      await createParty(books, { kind: 'CUSTOMER', code: 'US1', name: 'Gringo LLC', currency: 'USD' })
    ).id;
  });
  afterAll(() => t.close());

  it('books a USD 1,200.00 invoice as PAB 1,200.00 at the peg; the line keeps USD 1,200.00 and cites the PEG rate', async () => {
    const draft = await createDraft(books, 'SALES_INVOICE', {
      partyId: customer,
      documentDate: '2026-03-10',
      lines: [{ accountCode: '4102', quantity: '1', unitPrice: '1200', taxCode: 'EXENTO' }],
    });
    expect(draft.exchangeRate).toBe('1.000000000000');
    const doc = await postDocument(books, draft.id, 'SALES');
    expect(doc).toMatchObject({ currency: 'USD', totalMinor: 120000n, baseTotalMinor: 120000n });
    const gl = await glOf(t, doc.entryId);
    expect(amounts(gl)).toEqual([
      ['1201', '120000', 'USD', '120000'],
      ['4102', '-120000', 'USD', '-120000'],
    ]);
    for (const line of gl) expect(line).toMatchObject({ source: 'PEG', fallback: false, override: false });
    const { rows } = await t.admin.query(
      'SELECT r.source, r.rate::text, r.currency, r.base_currency FROM documents d JOIN exchange_rates r ON r.id = d.exchange_rate_id WHERE d.id = $1',
      [doc.id],
    );
    expect(rows).toEqual([{ source: 'PEG', rate: '1.000000000000', currency: 'USD', base_currency: 'PAB' }]);
  });
});

describe('a USD-based client billing in EUR', () => {
  let t: TestBooks;
  let books: Books;
  let customer: string;
  let vendor: string;
  let code: Record<string, string>;

  beforeAll(async () => {
    t = await openTestBooks({ baseCurrency: 'USD' });
    books = await t.books();
    customer = (
      await createParty(books, { kind: 'CUSTOMER', code: 'EU1', name: 'Kaffee GmbH', currency: 'EUR' })
    ).id;
    vendor = (
      await createParty(books, { kind: 'VENDOR', code: 'EU2', name: 'Maschinen AG', currency: 'EUR' })
    ).id;
    await rate(t, '2026-03-02', 'EUR', '1.08');
    await rate(t, '2026-03-20', 'EUR', '1.10');
    await rate(t, '2026-03-25', 'EUR', '1.05');
    const { rows } = await t.admin.query(
      'SELECT b.role::text AS role, a.code FROM account_role_bindings b JOIN accounts a ON a.id = b.account_id',
    );
    code = Object.fromEntries(rows.map((r) => [r.role, r.code]));
  });
  afterAll(() => t.close());

  const invoice = async (over: Partial<InvoiceDraftInput> = {}, amount = '1000') => {
    const draft = await createDraft(books, 'SALES_INVOICE', {
      partyId: customer,
      documentDate: '2026-03-02',
      lines: [{ accountCode: '4102', quantity: '1', unitPrice: amount, taxCode: 'EXENTO' }],
      ...over,
    });
    return postDocument(books, draft.id, 'SALES');
  };
  const receive = async (
    inv: DocumentRow,
    date: string,
    amount: string,
    over: Partial<PaymentDraftInput> = {},
  ) => {
    const draft = await createDraft(books, 'CUSTOMER_RECEIPT', {
      partyId: customer,
      documentDate: date,
      amount,
      allocations: [{ invoiceId: inv.id, amount }],
      ...over,
    });
    return postDocument(books, draft.id, 'PAYMENT');
  };
  const withMode = async <T>(mode: 'SIMPLE' | 'SEPARATED', fn: () => Promise<T>): Promise<T> => {
    t.settings.fxVarianceMode = mode;
    try {
      return await fn();
    } finally {
      delete t.settings.fxVarianceMode;
    }
  };

  it('translates a EUR 1,000.00 invoice of 2026-03-02 at the rate of its date, 1.08: USD 1,080.00, citing the ECB row', async () => {
    const draft = await createDraft(books, 'SALES_INVOICE', {
      partyId: customer,
      documentDate: '2026-03-02',
      lines: [{ accountCode: '4102', quantity: '1', unitPrice: '1000', taxCode: 'EXENTO' }],
    });
    expect(draft.exchangeRate).toBeNull();
    const doc = await postDocument(books, draft.id, 'SALES');
    expect(doc).toMatchObject({
      exchangeRate: '1.080000000000',
      baseTotalMinor: 108000n,
      rateIsFallback: false,
    });
    const gl = await glOf(t, doc.entryId);
    expect(amounts(gl)).toEqual([
      [code.DefaultAR, '108000', 'EUR', '100000'],
      ['4102', '-108000', 'EUR', '-100000'],
    ]);
    for (const line of gl)
      expect(line).toMatchObject({ source: 'ECB', rateDate: '2026-03-02', fallback: false, override: false });
  });

  it('Simple: EUR 1,000.00 booked at 1.08 (USD 1,080.00) and received at 1.10 (USD 1,100.00) realizes a USD 20.00 gain on FxVarianceBankFees', async () => {
    const inv = await invoice();
    const receipt = await withMode('SIMPLE', () => receive(inv, '2026-03-20', '1000.00'));
    const gl = await glOf(t, receipt.entryId);
    expect(amounts(gl)).toEqual([
      [code.Cash, '110000', 'EUR', '100000'],
      [code.DefaultAR, '-108000', 'EUR', '-100000'],
      [code.FxVarianceBankFees, '-2000', 'USD', '-2000'],
    ]);
    // The bank line cites the receipt's rate, the receivable the invoice's; the difference has none.
    expect(gl.map((l) => l.rateDate)).toEqual(['2026-03-20', '2026-03-02', null]);
    expect(receipt).toMatchObject({ exchangeRate: '1.100000000000', baseTotalMinor: 110000n });
    const { rows } = await t.admin.query(
      'SELECT base_amount_minor::text AS base, realized_fx_minor::text AS fx FROM allocations WHERE source_document_id = $1',
      [receipt.id],
    );
    expect(rows).toEqual([{ base: '108000', fx: '2000' }]);
  });

  it('Simple: EUR 1,000.00 booked at 1.08 (USD 1,080.00) and received at 1.05 (USD 1,050.00) realizes a USD 30.00 loss on FxVarianceBankFees', async () => {
    const inv = await invoice();
    const receipt = await withMode('SIMPLE', () => receive(inv, '2026-03-25', '1000.00'));
    expect(amounts(await glOf(t, receipt.entryId))).toEqual([
      [code.Cash, '105000', 'EUR', '100000'],
      [code.DefaultAR, '-108000', 'EUR', '-100000'],
      [code.FxVarianceBankFees, '3000', 'USD', '3000'],
    ]);
  });

  it('Separated: EUR 1,000.00 booked at 1.08 (USD 1,080.00) and received at 1.10 (USD 1,100.00) credits USD 20.00 to RealizedFxGain', async () => {
    const inv = await invoice();
    const receipt = await withMode('SEPARATED', () => receive(inv, '2026-03-20', '1000.00'));
    expect(amounts(await glOf(t, receipt.entryId))).toEqual([
      [code.Cash, '110000', 'EUR', '100000'],
      [code.DefaultAR, '-108000', 'EUR', '-100000'],
      [code.RealizedFxGain, '-2000', 'USD', '-2000'],
    ]);
  });

  it('Separated: EUR 1,000.00 booked at 1.08 (USD 1,080.00) and received at 1.05 (USD 1,050.00) debits USD 30.00 to RealizedFxLoss', async () => {
    const inv = await invoice();
    const receipt = await withMode('SEPARATED', () => receive(inv, '2026-03-25', '1000.00'));
    expect(amounts(await glOf(t, receipt.entryId))).toEqual([
      [code.Cash, '105000', 'EUR', '100000'],
      [code.DefaultAR, '-108000', 'EUR', '-100000'],
      [code.RealizedFxLoss, '3000', 'USD', '3000'],
    ]);
  });

  it('Separated: a EUR 500.00 bill booked at 1.08 (USD 540.00) and paid at 1.10 (USD 550.00) with a EUR 2.00 fee debits USD 10.00 to RealizedFxLoss and the USD 2.20 fee to BankFees', async () => {
    const bill = await postDocument(
      books,
      (
        await createDraft(books, 'PURCHASE_INVOICE', {
          partyId: vendor,
          documentDate: '2026-03-02',
          lines: [{ accountCode: '5101', quantity: '1', unitPrice: '500', taxCode: 'EXENTO' }],
        })
      ).id,
      'PURCHASING',
    );
    const payment = await withMode('SEPARATED', async () =>
      postDocument(
        books,
        (
          await createDraft(books, 'VENDOR_PAYMENT', {
            partyId: vendor,
            documentDate: '2026-03-20',
            amount: '500.00',
            bankFee: '2.00',
            allocations: [{ invoiceId: bill.id, amount: '500.00' }],
          })
        ).id,
        'PAYMENT',
      ),
    );
    expect(amounts(await glOf(t, payment.entryId))).toEqual([
      [code.DefaultAP, '54000', 'EUR', '50000'],
      [code.Cash, '-55220', 'EUR', '-50200'],
      [code.BankFees, '220', 'EUR', '200'],
      [code.RealizedFxLoss, '1000', 'USD', '1000'],
    ]);
  });

  it('settles EUR 100.00 booked at 1.0833 (USD 108.33) in three parts at 1.10, 1.05 and 1.0833: gain 0.55, loss 1.11, and the last part clears exactly the USD 36.11 left', async () => {
    const party = (
      await createParty(books, { kind: 'CUSTOMER', code: 'EU3', name: 'Teilzahler KG', currency: 'EUR' })
    ).id;
    const inv = await invoice({ partyId: party, exchangeRate: '1.0833' }, '100');
    expect(inv.baseTotalMinor).toBe(10833n);
    const part = (date: string, amount: string, r: string) =>
      receive(inv, date, amount, { partyId: party, exchangeRate: r });
    const first = await part('2026-03-05', '33.33', '1.10'); // 36.66 received, 36.11 cleared
    const second = await part('2026-03-06', '33.33', '1.05'); // 35.00 received (34.9965), 36.11 cleared
    const last = await part('2026-03-07', '33.34', '1.0833'); // 36.12 received (36.117…), 36.11 left
    expect(amounts(await glOf(t, first.entryId))).toEqual([
      [code.Cash, '3666', 'EUR', '3333'],
      [code.DefaultAR, '-3611', 'EUR', '-3333'],
      [code.FxVarianceBankFees, '-55', 'USD', '-55'],
    ]);
    expect(amounts(await glOf(t, second.entryId))).toEqual([
      [code.Cash, '3500', 'EUR', '3333'],
      [code.DefaultAR, '-3611', 'EUR', '-3333'],
      [code.FxVarianceBankFees, '111', 'USD', '111'],
    ]);
    // Same rate as the invoice: nothing realized; the minor unit the closing part leaves is rounding.
    expect(amounts(await glOf(t, last.entryId))).toEqual([
      [code.Cash, '3612', 'EUR', '3334'],
      [code.DefaultAR, '-3611', 'EUR', '-3334'],
      [code.Rounding, '-1', 'USD', '-1'],
    ]);
    expect(await balance(t, code.DefaultAR as string, party)).toBe(0n);
  });

  it('a EUR 100.00 credit note of 2026-03-25 keeps its invoice rate of 1.08 (USD 108.00) and cites the invoice row, realizing nothing', async () => {
    const inv = await invoice();
    const draft = await createDraft(books, 'CREDIT_NOTE', {
      partyId: customer,
      documentDate: '2026-03-25',
      appliesToId: inv.id,
      lines: [{ accountCode: '4102', quantity: '1', unitPrice: '100', taxCode: 'EXENTO' }],
    });
    expect(draft.exchangeRate).toBe('1.080000000000');
    const note = await postDocument(books, draft.id, 'SALES');
    const gl = await glOf(t, note.entryId);
    expect(amounts(gl)).toEqual([
      [code.DefaultAR, '-10800', 'EUR', '-10000'],
      ['4102', '10800', 'EUR', '10000'],
    ]);
    expect(gl.map((l) => l.rateDate)).toEqual(['2026-03-02', '2026-03-02']);
    expect(note.exchangeRateId).toBe(inv.exchangeRateId);
  });

  it('voiding the USD 1,100.00 receipt of a USD 1,080.00 invoice reverses its USD 20.00 gain too', async () => {
    const inv = await invoice({ partyId: customer });
    const receipt = await receive(inv, '2026-03-20', '1000.00');
    const before = await balance(t, code.FxVarianceBankFees as string);
    const voided = await voidDocument(
      books,
      receipt.id,
      'PAYMENT',
      'Cheque bounced: the customer paid again by transfer',
    );
    expect(voided.id).toBe(receipt.id);
    const { rows } = await t.admin.query('SELECT reversal_entry_id FROM voids WHERE document_id = $1', [
      receipt.id,
    ]);
    const reversal = await glOf(t, rows[0].reversal_entry_id);
    expect(amounts(reversal)).toEqual([
      [code.Cash, '-110000', 'EUR', '-100000'],
      [code.DefaultAR, '108000', 'EUR', '100000'],
      [code.FxVarianceBankFees, '2000', 'USD', '2000'],
    ]);
    expect(reversal.map((l) => l.rateDate)).toEqual(['2026-03-20', '2026-03-02', null]);
    expect(await balance(t, code.FxVarianceBankFees as string)).toBe(before + 2000n);
    // The invoice is open again for its full USD 1,080.00, and settles again at today's rate.
    const again = await receive(inv, '2026-03-25', '1000.00');
    expect(amounts(await glOf(t, again.entryId))[1]).toEqual([code.DefaultAR, '-108000', 'EUR', '-100000']);
  });

  it('during a provider outage a EUR 500.00 invoice of 2026-03-05 is translated at the last known rate of 2026-03-02 (USD 540.00), every line marked fallback', async () => {
    const doc = await invoice({ documentDate: '2026-03-05' }, '500');
    expect(doc).toMatchObject({ baseTotalMinor: 54000n, rateIsFallback: true });
    const gl = await glOf(t, doc.entryId);
    expect(gl.map((l) => [l.base, l.rateDate, l.fallback])).toEqual([
      ['54000', '2026-03-02', true],
      ['-54000', '2026-03-02', true],
    ]);
  });

  it('refuses a EUR invoice of 2026-03-13, 11 days after the last rate, with RATE_NOT_AVAILABLE, writing nothing; and at posting once the limit tightens', async () => {
    const before = await footprint(t);
    const err = await refusal(
      createDraft(books, 'SALES_INVOICE', {
        partyId: customer,
        documentDate: '2026-03-13',
        lines: [{ accountCode: '4102', quantity: '1', unitPrice: '10', taxCode: 'EXENTO' }],
      }),
    );
    expect(err.code).toBe('RATE_NOT_AVAILABLE');
    expect(err.details).toMatchObject({ latestRateDate: '2026-03-02', stalenessDays: 7 });
    expect(await footprint(t)).toEqual(before);

    const draft = await createDraft(books, 'SALES_INVOICE', {
      partyId: customer,
      documentDate: '2026-03-06',
      lines: [{ accountCode: '4102', quantity: '1', unitPrice: '10', taxCode: 'EXENTO' }],
    });
    const drafted = await footprint(t);
    t.settings.fxStalenessDays = 2;
    try {
      expect((await refusal(postDocument(books, draft.id, 'SALES'))).code).toBe('RATE_NOT_AVAILABLE');
    } finally {
      delete t.settings.fxStalenessDays;
    }
    expect(await footprint(t)).toEqual(drafted);
  });

  it('an override of 1.09 on 2026-03-10 beats the ECB 1.095 of that day: a EUR 200.00 invoice books USD 218.00 and says override, by whom and why', async () => {
    await rate(t, '2026-03-10', 'EUR', '1.095');
    await t.admin.query(
      `INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, source, is_override, override_by, override_by_email, override_reason)
       VALUES ('2026-03-10', 'EUR', 'USD', '1.09', 'OVERRIDE', true, $1, $2, 'Bank confirmed rate for the March shipment')`,
      [actor.userId, actor.email],
    );
    const doc = await invoice({ documentDate: '2026-03-10' }, '200');
    expect(doc.baseTotalMinor).toBe(21800n);
    const gl = await glOf(t, doc.entryId);
    for (const line of gl)
      expect(line).toMatchObject({ source: 'OVERRIDE', override: true, by: actor.email, fallback: false });
  });

  it('a receipt typed at 1.1234 records that rate as a DOCUMENT override by its poster, for its own lines only: EUR 100.00 booked at 1.08 realizes USD 4.34', async () => {
    const inv = await invoice({}, '100');
    const receipt = await receive(inv, '2026-03-20', '100.00', { exchangeRate: '1.1234' });
    const gl = await glOf(t, receipt.entryId);
    expect(amounts(gl)).toEqual([
      [code.Cash, '11234', 'EUR', '10000'],
      [code.DefaultAR, '-10800', 'EUR', '-10000'],
      [code.FxVarianceBankFees, '-434', 'USD', '-434'],
    ]);
    expect(gl[0]).toMatchObject({ source: 'DOCUMENT', override: true, by: actor.email });
    // The typed rate is never the rate in force for anyone else on that day.
    const other = await invoice({ documentDate: '2026-03-20' }, '100');
    expect(other.baseTotalMinor).toBe(11000n);
    // The history lists it, but never as the rate in force for its day.
    const history = await rateHistory(t.db, clientFxOf(books.company), 'EUR', '2026-03-20', '2026-03-20');
    expect(history.map((r) => [r.source, r.rate, r.effective])).toEqual(
      expect.arrayContaining([
        ['ECB', '1.100000000000', true],
        ['DOCUMENT', '1.123400000000', false],
      ]),
    );
  });

  it('renaming and renumbering the FxVarianceBankFees account breaks nothing: the USD 20.00 gain lands on it under its new code', async () => {
    await t.admin.query(
      `UPDATE accounts SET code = '6599', name = 'Diferencias de cambio (renombrada)'
        WHERE id = (SELECT account_id FROM account_role_bindings WHERE role = 'FxVarianceBankFees')`,
    );
    const inv = await invoice();
    const receipt = await receive(inv, '2026-03-20', '1000.00');
    expect(amounts(await glOf(t, receipt.entryId))[2]).toEqual(['6599', '-2000', 'USD', '-2000']);
  });

  it('the database refuses a line citing a rate of another currency pair, a fallback without a rate, and any change of provenance, writing nothing', async () => {
    const inv = await invoice({ documentDate: '2026-03-02' }, '10');
    const { rows } = await t.admin.query(
      'SELECT exchange_rate_id::text AS rate, account_id FROM gl_lines WHERE entry_id = $1 ORDER BY line_number',
      [inv.entryId],
    );
    const before = await footprint(t);
    const insert = (currency: string, rateId: string | null, fallback: boolean) =>
      t.appPool.query(
        `INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor, original_currency,
           original_amount_minor, exchange_rate_id, rate_is_fallback)
         VALUES ($1, 901, $2, '2026-03-02', 1, $3, 1, $4, $5), ($1, 902, $2, '2026-03-02', -1, $3, -1, $4, $5)`,
        [inv.entryId, rows[0].account_id, currency, rateId, fallback],
      );
    // A GBP line citing the EUR rate.
    await expect(insert('GBP', rows[0].rate, false)).rejects.toThrow(/another currency pair/);
    await expect(insert('USD', null, true)).rejects.toThrow(/gl_lines_fallback_has_rate/);
    // Provenance is part of the posted line: neither the application nor the owner changes it.
    await expect(
      t.appPool.query('UPDATE gl_lines SET exchange_rate_id = NULL WHERE entry_id = $1', [inv.entryId]),
    ).rejects.toThrow(/permission denied|append-only/);
    await expect(
      t.admin.query('UPDATE gl_lines SET rate_is_fallback = true WHERE entry_id = $1', [inv.entryId]),
    ).rejects.toThrow(/append-only/);
    await expect(
      t.admin.query('UPDATE documents SET exchange_rate_id = NULL WHERE id = $1', [inv.id]),
    ).rejects.toThrow(/only drafts change/);
    await expect(t.admin.query('DELETE FROM exchange_rates WHERE id = $1', [rows[0].rate])).rejects.toThrow(
      /append-only/,
    );
    expect(await footprint(t)).toEqual(before);
    const { rows: after } = await t.admin.query(
      'SELECT exchange_rate_id::text AS rate, rate_is_fallback FROM gl_lines WHERE entry_id = $1',
      [inv.entryId],
    );
    expect(after).toEqual(rows.map((r) => ({ rate: r.rate, rate_is_fallback: false })));
  });

  it('a junior posting a EUR 300.00 bill typed at 1.0925 (USD 327.75) is recorded as the one who forced that rate', async () => {
    const junior = await t.books('Junior');
    const draft = await createDraft(junior, 'PURCHASE_INVOICE', {
      partyId: vendor,
      documentDate: '2026-03-20',
      exchangeRate: '1.0925',
      lines: [{ accountCode: '5101', quantity: '1', unitPrice: '300', taxCode: 'EXENTO' }],
    });
    expect(draft.exchangeRate).toBe('1.092500000000');
    const bill = await postDocument(junior, draft.id, 'PURCHASING');
    expect(bill.baseTotalMinor).toBe(32775n);
    const { rows } = await t.admin.query(
      `SELECT r.source, r.rate::text, r.rate_date::text AS date, r.is_override, r.override_by_email AS by, r.override_reason AS why
         FROM exchange_rates r WHERE r.id = $1`,
      [bill.exchangeRateId],
    );
    expect(rows).toEqual([
      {
        source: 'DOCUMENT',
        rate: '1.092500000000',
        date: '2026-03-20',
        is_override: true,
        by: actor.email,
        why: `Rate given on purchase invoice ${bill.id}`,
      },
    ]);
  });

  it('refuses a document every line of which is worth 0.00 USD, naming that, and writes nothing', async () => {
    await rate(t, '2026-03-31', 'EUR', '0.4');
    const before = await footprint(t);
    // EUR 0.01 at 0.4 is USD 0.004: nothing of it reaches the books in USD.
    const refused = await invoice({ documentDate: '2026-03-31' }, '0.01').catch((e: unknown) => e);
    expect(refused).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { field: 'lines', baseCurrency: 'USD' },
    });
    expect((refused as Error).message).toMatch(/worth 0 USD/);
    // The draft stays a draft: only it was written, by createDraft.
    expect(await footprint(t)).toEqual({ ...before, documents: before.documents + 1 });
  });
});
