import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyCredit,
  createDraft,
  type DocumentRow,
  postDocument,
  voidDocument,
} from '../src/documents/index.ts';
import {
  as,
  author,
  chainIntact,
  closeSettlementBooks,
  customer,
  euro,
  eventsBy,
  factsOf,
  familyOf,
  grouped,
  groups,
  inOneGroup,
  invoice,
  laneEvents,
  lone,
  money,
  note,
  openOf,
  openSettlementBooks,
  outcome,
  t,
  transactions,
  vendor,
} from './settlement-books.ts';
import { plug } from './test-books.ts';

// Group commit for notes, receipts and payments (docs/architecture/posting.md, "Group commit"): the
// documents lane posts notes, receipts and vendor payments with their settlements, in the base
// currency or a foreign one (src/documents/post-each.ts). What it writes must be exactly what a lone posting writes
// (postLockedDraft): the same scenario is posted twice, once in one group and once a transaction
// each, and every fact compared. Exact groups without timing: a "plug" holds the group in flight.

beforeAll(openSettlementBooks);
afterAll(closeSettlementBooks);

/** Settling documents on their own invoices, and documents in EUR: every shape the lane posts. */
async function scenario() {
  const invoices = [
    await invoice('30'), // #0 32.10: a credit note of 1.07
    await invoice('30'), // #1 32.10: paid in full by the receipt
    await invoice('30'), // #2 32.10: 10.00 of it by the same receipt
    await invoice('30'), // #3 32.10, 30.00 paid before: a note of 3.21 settles 2.10, leaves 1.11
    await invoice('100'), // #4 107.00: a receipt of 106.97 closes it with a small difference
    await invoice('53.10', '2026-05-04', vendor), // #5 56.82: paid with a bank fee
    await invoice('53.10', '2026-05-04', vendor), // #6 56.82: a debit note of 1.07
    await invoice('100', '2026-05-10', euro), // #7 EUR 107.00 at 1.10: received at 1.12 (realized FX)
    await invoice('50', '2026-05-10', euro), // #8 EUR 53.50 at 1.10: a credit note of EUR 10.70
  ];
  const paid = await money('CUSTOMER_RECEIPT', '30.00', [
    { invoice: invoices[3] as DocumentRow, amount: '30.00' },
  ]);
  await postDocument(grouped, paid.id, 'PAYMENT');
  // Credits a refund pays back: #9 10.00 a customer left on account (6.00 refunded), #10 20.00 paid
  // to the vendor on account (all of it refunded).
  for (const [kind, amount] of [
    ['CUSTOMER_RECEIPT', '10.00'],
    ['VENDOR_PAYMENT', '20.00'],
  ] as const) {
    invoices.push(await postDocument(grouped, (await money(kind, amount, [])).id, 'PAYMENT'));
  }
  const [i0, i1, i2, i3, i4, i5, i6, i7, i8, c9, c10] = invoices as [DocumentRow, ...DocumentRow[]];
  const drafts = [
    await note('1', i0),
    await money('CUSTOMER_RECEIPT', '50.00', [
      { invoice: i1 as DocumentRow, amount: '32.10' },
      { invoice: i2 as DocumentRow, amount: '10.00' },
    ]),
    await note('3', i3),
    await note('2'),
    await money('CUSTOMER_RECEIPT', '106.97', [{ invoice: i4 as DocumentRow, amount: '106.97' }]),
    await money('VENDOR_PAYMENT', '56.82', [{ invoice: i5 as DocumentRow, amount: '56.82' }], {
      bankFee: '1.50',
    }),
    await note('1', i6, vendor),
    await money('CUSTOMER_RECEIPT', '10.00', []),
    // At 1.08, the rate of 1 May standing in on the 4th (a fallback).
    await createDraft(grouped, 'SALES_INVOICE', {
      partyId: euro,
      documentDate: '2026-05-04',
      lines: [{ accountCode: '4101', quantity: '2', unitPrice: '100', taxCode: 'ITBMS7' }],
    }),
    await money('CUSTOMER_RECEIPT', '107.00', [{ invoice: i7 as DocumentRow, amount: '107.00' }], {
      partyId: euro,
    }),
    await note('10', i8, euro),
    // USD at the peg, citing the PEG row of 1 May.
    await createDraft(grouped, 'SALES_INVOICE', {
      partyId: customer,
      currency: 'USD',
      documentDate: '2026-05-04',
      lines: [{ accountCode: '4101', quantity: '1', unitPrice: '30', taxCode: 'ITBMS7' }],
    }),
    await money('CUSTOMER_REFUND', '6.00', [{ invoice: c9 as DocumentRow, amount: '6.00' }]),
    await money('VENDOR_REFUND', '20.00', [{ invoice: c10 as DocumentRow, amount: '20.00' }]),
  ];
  return { invoices, drafts };
}

