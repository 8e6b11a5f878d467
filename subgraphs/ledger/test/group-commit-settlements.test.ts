import {
  guardPool,
  type PostingGroups,
  pg,
  postingGroupsOf,
  type TenantDb,
  tenantDb,
  translateDbError,
} from '@cifra/db';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDraft,
  type DocumentRow,
  type Family,
  KINDS,
  postDocument,
  voidDocument,
} from '../src/documents/index.ts';
import type { Books } from '../src/services/books.ts';
import { createParty } from '../src/services/parties.service.ts';
import { openTestBooks, plug, type TestBooks } from './test-books.ts';

// Group commit for notes, receipts and payments (docs/architecture/posting.md, "Group commit"): the
// documents lane posts base-currency notes, receipts and vendor payments with their settlements
// (src/documents/post-each.ts). What it writes must be exactly what a lone posting writes
// (postLockedDraft): the same scenario is posted twice, once in one group and once a transaction
// each, and every fact compared. Exact groups without timing: a "plug" holds the group in flight.

let t: TestBooks;
/** Postings go through the posting groups of a pool. */
let grouped: Books;
/** Postings each in a transaction of its own: one connection, no groups (postLockedDraft). */
let lone: Books;
let groups: PostingGroups;
let customer: string;
let vendor: string;
/** A customer billed in EUR (rates: 1.08 on 1 May, 1.10 on the 10th, 1.12 on the 12th); USD at the peg. */
let euro: string;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  t = await openTestBooks();
  const pool = guardPool(new pg.Pool({ connectionString: t.database.appUrl, max: 8 }));
  const client = new pg.Client({ connectionString: t.database.appUrl });
  await client.connect();
  closers.push(
    () => pool.end(),
    () => client.end(),
  );
  const db: TenantDb = tenantDb(pool);
  groups = postingGroupsOf(db) as PostingGroups;
  grouped = { ...(await t.books()), db };
  lone = { ...(await t.books()), db: tenantDb(client as unknown as pg.Pool) };
  customer = (await createParty(grouped, { kind: 'CUSTOMER', code: 'S1', name: 'Settle Hotel' })).id;
  vendor = (await createParty(grouped, { kind: 'VENDOR', code: 'SV', name: 'Settle Farm' })).id;
  euro = (await createParty(grouped, { kind: 'CUSTOMER', code: 'SE', name: 'Kaffee GmbH', currency: 'EUR' }))
    .id;
  for (const [date, rate] of [
    ['2026-05-01', '1.08'],
    ['2026-05-10', '1.10'],
    ['2026-05-12', '1.12'],
  ]) {
    await t.admin.query(
      `INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, source, derivation)
       SELECT $1, 'EUR', base_currency, $2, 'ECB', 'test' FROM company`,
      [date, rate],
    );
  }
  // USD is pegged to PAB: its row as the rate refresh records it, from 1 May.
  await t.admin.query(
    `INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, source, derivation)
     VALUES ('2026-05-01', 'USD', 'PAB', 1, 'PEG', 'test')`,
  );
});
afterAll(async () => {
  for (const close of closers) await close();
  await t.close();
});

const author = (i: number) => ({
  userId: `55555555-5555-4555-8555-${String(i).padStart(12, '0')}`,
  email: `settle${i}@test.invalid`,
  requestId: `settle-${i}`,
});
const as = (books: Books, i: number): Books => ({ ...books, actor: author(i) });
const familyOf = (d: DocumentRow): Family => KINDS[d.kind].family;

/** A posted invoice (a customer) or bill (the vendor) of `price` at ITBMS 7%. */
async function invoice(price: string, date = '2026-05-04', party = customer): Promise<DocumentRow> {
  const sales = party !== vendor;
  const d = await createDraft(grouped, sales ? 'SALES_INVOICE' : 'PURCHASE_INVOICE', {
    partyId: party,
    documentDate: date,
    lines: [{ accountCode: sales ? '4101' : '6202', quantity: '1', unitPrice: price, taxCode: 'ITBMS7' }],
  });
  return postDocument(grouped, d.id, sales ? 'SALES' : 'PURCHASING');
}
/** A credit (customer) or debit (vendor) note of `price` at ITBMS 7%, on `appliesTo` or standing alone. */
const note = (price: string, appliesTo?: DocumentRow, party = customer) =>
  createDraft(grouped, party !== vendor ? 'CREDIT_NOTE' : 'DEBIT_NOTE', {
    partyId: party,
    documentDate: '2026-05-11',
    ...(appliesTo ? { appliesToId: appliesTo.id } : {}),
    lines: [
      {
        accountCode: party !== vendor ? '4101' : '6202',
        quantity: '1',
        unitPrice: price,
        taxCode: 'ITBMS7',
      },
    ],
  });
