import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askSettlingReads } from '../src/documents/group-store.ts';
import { applyCredit, type DocumentRow, postDocument } from '../src/documents/index.ts';
import type { Books } from '../src/services/books.ts';
import {
  as,
  author,
  callsInOneGroup,
  chainIntact,
  closeSettlementBooks,
  euro,
  eventsBy,
  expectOwnAuthors,
  factsOf,
  grouped,
  groups,
  invoice,
  laneEvents,
  lone,
  money,
  note,
  openOf,
  openSettlementBooks,
  outcome,
  postedOf,
  t,
  transactions,
  vendor,
} from './settlement-books.ts';
import { textsSentDuring } from './test-books.ts';

// Group commit for credit applications (docs/architecture/posting.md, "Group commit"): the
// applications waiting together are posted by the books' lane (src/services/books-lane.ts), checked
// by its applications' pass (src/documents/apply-credit-each.ts). What
// it writes must be exactly what a lone application writes: the same scenario is applied twice, once
// in one group and once a transaction each, and every fact compared. Exact groups without timing: a
// "plug" holds the group in flight until every application waits behind it.

beforeAll(openSettlementBooks);
afterAll(closeSettlementBooks);

type Application = {
  kind: 'CUSTOMER_CREDIT_APPLICATION' | 'VENDOR_CREDIT_APPLICATION';
  creditId: string;
  invoiceId: string;
  amount: string;
  date?: string;
  idempotencyKey?: string;
};

const apply = (books: Books, { kind, ...input }: Application) =>
  applyCredit(books, kind, { date: '2026-05-13', ...input });

/** `applications` applied in one group, each by its own author. */
const inOneGroup = (applications: readonly Application[], first: number, until?: Promise<void>) =>
  callsInOneGroup(
    applications.length,
    (i) => apply(as(grouped, first + i), applications[i] as Application),
    until,
  );

const posted = async (draft: Promise<DocumentRow>) => postDocument(grouped, (await draft).id, 'PAYMENT');
const customerApplication = (credit: DocumentRow, inv: DocumentRow, amount: string): Application => ({
  kind: 'CUSTOMER_CREDIT_APPLICATION',
  creditId: credit.id,
  invoiceId: inv.id,
  amount,
});

/** Credits and invoices, and the applications of every shape the lane posts or refuses. */
async function scenario() {
  const invoices = [
    await invoice('30'), // #0 32.10: settled in full by the receipt's credit
    await invoice('30'), // #1 32.10: 2.14 of it by a note's credit
    await invoice('53.10', '2026-05-04', vendor), // #2 56.82: 20.00 of it by a payment on account
    await invoice('100', '2026-05-10', euro), // #3 EUR 107.00 at 1.10: by a EUR credit taken at 1.12
    await invoice('30'), // #4: an application dated before it was posted (refused)
    await invoice('30'), // #5 32.10: an application of 40.00 (refused: more than is open)
  ];
  const credits = [
    await posted(money('CUSTOMER_RECEIPT', '50.00', [])), // #6 50.00 on account
    await postDocument(grouped, (await note('2')).id, 'SALES'), // #7 2.14, a note standing alone
    await posted(money('VENDOR_PAYMENT', '20.00', [])), // #8 20.00 paid on account
    await posted(money('CUSTOMER_RECEIPT', '107.00', [], { partyId: euro })), // #9 EUR at 1.12
    await posted(money('CUSTOMER_RECEIPT', '10.00', [])), // #10
    await posted(money('CUSTOMER_RECEIPT', '100.00', [])), // #11
  ];
  // The k-th credit applied to the k-th invoice.
  const app = (k: number, amount: string) =>
    customerApplication(credits[k] as DocumentRow, invoices[k] as DocumentRow, amount);
  const applications: Application[] = [
    app(0, '32.10'),
    app(1, '2.14'),
    { ...app(2, '20.00'), kind: 'VENDOR_CREDIT_APPLICATION' },
    app(3, '107.00'),
    { ...app(4, '5.00'), date: '2026-05-01' },
    app(5, '40.00'),
  ];
  return { items: [...invoices, ...credits], applications };
}

/** The credit applications of the books, by the request that made them. */
const applicationsBy = async (requestIds: readonly string[]) =>
  (
    await t.admin.query(
      `SELECT count(*)::int AS n FROM documents d WHERE d.kind::text LIKE '%CREDIT_APPLICATION'
          AND EXISTS (SELECT 1 FROM documents_history h WHERE h.id = d.id AND h.hist_request_id = ANY ($1::text[]))`,
      [requestIds],
    )
  ).rows[0].n;