describe('the documents lane: notes, receipts and payments of one group posted together', () => {
  it('writes what lone postings write: rows, credits, allocations, GL lines, events and what stays open', async () => {
    t.settings.receiptToleranceMinor = 5;
    try {
      const a = await scenario();
      const b = await scenario();
      const before = await transactions();
      const results = await inOneGroup(a.drafts);
      expect(results.map((r) => r.code)).toEqual(a.drafts.map(() => undefined));
      // One transaction: the plug's group is another, before it. Posted by the lane, not one by one
      // after a failed attempt: its entries' events first, then its documents'.
      expect((await transactions()) - before).toBe(1);
      const events = await eventsBy(700, [...a.drafts.keys()]);
      expect(events.map((e) => e.action)).toEqual(laneEvents(a.drafts.length));
      for (const [i, d] of b.drafts.entries()) await postDocument(as(lone, 800 + i), d.id, familyOf(d));

      const facts = await factsOf(a.drafts, a.invoices);
      expect(facts).toEqual(await factsOf(b.drafts, b.invoices));
      expect(await openOf(a.invoices)).toEqual(await openOf(b.invoices));
      // The figures themselves (so that two equal wrongs cannot pass): credits and what stays open.
      expect(facts.map((f) => [f.kind, f.status, f.total, f.credit])).toEqual([
        ['CREDIT_NOTE', 'POSTED', '107', '0'],
        ['CUSTOMER_RECEIPT', 'POSTED', '5000', '790'],
        ['CREDIT_NOTE', 'POSTED', '321', '111'],
        ['CREDIT_NOTE', 'POSTED', '214', '214'],
        ['CUSTOMER_RECEIPT', 'POSTED', '10697', '0'],
        ['VENDOR_PAYMENT', 'POSTED', '5682', '0'],
        ['DEBIT_NOTE', 'POSTED', '107', '0'],
        ['CUSTOMER_RECEIPT', 'POSTED', '1000', '1000'],
        ['SALES_INVOICE', 'POSTED', '21400', '0'],
        ['CUSTOMER_RECEIPT', 'POSTED', '10700', '0'],
        ['CREDIT_NOTE', 'POSTED', '1070', '0'],
        ['SALES_INVOICE', 'POSTED', '3210', '0'],
        ['CUSTOMER_REFUND', 'POSTED', '600', '0'],
        ['VENDOR_REFUND', 'POSTED', '2000', '0'],
      ]);
      expect(facts[4].allocations).toEqual([['#4', '10700', '3', '10700', '0']]);
      // EUR: the rate looked up and cited (a fallback on the 4th), the receipt's realized gain of
      // 107.00 × (1.12 − 1.10) = 2.14, the note at its invoice's rate.
      expect(facts.slice(8, 12).map((f) => [f.rate, f.rate_is_fallback, f.base_total])).toEqual([
        ['1.080000000000', true, '23112'],
        ['1.120000000000', false, '11984'],
        ['1.100000000000', false, '1177'],
        ['1.000000000000', false, '3210'],
      ]);
      expect(facts[11].exchange_rate_id).not.toBeNull();
      expect(facts[9].allocations).toEqual([['#7', '10700', '0', '11770', '214']]);
      expect(await openOf(a.invoices)).toEqual([
        '3103',
        '0',
        '2210',
        '0',
        '0',
        '0',
        '5575',
        '0',
        '4280',
        '400',
        '0',
      ]);
      // What the lane answers is each row as stored.
      for (const r of results) expect(r.value?.status).toBe('POSTED');

      // Each allocation's version in the history names its own document's author.
      const { rows: versions } = await t.admin.query(
        `SELECT h.hist_request_id, a.source_document_id::text AS source FROM allocations_history h
           JOIN allocations a ON a.id::text = h.hist_entity_id WHERE a.source_document_id = ANY ($1::uuid[])`,
        [a.drafts.map((d) => d.id)],
      );
      expect(versions.length).toBe(11);
      for (const v of versions) {
        expect(v.hist_request_id).toBe(author(700 + a.drafts.findIndex((d) => d.id === v.source)).requestId);
      }
      await chainIntact();
    } finally {
      delete t.settings.receiptToleranceMinor;
    }
  });

  it('refuses alone what changed while the group waited: a voided invoice, an invoice paid meanwhile, a credit used meanwhile', async () => {
    const voided = await invoice('30');
    const paidMeanwhile = await invoice('30');
    const fine = await invoice('30');
    const credit = await postDocument(grouped, (await money('CUSTOMER_RECEIPT', '10.00', [])).id, 'PAYMENT');
    const applied = await invoice('30');
    const drafts = [
      await money('CUSTOMER_RECEIPT', '32.10', [{ invoice: voided, amount: '32.10' }]),
      await note('1', voided),
      await money('CUSTOMER_RECEIPT', '20.00', [{ invoice: paidMeanwhile, amount: '20.00' }]),
      await money('CUSTOMER_REFUND', '10.00', [{ invoice: credit, amount: '10.00' }]),
      await money('CUSTOMER_RECEIPT', '32.10', [{ invoice: fine, amount: '32.10' }]),
    ];
    const meanwhile = await money('CUSTOMER_RECEIPT', '20.00', [{ invoice: paidMeanwhile, amount: '20.00' }]);
    let changed!: () => void;
    const held = await plug(
      groups,
      drafts.length,
      new Promise<void>((resolve) => {
        changed = resolve;
      }),
    );
    const calls = drafts.map((d, i) => outcome(postDocument(as(grouped, 720 + i), d.id, familyOf(d))));
    await groups.whenWaiting(drafts.length);
    await voidDocument(lone, voided.id, 'SALES', 'Issued to the wrong customer');
    await postDocument(lone, meanwhile.id, 'PAYMENT');
    // 4.00 of the credit applied to an invoice: the refund of all 10.00 no longer fits.
    await applyCredit(lone, 'CUSTOMER_CREDIT_APPLICATION', {
      creditId: credit.id,
      invoiceId: applied.id,
      amount: '4.00',
      date: '2026-05-12',
    });
    changed();
    await held.done;
    const results = await Promise.all(calls);
    expect(results.map((r) => r.code ?? r.value?.status)).toEqual([
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'OVER_ALLOCATION',
      'OVER_ALLOCATION',
      'POSTED',
    ]);
    for (const d of drafts.slice(0, 4)) {
      expect(await t.count('documents', `id = '${d.id}' AND status = 'DRAFT' AND number IS NULL`)).toBe(1);
      expect(await t.count('journal_entries', `source_id = '${d.id}'`)).toBe(0);
      expect(await t.count('allocations', `source_document_id = '${d.id}'`)).toBe(0);
    }
    expect(await openOf([paidMeanwhile, fine])).toEqual(['1210', '0']);
    await chainIntact();
  });

  it('hands back what a neighbour settles first (receipts on one invoice, a note on an invoice the group asks again) and rates that posting records', async () => {
    const shared = await invoice('30');
    const other = await invoice('30');
    const beside = await invoice('30');
    const credit = await money('CUSTOMER_RECEIPT', '5.00', []);
    await postDocument(grouped, credit.id, 'PAYMENT');
    const drafts = [
      await money('CUSTOMER_RECEIPT', '20.00', [{ invoice: shared, amount: '20.00' }]),
      await money('CUSTOMER_RECEIPT', '25.00', [
        { invoice: shared, amount: '20.00' },
        { invoice: beside, amount: '5.00' },
      ]),
      await money('CUSTOMER_RECEIPT', '12.10', [{ invoice: shared, amount: '12.10' }]),
      await money('CUSTOMER_RECEIPT', '27.10', [{ invoice: beside, amount: '27.10' }]),
      other,
      await note('1', other),
      await money('CUSTOMER_REFUND', '5.00', [{ invoice: credit, amount: '5.00' }]),
      // Rates that posting records: one typed on the draft, and the USD peg's first row (none on or
      // before 20 April: the first is of 1 May).
      await createDraft(grouped, 'SALES_INVOICE', {
        partyId: euro,
        documentDate: '2026-05-13',
        exchangeRate: '1.15',
        lines: [{ accountCode: '4101', quantity: '1', unitPrice: '10', taxCode: 'ITBMS7' }],
      }),
      await createDraft(grouped, 'SALES_INVOICE', {
        partyId: customer,
        currency: 'USD',
        documentDate: '2026-04-20',
        lines: [{ accountCode: '4101', quantity: '1', unitPrice: '10', taxCode: 'ITBMS7' }],
      }),
    ];
    const before = await transactions();
    const results = await inOneGroup(drafts, 740);
    // The first receipt settles 20.00 in the group; the second, run after it, finds 12.10 open; the
    // third settles the 12.10. The fourth shares only an invoice with the second, which was handed
    // back: it is handed back too, never posted before it. The invoice asked again is answered as
    // it stands; the note on it runs after the group. The refund posts in the group.
    expect(results.map((r) => r.code ?? r.value?.status)).toEqual([
      'POSTED',
      'OVER_ALLOCATION',
      'POSTED',
      'POSTED',
      'POSTED',
      'POSTED',
      'POSTED',
      'POSTED',
      'POSTED',
    ]);
    // The group (the first receipt, the refund) and one transaction each for the five handed back that post.
    expect((await transactions()) - before).toBe(6);
    const rated = results.slice(-2).map((r) => r.value as DocumentRow);
    expect(rated.map((d) => [d.currency, d.exchangeRate, d.baseTotalMinor])).toEqual([
      ['EUR', '1.150000000000', 1231n],
      ['USD', '1.000000000000', 1070n],
    ]);
    expect(await openOf([shared, other, beside])).toEqual(['0', '3103', '500']);
    await chainIntact();
  });
});