const money = (
  kind: 'CUSTOMER_RECEIPT' | 'VENDOR_PAYMENT' | 'CUSTOMER_REFUND',
  amount: string,
  allocations: { invoice: DocumentRow; amount: string }[],
  extra: { bankFee?: string; documentDate?: string; partyId?: string } = {},
) =>
  createDraft(grouped, kind, {
    partyId: extra.partyId ?? (kind === 'VENDOR_PAYMENT' ? vendor : customer),
    documentDate: extra.documentDate ?? '2026-05-12',
    amount,
    ...(extra.bankFee ? { bankFee: extra.bankFee } : {}),
    allocations: allocations.map((a) => ({ invoiceId: a.invoice.id, amount: a.amount })),
  });

async function outcome<T>(p: Promise<T>): Promise<{ value?: T; code?: string }> {
  try {
    return { value: await p };
  } catch (err) {
    return { code: translateDbError(err)?.code ?? `untranslated: ${String(err)}` };
  }
}

/** Each transaction that writes the books leaves one row in the close board's outbox. */
const transactions = () => t.count('close_board_changes');

/** `drafts` posted in one group (the plug holds it until all wait), each by its own author. */
async function inOneGroup(drafts: readonly DocumentRow[], first = 700) {
  const held = await plug(groups, drafts.length);
  const calls = drafts.map((d, i) => outcome(postDocument(as(grouped, first + i), d.id, familyOf(d))));
  await held.done;
  return Promise.all(calls);
}

/**
 * A scenario's facts, with the invoices it settles named by their place (`#0`, `#1`, …) so two
 * copies of it compare: each document's row, its allocations, its GL lines and its event.
 */
