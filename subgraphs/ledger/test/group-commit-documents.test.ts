import { type Actor, type PostingGroups, tenant, tenantDb, translateDbError } from '@cifra/db';
import { fiscalYearPeriods } from '@cifra/domain';
import { TEST_LEGAL_DETAILS } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, type DocumentRow, postDocument } from '../src/documents/index.ts';
import { documentsById } from '../src/documents/store.ts';
import type { Books } from '../src/services/books.ts';
import { createParty } from '../src/services/parties.service.ts';
import { openTestBooks, plug, type TestBooks } from './test-books.ts';

// Group commit for documents (docs/architecture/posting.md, "Group commit"): the invoices of
// one group are posted together by the books' lane (src/services/books-lane.ts; its documents'
// pass, src/documents/post-each.ts), each checked
// and refused on its own. Exact groups without timing: a "plug" posting holds the group in flight
// until the postings under test are all queued behind it.

let t: TestBooks;
let books: Books;
let groups: PostingGroups;
let customer: string;
let vendor: string;

beforeAll(async () => {
  t = await openTestBooks();
  const grouped = t.grouped();
  groups = grouped.groups;
  books = { ...(await t.books()), db: grouped.db };
  customer = (await createParty(books, { kind: 'CUSTOMER', code: 'L1', name: 'Lane Hotel' })).id;
  vendor = (await createParty(books, { kind: 'VENDOR', code: 'LV', name: 'Lane Farm' })).id;
});
afterAll(() => t.close());

const author = (i: number): Actor => ({
  userId: `33333333-3333-4333-8333-${String(i).padStart(12, '0')}`,
  email: `lane${i}@test.invalid`,
  requestId: `lane-${i}`,
});
const as = (i: number, over: Partial<Books> = {}): Books => ({ ...books, actor: author(i), ...over });

/** Café: 3 × 10.00 at ITBMS 7% = 30.00 + 2.10 = 32.10. */
const invoice = (date: string, party = customer) =>
  createDraft(books, 'SALES_INVOICE', {
    partyId: party,
    documentDate: date,
    lines: [{ description: 'Café', accountCode: '4101', quantity: '3', unitPrice: '10', taxCode: 'ITBMS7' }],
  });
/** A bill: 53.10 at ITBMS 7% = 53.10 + 3.72 = 56.82. */
const bill = (date: string) =>
  createDraft(books, 'PURCHASE_INVOICE', {
    partyId: vendor,
    documentDate: date,
    lines: [{ accountCode: '6202', quantity: '1', unitPrice: '53.10', taxCode: 'ITBMS7' }],
  });

async function outcome<T>(p: Promise<T>): Promise<{ value?: T; code?: string }> {
  try {
    return { value: await p };
  } catch (err) {
    return { code: translateDbError(err)?.code ?? `untranslated: ${String(err)}` };
  }
}

/** The numbers of a document kind's posted documents (or the journal's), ascending. */
async function numbersOf(kind: string | 'JE'): Promise<number[]> {
  const sql =
    kind === 'JE'
      ? `SELECT split_part(number, '-', 3)::int AS n FROM journal_entries ORDER BY 1`
      : `SELECT split_part(number, '-', 3)::int AS n FROM documents WHERE kind = '${kind}' AND number IS NOT NULL ORDER BY 1`;
  return (await t.admin.query<{ n: number }>(sql)).rows.map((r) => r.n);
}
const gapless = (ns: number[]) => ns.length > 0 && ns.every((n, i) => n === i + 1);

/** A document's GL amounts in base minor units, ascending, as BigInt. */
async function glAmounts(doc: DocumentRow): Promise<bigint[]> {
  const { rows } = await t.admin.query<{ a: string }>(
    'SELECT amount_minor::text AS a FROM gl_lines WHERE entry_id = $1',
    [doc.entryId],
  );
  return rows.map((r) => BigInt(r.a)).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}

/** Nothing of a refused draft was written: still a draft, no number, no entry, no event. */
async function untouched(id: string): Promise<void> {
  expect(await t.count('documents', `id = '${id}' AND status = 'DRAFT' AND number IS NULL`)).toBe(1);
  expect(await t.count('journal_entries', `source_id = '${id}'`)).toBe(0);
  expect(await t.count('audit_events', `entity_id = '${id}' AND action = 'document.posted'`)).toBe(0);
}