describe('the credit applications lane: applications of one group posted together', () => {
  it('writes what lone applications write: rows, allocations, GL lines, events, history and what stays open', async () => {
    const a = await scenario();
    const b = await scenario();
    const before = await transactions();
    const results = await inOneGroup(a.applications, 900);
    const codes = results.map((r) => r.code ?? r.value?.status);
    expect(codes).toEqual(['POSTED', 'POSTED', 'POSTED', 'POSTED', 'BAD_USER_INPUT', 'OVER_ALLOCATION']);
    // One transaction, posted by the lane (not one by one after a failed attempt): its entries'
    // events first, then its documents'.
    expect((await transactions()) - before).toBe(1);
    const requestIds = a.applications.map((_, i) => author(900 + i).requestId);
    const events = await eventsBy(900, [...a.applications.keys()]);
    expect(events.map((e) => e.action)).toEqual(laneEvents(4));
    const lonely = [];
    for (const [i, application] of b.applications.entries())
      lonely.push(await outcome(apply(as(lone, 950 + i), application)));
    expect(lonely.map((r) => r.code ?? r.value?.status)).toEqual(codes);

    const facts = await factsOf(postedOf(results), a.items);
    expect(facts).toEqual(await factsOf(postedOf(lonely), b.items));
    expect(facts.map((f) => f.names_its_numbers)).toEqual(Array(4).fill(true));
    expect(facts.map((f) => f.hash_is_its_entrys)).toEqual(Array(4).fill(true));
    expect(await openOf(a.items)).toEqual(await openOf(b.items));
    // The figures themselves (two equal wrongs cannot pass): the allocations (invoice, credit) and
    // the EUR application's realized gain, 107.00 × (1.12 − 1.10) = 2.14, on the invoice's side.
    expect(facts.map((f) => [f.kind, f.total, f.base_total, f.rate])).toEqual([
      ['CUSTOMER_CREDIT_APPLICATION', '3210', '3210', '1.000000000000'],
      ['CUSTOMER_CREDIT_APPLICATION', '214', '214', '1.000000000000'],
      ['VENDOR_CREDIT_APPLICATION', '2000', '2000', '1.000000000000'],
      ['CUSTOMER_CREDIT_APPLICATION', '10700', '11984', '1.120000000000'],
    ]);
    expect(facts[3].allocations).toEqual([
      ['#3', '10700', '0', '11770', '214'],
      ['#9', '10700', '0', '11984', '0'],
    ]);
    expect(facts[3].event).toMatchObject({
      credit: '#9',
      invoice: '#3',
      amount: '107.00',
      realizedFx: '2.14',
    });
    expect(await openOf(a.items.slice(0, 6))).toEqual(['0', '2996', '3682', '0', '3210', '3210']);
    // The refused left nothing: no document, no entry, no allocation.
    expect(await applicationsBy(requestIds)).toBe(4);

    // Each version of an application's row and of its allocations names its own author.
    const ids = postedOf(results).map((d) => d.id);
    const authorOf = await expectOwnAuthors(results, 900);
    const { rows: allocated } = await t.admin.query(
      `SELECT h.hist_request_id, a.source_document_id::text AS doc FROM allocations_history h
         JOIN allocations a ON a.id::text = h.hist_entity_id WHERE a.source_document_id = ANY ($1::uuid[])`,
      [ids],
    );
    expect(allocated.length).toBe(8);
    for (const v of allocated) expect(v.hist_request_id).toBe(authorOf(v.doc));
    await chainIntact();
  });

  it('hands back an application using what a neighbour uses, answers a key asked twice once, and refuses a closed period alone', async () => {
    const [i0, i1, i2, i3, i4] = [
      await invoice('30'),
      await invoice('30'),
      await invoice('30'),
      await invoice('30'),
      await invoice('30'),
    ];
    const shared = await posted(money('CUSTOMER_RECEIPT', '10.00', []));
    const [c1, c2, c3] = [
      await posted(money('CUSTOMER_RECEIPT', '10.00', [])),
      await posted(money('CUSTOMER_RECEIPT', '10.00', [])),
      await posted(money('CUSTOMER_RECEIPT', '10.00', [])),
    ];
    await t.admin.query(`UPDATE posting_periods SET state = 'LOCKED' WHERE year = 2026 AND month = 7`);
    const keyed = { ...customerApplication(c1, i1, '3.00'), idempotencyKey: 'apply-twice' };
    const applications: Application[] = [
      customerApplication(shared, i0, '6.00'),
      customerApplication(shared, i2, '6.00'), // the same credit: after the first, 4.00 left
      keyed,
      keyed, // the same request again: answered with the first's document
      { ...customerApplication(c2, i3, '1.00'), date: '2026-07-15' }, // a locked period
      customerApplication(c3, i4, '2.00'),
    ];
    const before = await t.count('documents');
    const results = await inOneGroup(applications, 960);
    expect(results.map((r) => r.code ?? r.value?.status)).toEqual([
      'POSTED',
      'OVER_ALLOCATION',
      'POSTED',
      'POSTED',
      'PERIOD_LOCKED',
      'POSTED',
    ]);
    expect(results[3]?.value?.id).toBe(results[2]?.value?.id);
    // The lane posted the three (not a retry of the group one by one, which a neighbour's use of the
    // same credit would have caused): their entries' events first, then their documents'. Of the
    // keyed two, whichever reached the queue first (each looks its key up before); the other wrote
    // nothing.
    const events = await eventsBy(960, [0, 2, 3, 5]);
    expect(events.map((e) => e.action)).toEqual(laneEvents(3));
    expect(await t.count('documents')).toBe(before + 3);
    expect(await openOf([i0, i1, i2, i3, i4, shared])).toEqual([
      '2610',
      '2910',
      '3210',
      '3210',
      '3010',
      '400',
    ]);
    expect(await t.count('journal_entries', `posting_date = '2026-07-15'`)).toBe(0);
    await chainIntact();
  });

  it('inserts its applications and posts every document of the group in one call', async () => {
    const [i1, i2] = [await invoice('30'), await invoice('30')];
    const [c1, c2] = [
      await posted(money('CUSTOMER_RECEIPT', '10.00', [])),
      await posted(money('CUSTOMER_RECEIPT', '10.00', [])),
    ];
    const { texts, result } = await textsSentDuring(() =>
      inOneGroup([customerApplication(c1, i1, '3.00'), customerApplication(c2, i2, '4.00')], 990),
    );
    expect(result.map((r) => r.code ?? r.value?.status)).toEqual(['POSTED', 'POSTED']);
    const calls = (name: string) => texts.filter((q) => q.includes(`${name}(`)).length;
    expect([calls('cifra_insert_drafts_as'), calls('cifra_insert_and_post_documents_as')]).toEqual([0, 1]);
    // Their ids drawn first, their periods and keys held in the round trip that locks their credits
    // and invoices, ahead of the lock: one statement before the entries'.
    const holds = texts.filter((q) => q.includes('cifra_held_posting_books'));
    expect(holds).toHaveLength(1);
    const [carrier] = holds as [string];
    for (const id of [i1.id, i2.id, c1.id, c2.id]) expect(carrier).toContain(id);
    expect(carrier.indexOf('cifra_held_posting_books')).toBeLessThan(carrier.indexOf('cifra_lock_documents'));
    for (const d of postedOf(result)) expect(carrier).toContain(`document:${d.id}`);
    expect(texts.indexOf(carrier) + 1).toBe(texts.findIndex((q) => q.includes('cifra_post_entries_as')));
    expect(await openOf([i1, i2, c1, c2])).toEqual(['2910', '2810', '700', '600']);
    await chainIntact();
  });

  it('answers the first application when its key is committed while the group waits', async () => {
    const inv = await invoice('30');
    const credit = await posted(money('CUSTOMER_RECEIPT', '10.00', []));
    const other = await invoice('30');
    const otherCredit = await posted(money('CUSTOMER_RECEIPT', '10.00', []));
    const keyed: Application = { ...customerApplication(credit, inv, '3.00'), idempotencyKey: 'meanwhile' };
    let committed!: () => void;
    const until = new Promise<void>((resolve) => {
      committed = resolve;
    });
    const group = inOneGroup([keyed, customerApplication(otherCredit, other, '4.00')], 980, until);
    await groups.whenWaiting(2);
    const first = await outcome(apply(lone, keyed));
    committed();
    const results = await group;
    expect(results.map((r) => r.code ?? r.value?.status)).toEqual(['POSTED', 'POSTED']);
    expect(results[0]?.value?.id).toBe(first.value?.id);
    expect(await openOf([inv, other, credit, otherCredit])).toEqual(['2910', '2810', '700', '600']);
    await chainIntact();
  });
});