async function factsOf(docs: readonly DocumentRow[], invoices: readonly DocumentRow[]) {
  const place = new Map(
    invoices.flatMap((inv, k) => [
      [inv.id, `#${k}`],
      [inv.number, `#${k}`],
    ]),
  );
  const named = (text: string) => text.replace(/[0-9a-f-]{36}|[A-Z]+-\d{4}-\d+/g, (m) => place.get(m) ?? m);
  const { rows } = await t.admin.query(
    `SELECT d.id, d.kind, d.status, d.total_minor::text AS total, d.base_total_minor::text AS base_total,
            d.credit_minor::text AS credit, d.credit_base_minor::text AS credit_base, d.exchange_rate::text AS rate,
            d.exchange_rate_id, d.rate_is_fallback, d.number IS NOT NULL AS numbered,
            (SELECT json_agg(json_build_array(a.invoice_id, a.amount_minor::text, a.small_difference_minor::text,
                    a.base_amount_minor::text, a.realized_fx_minor::text))
               FROM allocations a WHERE a.source_document_id = d.id) AS allocations,
            (SELECT json_agg(json_build_array(l.account_id, l.amount_minor::text, l.party_id, l.memo,
                    l.original_currency, l.original_amount_minor::text, l.exchange_rate_id, l.rate_is_fallback))
               FROM gl_lines l WHERE l.entry_id = d.entry_id) AS lines,
            (SELECT e.after - 'number' - 'entry' FROM audit_events e
              WHERE e.entity_id = d.id::text AND e.action = 'document.posted') AS event
       FROM documents d WHERE d.id = ANY ($1::uuid[])`,
    [docs.map((d) => d.id)],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return docs.map((d) => {
    const { id: _, ...fact } = byId.get(d.id);
    const out = JSON.parse(named(JSON.stringify(fact)));
    // In an order that does not depend on the ids drawn.
    for (const key of ['allocations', 'lines'])
      out[key]?.sort((x: unknown, y: unknown) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
    return out;
  });
}

/** What is still open on each invoice (total less live settlements). */
async function openOf(invoices: readonly DocumentRow[]): Promise<string[]> {
  const { rows } = await t.admin.query(
    `SELECT i.id, (i.total_minor - coalesce((SELECT sum(a.amount_minor) FROM allocations a
        WHERE a.invoice_id = i.id AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.document_id = a.source_document_id)), 0))::text AS open
       FROM documents i WHERE i.id = ANY ($1::uuid[])`,
    [invoices.map((i) => i.id)],
  );
  const open = new Map(rows.map((r) => [r.id, r.open]));
  return invoices.map((i) => open.get(i.id));
}

async function chainIntact(): Promise<void> {
  const { rows } = await t.admin.query('SELECT problem FROM cifra_verify_audit_chain()');
  expect(rows[0].problem).toBeNull();
}

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
  const [i0, i1, i2, i3, i4, i5, i6, i7, i8] = invoices as [DocumentRow, ...DocumentRow[]];
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
      const { rows: events } = await t.admin.query(
        `SELECT action FROM audit_events WHERE request_id = ANY ($1::text[]) ORDER BY chain_seq`,
        [a.drafts.map((_, i) => author(700 + i).requestId)],
      );
      const n = a.drafts.length;
      expect(events.map((e) => e.action)).toEqual([
        ...Array(n).fill('journal_entry.posted'),
        ...Array(n).fill('document.posted'),
      ]);
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
      ]);
      expect(facts[4].allocations).toEqual([['#4', '10700', '3', '10700', '0']]);
      // EUR: the rate looked up and cited (a fallback on the 4th), the receipt's realized gain of
      // 107.00 × (1.12 − 1.10) = 2.14, the note at its invoice's rate.
      expect(facts.slice(8).map((f) => [f.rate, f.rate_is_fallback, f.base_total])).toEqual([
        ['1.080000000000', true, '23112'],
        ['1.120000000000', false, '11984'],
        ['1.100000000000', false, '1177'],
        ['1.000000000000', false, '3210'],
      ]);
      expect(facts[11].exchange_rate_id).not.toBeNull();
      expect(facts[9].allocations).toEqual([['#7', '10700', '0', '11770', '214']]);
      expect(await openOf(a.invoices)).toEqual(['3103', '0', '2210', '0', '0', '0', '5575', '0', '4280']);
      // What the lane answers is each row as stored.
      for (const r of results) expect(r.value?.status).toBe('POSTED');

      // Each allocation's version in the history names its own document's author.
      const { rows: versions } = await t.admin.query(
        `SELECT h.hist_request_id, a.source_document_id::text AS source FROM allocations_history h
           JOIN allocations a ON a.id::text = h.hist_entity_id WHERE a.source_document_id = ANY ($1::uuid[])`,
        [a.drafts.map((d) => d.id)],
      );
      expect(versions.length).toBe(9);
      for (const v of versions) {
        expect(v.hist_request_id).toBe(author(700 + a.drafts.findIndex((d) => d.id === v.source)).requestId);
      }
      await chainIntact();
    } finally {
      delete t.settings.receiptToleranceMinor;
    }
  });

  it('refuses alone what changed while the group waited: a voided invoice, an invoice paid meanwhile', async () => {
    const voided = await invoice('30');
    const paidMeanwhile = await invoice('30');
    const fine = await invoice('30');
    const drafts = [
      await money('CUSTOMER_RECEIPT', '32.10', [{ invoice: voided, amount: '32.10' }]),
      await note('1', voided),
      await money('CUSTOMER_RECEIPT', '20.00', [{ invoice: paidMeanwhile, amount: '20.00' }]),
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
    changed();
    await held.done;
    const results = await Promise.all(calls);
    expect(results.map((r) => r.code ?? r.value?.status)).toEqual([
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'OVER_ALLOCATION',
      'POSTED',
    ]);
    for (const d of drafts.slice(0, 3)) {
      expect(await t.count('documents', `id = '${d.id}' AND status = 'DRAFT' AND number IS NULL`)).toBe(1);
      expect(await t.count('journal_entries', `source_id = '${d.id}'`)).toBe(0);
      expect(await t.count('allocations', `source_document_id = '${d.id}'`)).toBe(0);
    }
    expect(await openOf([paidMeanwhile, fine])).toEqual(['1210', '0']);
    await chainIntact();
  });

  it('hands back what a neighbour settles first (receipts on one invoice, a note on an invoice the group asks again), a refund, and rates that posting records', async () => {
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
    // it stands; the note on it runs after the group. The refund has no lane.
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
    // The group (the first receipt) and one transaction each for the six handed back that post.
    expect((await transactions()) - before).toBe(7);
    const rated = results.slice(-2).map((r) => r.value as DocumentRow);
    expect(rated.map((d) => [d.currency, d.exchangeRate, d.baseTotalMinor])).toEqual([
      ['EUR', '1.150000000000', 1231n],
      ['USD', '1.000000000000', 1070n],
    ]);
    expect(await openOf([shared, other, beside])).toEqual(['0', '3103', '500']);
    await chainIntact();
  });
});

