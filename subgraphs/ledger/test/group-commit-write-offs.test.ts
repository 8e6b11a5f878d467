import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DocumentRow, postDocument } from '../src/documents/index.ts';
import type { Books } from '../src/services/books.ts';
import { type WriteOffInput, writeOffBadDebt } from '../src/write-offs/index.ts';
import {
  as,
  callsInOneGroup,
  chainIntact,
  closeSettlementBooks,
  euro,
  eventsBy,
  expectOwnAuthors,
  factsOf,
  grouped,
  invoice,
  laneEvents,
  lone,
  money,
  openOf,
  openSettlementBooks,
  outcome,
  postedOf,
  t,
  transactions,
  vendor,
} from './settlement-books.ts';
import { pausedBefore, textsSentDuring } from './test-books.ts';

// Group commit for bad-debt write-offs (docs/architecture/posting.md, "Group commit"): the
// write-offs waiting together are checked and drafted by the books' lane's write-offs pass
// (src/write-offs/write-offs-each.ts) and posted with the group's documents. What it writes must be
// exactly what a lone write-off writes: the same scenario is written off twice, once in one group
// and once a transaction each, and every fact compared. A "plug" holds the group until all wait.

beforeAll(openSettlementBooks);
afterAll(closeSettlementBooks);

const REASON = 'The customer has closed; nothing will be paid';
type WriteOff = Omit<WriteOffInput, 'reason'>;

const writeOff = (books: Books, w: WriteOff) => writeOffBadDebt(books, { reason: REASON, ...w });

/** `writeOffs` asked in one group, each by its own author. */
const inOneGroup = (writeOffs: readonly WriteOff[], first: number) =>
  callsInOneGroup(writeOffs.length, (i) => writeOff(as(grouped, first + i), writeOffs[i] as WriteOff));

/** Invoices, and write-offs of every shape the lane posts or refuses. */
async function scenario() {
  const invoices = [
    await invoice('30'), // #0 32.10: all of it
    await invoice('30'), // #1 32.10, 10.00 received: the 22.10 left
    await invoice('30'), // #2 32.10: 5.00 of it
    await invoice('100', '2026-05-10', euro), // #3 EUR 107.00 at 1.10: written off at 1.12
    await invoice('30'), // #4: dated before the invoice (refused)
    await invoice('30'), // #5: 40.00 of 32.10 (refused)
    await invoice('53.10', '2026-05-04', vendor), // #6 a bill: not a sales invoice (refused)
  ];
  const receipt = await money('CUSTOMER_RECEIPT', '10.00', [
    { invoice: invoices[1] as DocumentRow, amount: '10.00' },
  ]);
  await postDocument(grouped, receipt.id, 'PAYMENT');
  const on = (k: number, extra: Partial<WriteOff> = {}): WriteOff => ({
    invoiceId: (invoices[k] as DocumentRow).id,
    documentDate: '2026-05-12',
    ...extra,
  });
  const writeOffs = [
    on(0),
    on(1),
    on(2, { amount: '5.00' }),
    on(3),
    on(4, { documentDate: '2026-05-01' }),
    on(5, { amount: '40.00' }),
    on(6),
  ];
  return { invoices, writeOffs };
}