describe("the applications' and write-offs' reads after their lock", () => {
  it('find the keys already used, whatever characters they hold, in the same round trip as the lock', async () => {
    const inv = await invoice('30');
    const credit = await posted(money('CUSTOMER_RECEIPT', '10.00', []));
    // Inlined as literals in a simple-protocol query: each must arrive as itself, quotes and all.
    const hostile = ["it's", 'back\\slash', "x'); SELECT 1; --", "E'\\''"];
    const used = hostile[2] as string;
    await apply(lone, { ...customerApplication(credit, inv, '1.00'), idempotencyKey: used });
    const { texts, result: reads } = await textsSentDuring(() =>
      grouped.db.transaction((tx) =>
        askSettlingReads(tx, [inv.id, credit.id].sort(), hostile, ['2026-05-13'])(),
      ),
    );
    const sent = texts.filter((q) => !/^(BEGIN|COMMIT)/i.test(q.trim()));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/cifra_lock_documents[\s\S]*idempotency_key[\s\S]*posting_periods/);
    expect([...reads.taken]).toEqual([used]);
    expect([...reads.locked.invoices.keys()].sort()).toEqual([inv.id, credit.id].sort());
    expect(reads.locked.settled.get(inv.id)).toBe(100n);
    expect(reads.parties.size).toBe(1);
    expect(reads.periods.get('2026-05-13')?.month).toBe(5);
  });
});