describe('random mixes of concurrent notes and receipts on a few invoices (fast-check)', () => {
  type Draft =
    | { kind: 'receipt'; amounts: [number, string][]; onAccount: boolean }
    | { kind: 'note'; invoice: number | null; price: string }
    | { kind: 'twice'; invoice: number };
  const draft: fc.Arbitrary<Draft> = fc.oneof(
    fc.record({
      kind: fc.constant('receipt' as const),
      amounts: fc.uniqueArray(fc.tuple(fc.nat(2), fc.constantFrom('5.00', '10.00', '20.00', '32.10')), {
        minLength: 0,
        maxLength: 2,
        selector: ([invoice]) => invoice,
      }),
      onAccount: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('note' as const),
      invoice: fc.option(fc.nat(2), { nil: null }),
      price: fc.constantFrom('1', '10', '50'),
    }),
    fc.record({ kind: fc.constant('twice' as const), invoice: fc.nat(2) }),
  );

  it('never settles an invoice beyond its total and answers each posting exactly, however they group', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(draft, { minLength: 1, maxLength: 16 }), async (mix) => {
        run++;
        const party = (await createParty(grouped, { kind: 'CUSTOMER', code: `P${run}`, name: `Mix ${run}` }))
          .id;
        const invoices = [
          await invoice('30', '2026-05-04', party),
          await invoice('30', '2026-05-04', party),
          await invoice('30', '2026-05-04', party),
        ];
        const drafts: { id: string; family: Family; twice: boolean }[] = [];
        for (const d of mix) {
          if (d.kind === 'note') {
            const n = await note(d.price, d.invoice === null ? undefined : invoices[d.invoice], party);
            drafts.push({ id: n.id, family: 'SALES', twice: false });
            continue;
          }
          const amounts = d.kind === 'twice' ? ([[d.invoice, '10.00']] as [number, string][]) : d.amounts;
          const allocated = amounts.reduce((sum, [, a]) => sum + Math.round(Number(a) * 100), 0);
          const extra = d.kind === 'receipt' && d.onAccount ? 250 : 0;
          const r = await money(
            'CUSTOMER_RECEIPT',
            ((allocated + extra || 100) / 100).toFixed(2),
            amounts.map(([k, amount]) => ({ invoice: invoices[k] as DocumentRow, amount })),
            { partyId: party },
          );
          drafts.push({ id: r.id, family: 'PAYMENT', twice: d.kind === 'twice' });
        }
        const calls = drafts.flatMap((d, i) => {
          const ask = () => outcome(postDocument(as(grouped, 900 + i), d.id, d.family));
          return d.twice ? [ask(), ask()] : [ask()];
        });
        const results = await Promise.all(calls);
        // Every answer is a posted document or an over-allocation, never anything else.
        for (const r of results) expect(r.code ?? r.value?.status).toMatch(/^(POSTED|OVER_ALLOCATION)$/);
        // A draft asked twice is answered twice alike.
        let k = 0;
        for (const d of drafts) {
          const first = results[k++];
          if (d.twice) expect(results[k++]).toEqual(first);
        }
        const { rows } = await t.admin.query(
          `SELECT d.id, d.status, d.total_minor::text AS total, d.credit_minor::text AS credit,
                  coalesce((SELECT sum(a.amount_minor) FROM allocations a WHERE a.source_document_id = d.id), 0)::text AS allocated,
                  (SELECT count(*) FROM journal_entries e WHERE e.source_id = d.id)::int AS entries
             FROM documents d WHERE d.id = ANY ($1::uuid[])`,
          [drafts.map((d) => d.id)],
        );
        for (const r of rows) {
          if (r.status === 'POSTED') {
            // What a document does not allocate is its credit on account.
            expect(BigInt(r.total)).toBe(BigInt(r.credit) + BigInt(r.allocated));
            expect(r.entries).toBe(1);
          } else {
            expect([r.status, r.allocated, r.entries]).toEqual(['DRAFT', '0', 0]);
          }
        }
        // No invoice settled beyond its total; the party's receivable is what stays open less its credits.
        for (const open of await openOf(invoices)) expect(BigInt(open)).toBeGreaterThanOrEqual(0n);
        const { rows: ar } = await t.admin.query(
          `SELECT coalesce(sum(l.amount_minor), 0)::text AS ar FROM gl_lines l
             JOIN account_role_bindings b ON b.account_id = l.account_id AND b.role = 'DefaultAR'
            WHERE l.party_id = $1`,
          [party],
        );
        const { rows: credit } = await t.admin.query(
          `SELECT coalesce(sum(credit_minor), 0)::text AS c FROM documents WHERE party_id = $1 AND status = 'POSTED'`,
          [party],
        );
        const open = (await openOf(invoices)).reduce((sum, o) => sum + BigInt(o), 0n);
        expect(BigInt(ar[0].ar)).toBe(open - BigInt(credit[0].c));
      }),
      { numRuns: 10 },
    );
    for (const kind of ['CUSTOMER_RECEIPT', 'CREDIT_NOTE', 'SALES_INVOICE']) {
      const { rows } = await t.admin.query(
        `SELECT split_part(number, '-', 3)::int AS n FROM documents WHERE kind = $1 AND number IS NOT NULL ORDER BY 1`,
        [kind],
      );
      expect(rows.map((r) => r.n)).toEqual(rows.map((_, i) => i + 1));
    }
    await chainIntact();
  });
});