describe('the write-offs lane: write-offs of one group posted together', () => {
  it('writes what lone write-offs write: rows, allocations, GL lines, events, history and what stays open', async () => {
    const a = await scenario();
    const b = await scenario();
    const before = await transactions();
    const results = await inOneGroup(a.writeOffs, 1000);
    const codes = results.map((r) => r.code ?? r.value?.status);
    expect(codes).toEqual([
      'POSTED',
      'POSTED',
      'POSTED',
      'POSTED',
      'BAD_USER_INPUT',
      'OVER_ALLOCATION',
      'BAD_USER_INPUT',
    ]);
    // One transaction, posted by the lane (not one by one after a failed attempt): its entries'
    // events first, then its documents'.
    expect((await transactions()) - before).toBe(1);
    const events = await eventsBy(1000, [...a.writeOffs.keys()]);
    expect(events.map((e) => e.action)).toEqual(laneEvents(4));
    // The reason is each event's, as a lone write-off records it.
    expect(new Set(events.map((e) => e.reason))).toEqual(new Set([REASON]));
    const lonely = [];
    for (const [i, w] of b.writeOffs.entries()) lonely.push(await outcome(writeOff(as(lone, 1050 + i), w)));
    expect(lonely.map((r) => r.code ?? r.value?.status)).toEqual(codes);

    const facts = await factsOf(postedOf(results), a.invoices);
    expect(facts).toEqual(await factsOf(postedOf(lonely), b.invoices));
    expect(await openOf(a.invoices)).toEqual(await openOf(b.invoices));
    // The figures themselves: what each wrote off, and the EUR one at 1.12 clearing a receivable
    // taken at 1.10 (117.70 cleared, 119.84 at its own rate: 2.14 realized).
    expect(facts.map((f) => [f.kind, f.total, f.base_total, f.rate])).toEqual([
      ['BAD_DEBT_WRITE_OFF', '3210', '3210', '1.000000000000'],
      ['BAD_DEBT_WRITE_OFF', '2210', '2210', '1.000000000000'],
      ['BAD_DEBT_WRITE_OFF', '500', '500', '1.000000000000'],
      ['BAD_DEBT_WRITE_OFF', '10700', '11984', '1.120000000000'],
    ]);
    expect(facts[3].allocations).toEqual([['#3', '10700', '0', '11770', '214']]);
    expect(await openOf(a.invoices.slice(0, 6))).toEqual(['0', '0', '2710', '0', '3210', '3210']);
    expect(
      await t.count('draft_allocations', `document_id = ANY ('{${postedOf(results).map((d) => d.id)}}')`),
    ).toBe(4);

    // Each version of a write-off's row and of its proposed allocation names its own author.
    const ids = postedOf(results).map((d) => d.id);
    const authorOf = await expectOwnAuthors(results, 1000, REASON);
    const { rows: proposed } = await t.admin.query(
      `SELECT document_id::text AS doc, hist_request_id FROM draft_allocations_history WHERE document_id = ANY ($1::uuid[])`,
      [ids],
    );
    expect(proposed.length).toBe(4);
    for (const v of proposed) expect(v.hist_request_id).toBe(authorOf(v.doc));
    await chainIntact();
  });

  it('hands back a second write-off of an invoice, a key asked twice and a typed rate; a closed period fails only its own', async () => {
    const [i0, i1, i2, i3] = [
      await invoice('30'),
      await invoice('30'),
      await invoice('30'),
      await invoice('30'),
    ];
    const eur = await invoice('100', '2026-05-10', euro);
    await t.admin.query(`UPDATE posting_periods SET state = 'LOCKED' WHERE year = 2026 AND month = 8`);
    const keyed = {
      invoiceId: i1.id,
      documentDate: '2026-05-12',
      amount: '3.00',
      idempotencyKey: 'write-twice',
    };
    const results = await inOneGroup(
      [
        { invoiceId: i0.id, documentDate: '2026-05-12', amount: '5.00' },
        { invoiceId: i0.id, documentDate: '2026-05-12', amount: '6.00' }, // after the first
        keyed,
        keyed, // answered with the first's document
        { invoiceId: eur.id, documentDate: '2026-05-12', exchangeRate: '1.15' }, // records its rate
        { invoiceId: i2.id, documentDate: '2026-05-12', amount: '2.00' },
      ],
      1100,
    );
    expect(results.map((r) => r.code ?? r.value?.status)).toEqual(Array(6).fill('POSTED'));
    expect(results[3]?.value?.id).toBe(results[2]?.value?.id);
    expect(results[4]?.value?.exchangeRate).toBe('1.150000000000');
    // The lane posted the first, one of the keyed two (whichever reached the queue first: each looks
    // its key up before) and the last; the rest ran after the group, the other keyed one writing nothing.
    const events = await eventsBy(1100, [0, 2, 3, 5]);
    expect(events.map((e) => e.action)).toEqual(laneEvents(3));
    expect(await openOf([i0, i1, i2, eur])).toEqual(['2110', '2910', '3010', '0']);

    // A write-off in a closed period asked with others: refused before it is drafted, it alone,
    // leaving no draft.
    const drafts = await t.count('documents', `kind = 'BAD_DEBT_WRITE_OFF' AND status = 'DRAFT'`);
    const mixed = await inOneGroup(
      [
        { invoiceId: i3.id, documentDate: '2026-05-12', amount: '1.00' },
        { invoiceId: i2.id, documentDate: '2026-08-03', amount: '1.00' },
      ],
      1120,
    );
    expect(mixed.map((r) => r.code ?? r.value?.status)).toEqual(['POSTED', 'PERIOD_LOCKED']);
    expect(await t.count('documents', `kind = 'BAD_DEBT_WRITE_OFF' AND status = 'DRAFT'`)).toBe(drafts);
    expect(await openOf([i2, i3])).toEqual(['3010', '3110']);
    await chainIntact();
  });

  it('refuses alone, writing nothing, a write-off whose month is locked after its pass checked it', async () => {
    const [october, may] = [await invoice('30', '2026-10-05'), await invoice('30')];
    const writeOffs = () => t.count('documents', `kind = 'BAD_DEBT_WRITE_OFF'`);
    const before = await writeOffs();
    // The pass read October open; the month is locked before the group holds the months it posts in.
    const results = await pausedBefore(
      /cifra_held_posting_books\(/,
      () =>
        t.admin.query(
          `SET lock_timeout = '10s'; UPDATE posting_periods SET state = 'LOCKED' WHERE year = 2026 AND month = 10; RESET lock_timeout`,
        ),
      () =>
        inOneGroup(
          [
            { invoiceId: october.id, documentDate: '2026-10-06', amount: '1.00' },
            { invoiceId: may.id, documentDate: '2026-05-12', amount: '1.00' },
          ],
          1140,
        ),
    );
    expect(results.map((r) => r.code ?? r.value?.status)).toEqual(['PERIOD_LOCKED', 'POSTED']);
    // Its draft, allocation and entry were never written; its neighbour's were.
    expect(await writeOffs()).toBe(before + 1);
    expect(await openOf([october, may])).toEqual(['3210', '3110']);
    expect(await eventsBy(1140, [1])).toHaveLength(2);
    expect(await eventsBy(1140, [0])).toEqual([]);
    await chainIntact();
  });

  it('locks each invoice once, never reads its own drafts back and inserts them as it posts them, beside a receipt', async () => {
    const invoices = [await invoice('30'), await invoice('30'), await invoice('30')];
    const paid = await invoice('30');
    const receipt = await money('CUSTOMER_RECEIPT', '32.10', [{ invoice: paid, amount: '32.10' }]);
    const { texts, result: results } = await textsSentDuring(() =>
      callsInOneGroup(invoices.length + 1, (i) =>
        i < invoices.length
          ? writeOff(as(grouped, 1200 + i), {
              invoiceId: (invoices[i] as DocumentRow).id,
              documentDate: '2026-05-12',
            })
          : postDocument(as(grouped, 1200 + i), receipt.id, 'PAYMENT'),
      ),
    );
    expect(results.map((r) => r.code ?? r.value?.status)).toEqual(Array(4).fill('POSTED'));
    expect(await eventsBy(1200, [0, 1, 2, 3])).toHaveLength(8);
    const statements = texts.flatMap((q) => q.split(';\n'));
    const locks = (id: string) =>
      statements.filter((q) => q.includes('cifra_lock_documents') && q.includes(id)).length;
    expect(invoices.map((i) => locks(i.id))).toEqual([1, 1, 1]);
    expect([locks(paid.id), locks(receipt.id)]).toEqual([1, 1]);
    // The receipt's draft read and locked in the round trip that locks the invoices written off,
    // before them (as a lone posting locks its draft before what it settles).
    const [carrier, ...others] = texts.filter((q) => q.includes('cifra_draft_allocations_of('));
    expect(others).toEqual([]);
    expect(carrier?.indexOf(receipt.id)).toBeLessThan(
      carrier?.indexOf((invoices[0] as DocumentRow).id) ?? -1,
    );
    const drafted = postedOf(results).filter((d) => d.kind === 'BAD_DEBT_WRITE_OFF');
    expect(drafted).toHaveLength(3);
    // Named only by the hold, which asks whether its entry's key is taken.
    const hold = /cifra_held_posting_books/;
    for (const d of drafted) expect(statements.filter((q) => q.includes(d.id) && !hold.test(q))).toEqual([]);
    // Drafted in memory and inserted by the call that posts the group's documents.
    const calls = (name: string) => texts.filter((q) => q.includes(`${name}(`)).length;
    expect([calls('cifra_insert_drafts_as'), calls('cifra_insert_and_post_documents_as')]).toEqual([0, 1]);
    expect(await openOf([...invoices, paid])).toEqual(['0', '0', '0', '0']);
    await chainIntact();
  });
});