async function chainIntact(): Promise<void> {
  const { rows } = await t.admin.query('SELECT problem FROM cifra_verify_audit_chain()');
  expect(rows[0].problem).toBeNull();
}

describe('the documents lane: invoices of one group posted together', () => {
  it('posts 12 invoices of 32.10 and 4 bills of 56.82 in one transaction; each bad one is refused alone', async () => {
    const sales: string[] = [];
    for (let i = 0; i < 12; i++) sales.push((await invoice(`2026-07-${String(10 + i).padStart(2, '0')}`)).id);
    const bills: string[] = [];
    for (let i = 0; i < 4; i++) bills.push((await bill(`2026-07-${String(10 + i).padStart(2, '0')}`)).id);
    const leaving = (await createParty(books, { kind: 'CUSTOMER', code: 'L2', name: 'Leaving Hotel' })).id;
    const gone = await invoice('2026-07-20', leaving);
    const wrongFamily = await invoice('2026-07-21');
    const forbidden = await invoice('2026-07-22');
    const closing = await invoice('2026-09-15');
    const earlier = await postDocument(books, (await invoice('2026-07-01')).id, 'SALES');
    const jeBefore = (await numbersOf('JE')).length;
    const salesBefore = (await numbersOf('SALES_INVOICE')).length;

    const calls: { kind: string; id: string; p: Promise<DocumentRow> }[] = [];
    const post = (kind: string, i: number, id: string, family: 'SALES' | 'PURCHASING', b = as(i)) =>
      calls.push({ kind, id, p: postDocument(b, id, family) });
    let changed!: () => void;
    const held = await plug(
      groups,
      23,
      new Promise<void>((resolve) => {
        changed = resolve;
      }),
    );
    for (const [i, id] of sales.entries()) post('sale', 400 + i, id, 'SALES');
    for (const [i, id] of bills.entries()) post('bill', 420 + i, id, 'PURCHASING');
    post('again', 430, sales[0] as string, 'SALES');
    post('earlier', 431, earlier.id, 'SALES');
    post('gone', 432, gone.id, 'SALES');
    post('wrong-family', 433, wrongFamily.id, 'PURCHASING');
    post(
      'forbidden',
      434,
      forbidden.id,
      'SALES',
      as(434, { permissions: (await t.books('ClientReadOnly')).permissions }),
    );
    post('closing', 435, closing.id, 'SALES');
    post('missing', 436, '44444444-4444-4444-8444-444444444444', 'SALES');
    // While they wait in the queue: the customer leaves, September closes for sales.
    await groups.whenWaiting(23);
    await t.admin.query(`UPDATE parties SET active = false WHERE id = $1`, [leaving]);
    await t.admin.query(`UPDATE posting_periods SET state = 'LOCK_SALES' WHERE year = 2026 AND month = 9`);
    // Only now may the plug's group commit and theirs start: they must see both changes.
    changed();
    try {
      await held.done;
      const results = await Promise.all(calls.map(async (c) => ({ ...c, ...(await outcome(c.p)) })));
      const codes = Object.fromEntries(results.filter((r) => r.code).map((r) => [r.kind, r.code]));
      expect(codes).toEqual({
        gone: 'BAD_USER_INPUT',
        'wrong-family': 'BAD_USER_INPUT',
        forbidden: 'FORBIDDEN',
        closing: 'PERIOD_LOCKED',
        missing: 'NOT_FOUND',
      });
      for (const id of [gone.id, wrongFamily.id, forbidden.id, closing.id]) await untouched(id);

      const doc = (kind: string) => results.filter((r) => r.kind === kind).map((r) => r.value as DocumentRow);
      const [first] = doc('sale');
      expect(doc('again')[0]).toMatchObject({ id: first?.id, number: first?.number });
      expect(doc('earlier')[0]).toMatchObject({
        id: earlier.id,
        number: earlier.number,
        entryId: earlier.entryId,
      });

      // 12 + 4 new entries, 12 new sales numbers and 4 bill numbers, each sequence without a gap.
      expect((await numbersOf('JE')).length).toBe(jeBefore + 16);
      expect(gapless(await numbersOf('JE'))).toBe(true);
      expect((await numbersOf('SALES_INVOICE')).length).toBe(salesBefore + 12);
      expect(gapless(await numbersOf('SALES_INVOICE'))).toBe(true);
      expect(await numbersOf('PURCHASE_INVOICE')).toEqual([1, 2, 3, 4]);
      const posted = [...doc('sale'), ...doc('bill')];
      const { rows: tx } = await t.admin.query(
        'SELECT count(DISTINCT created_at)::int AS n FROM journal_entries WHERE id = ANY($1::uuid[])',
        [posted.map((d) => d.entryId)],
      );
      expect(tx[0].n).toBe(1);

      // As when posted alone: status, rate 1, base total = total, the author; 32.10 and 56.82 exactly.
      for (const [k, d] of doc('sale').entries()) {
        expect(d).toMatchObject({
          status: 'POSTED',
          exchangeRate: earlier.exchangeRate,
          postedBy: author(400 + k).userId,
        });
        expect(d.totalMinor).toBe(3210n);
        expect(d.baseTotalMinor).toBe(3210n);
        expect(await glAmounts(d)).toEqual([-3000n, -210n, 3210n]);
      }
      expect(await glAmounts(earlier)).toEqual([-3000n, -210n, 3210n]);
      for (const d of doc('bill')) {
        expect(d.baseTotalMinor).toBe(5682n);
        expect(await glAmounts(d)).toEqual([-5682n, 372n, 5310n]);
      }

      // What the lane answers is each row as stored, decoded as a select of the table decodes it.
      const stored = await documentsById(
        books.db,
        posted.map((d) => d.id),
      );
      for (const d of posted) expect(d).toEqual(stored.get(d.id));
      // Each document's event reads as a lone posting's: the same fields, its own number and entry.
      const { rows: docAfter } = await t.admin.query(
        `SELECT e.entity_id, e.before, e.after FROM audit_events e
          WHERE e.action = 'document.posted' AND e.entity_id = ANY($1::text[])`,
        [[...posted.map((d) => d.id), earlier.id]],
      );
      expect(docAfter.length).toBe(17);
      const loneEvent = docAfter.find((r) => r.entity_id === earlier.id);
      const entryNumbers = new Map(
        (
          await t.admin.query('SELECT id::text, number FROM journal_entries WHERE id = ANY($1::uuid[])', [
            [...posted, earlier].map((d) => d.entryId),
          ])
        ).rows.map((r) => [r.id, r.number]),
      );
      for (const r of docAfter) {
        const d = [...posted, earlier].find((x) => x.id === r.entity_id) as DocumentRow;
        expect(r.after).toMatchObject({
          status: 'POSTED',
          number: d.number,
          entry: entryNumbers.get(d.entryId),
        });
        expect(Object.keys(r.after).sort()).toEqual(Object.keys(loneEvent?.after).sort());
        expect(r.before).toEqual(loneEvent?.before);
      }

      // Each document's author on its event and on its history version; events in number order.
      const { rows: events } = await t.admin.query(
        `SELECT e.request_id, e.actor_id::text AS actor_id, e.after->>'number' AS number, e.action, e.entity_id
           FROM audit_events e WHERE e.request_id LIKE 'lane-%' ORDER BY e.chain_seq`,
      );
      const docEvents = events.filter((e) => e.action === 'document.posted');
      expect(docEvents.length).toBe(16);
      for (const e of docEvents) expect(e.actor_id).toBe(author(Number(e.request_id.slice(5))).userId);
      const salesEvents = docEvents.filter((e) =>
        e.number.startsWith(first?.number?.split('-')[0] as string),
      );
      expect(salesEvents.map((e) => e.number)).toEqual([...salesEvents.map((e) => e.number)].sort());
      // Posted together: the group's entries first, then its documents (one statement each).
      expect(events.findIndex((e) => e.action === 'document.posted')).toBe(16);
      // The documents are marked posted by one statement; each version still names its own request.
      const { rows: versions } = await t.admin.query(
        `SELECT hist_entity_id AS entity_id, hist_request_id AS request_id, hist_actor_id::text AS actor_id,
                hist_actor_email AS email
           FROM documents_history WHERE status = 'POSTED' AND hist_operation = 'UPDATE'
            AND hist_entity_id = ANY($1::text[])`,
        [posted.map((d) => d.id)],
      );
      const byEntity = (a: { entity_id: string }, b: { entity_id: string }) =>
        a.entity_id < b.entity_id ? -1 : 1;
      expect(versions.sort(byEntity)).toEqual(
        docEvents
          .map((e) => {
            const { userId, email } = author(Number(e.request_id.slice(5)));
            return { entity_id: e.entity_id, request_id: e.request_id, actor_id: userId, email };
          })
          .sort(byEntity),
      );
      const { rows: numberVersions } = await t.admin.query(
        `SELECT hist_request_id FROM number_sequences_history
          WHERE document_type = 'SALES_INVOICE' AND hist_request_id LIKE 'lane-%' ORDER BY next_value`,
      );
      expect(numberVersions.map((v) => v.hist_request_id)).toEqual(salesEvents.map((e) => e.request_id));
      // The entries' events, written by cifra_post_entries_as, read as a lone posting's event does.
      const { rows: after } = await t.admin.query(
        `SELECT e.after, j.number, j.id = $1 AS lone FROM audit_events e JOIN journal_entries j ON j.id::text = e.entity_id
          WHERE e.action = 'journal_entry.posted' AND (e.request_id LIKE 'lane-%' OR j.id = $1)`,
        [earlier.entryId],
      );
      expect(after.length).toBe(17);
      const lone = after.find((r) => r.lone);
      for (const r of after) {
        expect(r.after.number).toBe(r.number);
        expect(Object.keys(r.after).sort()).toEqual(Object.keys(lone?.after).sort());
      }
      await chainIntact();
    } finally {
      await t.admin.query(`UPDATE posting_periods SET state = 'UNLOCKED' WHERE year = 2026 AND month = 9`);
    }
  });

  it('refuses the sales invoices of a group while the legal details are incomplete, and posts its bill', async () => {
    const sales = [(await invoice('2026-08-03')).id, (await invoice('2026-08-04')).id];
    const purchase = (await bill('2026-08-05')).id;
    await t.admin.query('UPDATE company SET address = NULL');
    try {
      const held = await plug(groups, 3);
      const calls = [
        outcome(postDocument(as(700), sales[0] as string, 'SALES')),
        outcome(postDocument(as(701), purchase, 'PURCHASING')),
        outcome(postDocument(as(702), sales[1] as string, 'SALES')),
      ];
      await held.done;
      const [first, paid, second] = await Promise.all(calls);
      expect([first?.code, second?.code]).toEqual(['LEGAL_DETAILS_REQUIRED', 'LEGAL_DETAILS_REQUIRED']);
      for (const id of sales) await untouched(id);
      expect(paid?.value).toMatchObject({ id: purchase, status: 'POSTED', postedBy: author(701).userId });
      await chainIntact();
    } finally {
      await t.admin.query(`UPDATE company SET address = $1`, [TEST_LEGAL_DETAILS.address]);
    }
  });

  it('numbers a group across two fiscal years and both kinds, each sequence without a gap', async () => {
    const owner = tenantDb(t.admin);
    // Open unless the books were opened up to a today in 2027 or later (booksYears).
    await owner
      .insert(tenant.fiscalYears)
      .values({ year: 2027, startDate: '2027-01-01', endDate: '2027-12-31' })
      .onConflictDoNothing();
    await owner.insert(tenant.postingPeriods).values(fiscalYearPeriods(2027, 1)).onConflictDoNothing();
    const sales26 = (await numbersOf('SALES_INVOICE')).length;
    const bills26 = (await numbersOf('PURCHASE_INVOICE')).length;
    const drafts = [
      { id: (await invoice('2027-01-04')).id, family: 'SALES' as const },
      { id: (await invoice('2026-12-30')).id, family: 'SALES' as const },
      { id: (await bill('2027-01-05')).id, family: 'PURCHASING' as const },
      { id: (await invoice('2027-01-02')).id, family: 'SALES' as const },
      { id: (await bill('2026-12-29')).id, family: 'PURCHASING' as const },
      { id: (await invoice('2026-12-31')).id, family: 'SALES' as const },
    ];
    const held = await plug(groups, drafts.length);
    const calls = drafts.map((d, i) => postDocument(as(600 + i), d.id, d.family));
    await held.done;
    const posted = await Promise.all(calls);
    // In the order the group ran them, each year's sales, bills and entries numbered on from the last.
    const pad = (n: number) => String(n).padStart(6, '0');
    const prefix = (d: DocumentRow) => d.number?.split('-')[0];
    const [sale, purchase] = [prefix(posted[0] as DocumentRow), prefix(posted[2] as DocumentRow)];
    expect(posted.map((d) => d.number)).toEqual([
      `${sale}-2027-000001`,
      `${sale}-2026-${pad(sales26 + 1)}`,
      `${purchase}-2027-000001`,
      `${sale}-2027-000002`,
      `${purchase}-2026-${pad(bills26 + 1)}`,
      `${sale}-2026-${pad(sales26 + 2)}`,
    ]);
    const { rows: entries } = await t.admin.query(
      `SELECT fiscal_year, split_part(number, '-', 3)::int AS n FROM journal_entries ORDER BY fiscal_year, 2`,
    );
    for (const year of [2026, 2027]) {
      expect(gapless(entries.filter((e) => e.fiscal_year === year).map((e) => e.n))).toBe(true);
    }
    expect(entries.filter((e) => e.fiscal_year === 2027).map((e) => e.n)).toEqual([1, 2, 3]);
    // Each number's version names the posting that took it; a year's new sequence, the first of them.
    const { rows: versions } = await t.admin.query(
      `SELECT document_type, fiscal_year, next_value - 1 AS n, hist_request_id AS request
         FROM number_sequences_history
        WHERE hist_request_id LIKE 'lane-6%' AND document_type <> 'JE' AND hist_operation = 'UPDATE'`,
    );
    const { rows: opened } = await t.admin.query(
      `SELECT document_type, hist_request_id AS request FROM number_sequences_history
        WHERE fiscal_year = 2027 AND hist_operation = 'INSERT' ORDER BY document_type`,
    );
    expect(opened).toEqual([
      { document_type: 'JE', request: 'lane-600' },
      { document_type: 'PURCHASE_INVOICE', request: 'lane-602' },
      { document_type: 'SALES_INVOICE', request: 'lane-600' },
    ]);
    for (const [i, d] of posted.entries()) {
      const [, year, n] = (d.number as string).split('-');
      expect(versions).toContainEqual({
        document_type: d.kind,
        fiscal_year: Number(year),
        n: Number(n),
        request: `lane-${600 + i}`,
      });
    }
    expect(versions).toHaveLength(drafts.length);
    await chainIntact();
  });

  it('answers a replay across groups with the document as first posted, writing nothing more', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await invoice(`2026-10-${String(1 + i).padStart(2, '0')}`)).id);
    const firstGroup = await plug(groups, 6);
    const first = ids.map((id, i) => postDocument(as(500 + i), id, 'SALES'));
    await firstGroup.done;
    const posted = await Promise.all(first);
    const counts = async () => ({
      entries: await t.count('journal_entries'),
      events: await t.count('audit_events'),
      numbers: (await numbersOf('SALES_INVOICE')).length,
    });
    const before = await counts();
    const secondGroup = await plug(groups, 6);
    const again = ids.map((id, i) => postDocument(as(510 + i), id, 'SALES'));
    await secondGroup.done;
    const replayed = await Promise.all(again);
    expect(replayed.map((d) => [d.id, d.number, d.entryId])).toEqual(
      posted.map((d) => [d.id, d.number, d.entryId]),
    );
    expect(await counts()).toEqual(before);
    await chainIntact();
  });

  it('posts receipts and invoices asked in the same turn in one transaction', async () => {
    const receipts: string[] = [];
    const invoices: string[] = [];
    for (let i = 0; i < 3; i++) {
      const date = `2026-11-${String(2 + i).padStart(2, '0')}`;
      invoices.push((await invoice(date)).id);
      const receipt = await createDraft(books, 'CUSTOMER_RECEIPT', {
        partyId: customer,
        documentDate: date,
        amount: `${10 + i}.00`,
        allocations: [],
      });
      receipts.push(receipt.id);
    }
    // Each transaction that writes the books leaves one row in the close board's outbox (its txid).
    const transactions = () => t.count('close_board_changes');
    const before = await transactions();
    const posted = await Promise.all([
      ...receipts.map((id, i) => postDocument(as(600 + i), id, 'PAYMENT')),
      ...invoices.map((id, i) => postDocument(as(610 + i), id, 'SALES')),
    ]);
    expect(posted.map((d) => d.status)).toEqual(Array(6).fill('POSTED'));
    // The three invoices and the three receipts in one group (group-commit-settlements.test.ts).
    expect((await transactions()) - before).toBe(1);
    await chainIntact();
  });

  it('hands back a note on an invoice a note of the same group settles, to run after the group', async () => {
    const corrected = await postDocument(books, (await invoice('2026-11-10')).id, 'SALES');
    const notes: string[] = [];
    const invoices: string[] = [];
    for (let i = 0; i < 2; i++) {
      invoices.push((await invoice(`2026-11-1${1 + i}`)).id);
      const note = await createDraft(books, 'CREDIT_NOTE', {
        partyId: customer,
        documentDate: '2026-11-13',
        appliesToId: corrected.id,
        lines: [
          { description: 'Café', accountCode: '4101', quantity: '1', unitPrice: '1', taxCode: 'ITBMS7' },
        ],
      });
      notes.push(note.id);
    }
    const before = await t.count('close_board_changes');
    const posted = await Promise.all([
      ...notes.map((id, i) => postDocument(as(620 + i), id, 'SALES')),
      ...invoices.map((id, i) => postDocument(as(630 + i), id, 'SALES')),
    ]);
    expect(posted.map((d) => d.status)).toEqual(Array(4).fill('POSTED'));
    // One group for the four, whose lane posts the invoices and the first note; the second note
    // settles the same invoice, so it runs after the group, on its own, and sees the first.
    expect((await t.count('close_board_changes')) - before).toBe(2);
    expect(posted.slice(0, 2).map((d) => d.postedBy)).toEqual([author(620).userId, author(621).userId]);
    expect(gapless(await numbersOf('CREDIT_NOTE'))).toBe(true);
    await chainIntact();
  });

  it("sends no documents' call when the entries' call fails, its documents staged: each posting then alone, the bad one refused", async () => {
    // A refusal no check of the process foresees, raised by the database as it writes one entry.
    await t.admin.query(`
      CREATE FUNCTION test_refuse_entry() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by the test' USING ERRCODE = 'check_violation'; END $$;
      CREATE TRIGGER test_refuse_entry BEFORE INSERT ON journal_entries FOR EACH ROW
        WHEN (NEW.memo = 'refused by the database') EXECUTE FUNCTION test_refuse_entry()`);
    try {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push((await invoice(`2026-11-2${i}`)).id);
      const bad = await createDraft(books, 'SALES_INVOICE', {
        partyId: customer,
        documentDate: '2026-11-24',
        memo: 'refused by the database',
        lines: [
          { description: 'Café', accountCode: '4101', quantity: '1', unitPrice: '10', taxCode: 'ITBMS7' },
        ],
      });
      const salesBefore = (await numbersOf('SALES_INVOICE')).length;
      const before = await t.count('close_board_changes');
      const got = await Promise.all(
        [...ids, bad.id, ...ids.slice(0, 1)].map((id, i) => outcome(postDocument(as(640 + i), id, 'SALES'))),
      );
      expect(got.map((r) => r.code ?? r.value?.status)).toEqual([
        'POSTED',
        'POSTED',
        'POSTED',
        'POSTED',
        'BAD_USER_INPUT',
        'POSTED',
      ]);
      // The group's first attempt was rolled back whole; the second posted each in a savepoint of
      // its own, in one transaction, and rolled back to it only the bad one's.
      expect((await t.count('close_board_changes')) - before).toBe(1);
      await untouched(bad.id);
      expect(got[5]?.value).toEqual(got[0]?.value);
      expect(await numbersOf('SALES_INVOICE')).toHaveLength(salesBefore + 4);
      // Each sequence of 2026 without a gap (an earlier test numbered 2027's too).
      for (const table of ["documents WHERE kind = 'SALES_INVOICE' AND", 'journal_entries WHERE']) {
        const { rows } = await t.admin.query<{ n: number }>(
          `SELECT split_part(number, '-', 3)::int AS n FROM ${table} number LIKE '%-2026-%' ORDER BY 1`,
        );
        expect(gapless(rows.map((r) => r.n))).toBe(true);
      }
      await chainIntact();
    } finally {
      await t.admin.query(
        'DROP TRIGGER test_refuse_entry ON journal_entries; DROP FUNCTION test_refuse_entry()',
      );
    }
  });
});
