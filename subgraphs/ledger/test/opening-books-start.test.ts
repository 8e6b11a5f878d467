import { translateDbError } from '@cifra/db';
import type { DomainError } from '@cifra/domain';
import { type Company, loadCompany, pendingReversals, postDueReversals } from '@cifra/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, postDocument, voidDocument } from '../src/documents/index.ts';
import { importOpeningBalances, voidOpeningBalances } from '../src/opening/index.ts';
import { runRecurringEntries } from '../src/recurring/run.ts';
import { createRecurringTemplate } from '../src/recurring/templates.ts';
import type { Books } from '../src/services/books.ts';
import { approveJournalEntry, createJournalEntryDraft } from '../src/services/journal-drafts.service.ts';
import { createParty } from '../src/services/parties.service.ts';
import { postJournalEntries } from '../src/services/post-journal-entries.service.ts';
import { type PostJournalEntryInput, postJournalEntry } from '../src/services/post-journal-entry.service.ts';
import { voidJournalEntry } from '../src/services/void-journal-entry.service.ts';
import { writeOffBadDebt } from '../src/write-offs/index.ts';
import { actor, openTestBooks, plug, refusal, type TestBooks } from './test-books.ts';

// While a live opening balance import exists, the books start on its opening date: every posting
// dated before it is refused (BEFORE_OPENING_BALANCES), by whichever path it comes — a manual entry
// alone or in a group, an approved draft, a document alone or in the documents' lane, a void, an
// accrual's scheduled reversal — and by the database for any other writer; a recurring template
// neither starts nor runs before it (docs/architecture/opening-balances.md, "The books start
// there"; a run the import lands in: recurring-books-start.test.ts).

let t: TestBooks;
let books: Books;
let company: Company;
let customer: string;
let importId: string;
const OPENING = '2026-07-01';
const reason = 'The books start on the opening balances in July';
const checker = { ...actor, userId: '33333333-3333-4333-8333-333333333333', email: 'checker@test.invalid' };

const entry = (postingDate: string, over: Partial<PostJournalEntryInput> = {}): PostJournalEntryInput => ({
  postingDate,
  memo: `entry of ${postingDate}`,
  lines: [
    { accountCode: '6201', debit: '10.00' },
    { accountCode: '1110', credit: '10.00' },
  ],
  ...over,
});

/** What a refused posting could have written. */
const footprint = async () => ({
  entries: await t.count('journal_entries'),
  lines: await t.count('gl_lines'),
  voids: await t.count('voids'),
  posted: await t.count('documents', "status = 'POSTED'"),
  events: await t.count('audit_events'),
});

function expectBeforeOpening(err: DomainError, postingDate: string, field = 'postingDate') {
  expect(err.code).toBe('BEFORE_OPENING_BALANCES');
  expect(err.details).toMatchObject({ openingDate: OPENING, postingDate, field });
}

let voidable: string;
let accrual: string;
let juneInvoice: string;
let rent: string;

beforeAll(async () => {
  t = await openTestBooks();
  books = await t.books();
  company = await loadCompany(t.db);
  customer = (await createParty(books, { kind: 'CUSTOMER', code: 'BS1', name: 'Hotel Inicio' })).id;
  // Activity before the opening date that nets to nothing on every account, so the import is
  // accepted: an entry and its offset, and an accrual offset before its reversal is due.
  voidable = (await postJournalEntry(t.db, company, actor, entry('2026-06-10'))).id;
  await postJournalEntry(
    t.db,
    company,
    actor,
    entry('2026-06-11', {
      lines: [
        { accountCode: '1110', debit: '10.00' },
        { accountCode: '6201', credit: '10.00' },
      ],
    }),
  );
  accrual = (
    await postJournalEntry(t.db, company, actor, {
      ...entry('2026-06-25'),
      autoReverse: true,
      reverseOn: '2026-06-30',
      lines: [
        { accountCode: '6201', debit: '30.00' },
        { accountCode: '2401', credit: '30.00' },
      ],
    })
  ).id;
  await postJournalEntry(t.db, company, actor, {
    ...entry('2026-06-26'),
    lines: [
      { accountCode: '2401', debit: '30.00' },
      { accountCode: '6201', credit: '30.00' },
    ],
  });
  // An invoice before it, netted by a manual entry naming its customer on the receivable.
  const draft = await createDraft(books, 'SALES_INVOICE', {
    partyId: customer,
    documentDate: '2026-06-05',
    lines: [{ description: 'Junio', accountCode: '4101', quantity: '1', unitPrice: '80', taxCode: 'EXENTO' }],
  });
  juneInvoice = (await postDocument(books, draft.id, 'SALES')).id;
  await postJournalEntry(t.db, company, actor, {
    ...entry('2026-06-06'),
    lines: [
      { accountCode: '4101', debit: '80.00' },
      { accountCode: '1201', credit: '80.00', partyId: customer },
    ],
  });
  // A recurring template written while the books started in January, before the import.
  rent = (
    await createRecurringTemplate(t.db, company, actor, {
      name: 'Alquiler',
      frequency: 'MONTHLY',
      dayOfMonth: 28,
      startDate: '2026-06-01',
      endDate: null,
      lines: [
        { accountCode: '6201', debit: '15.00' },
        { accountCode: '2401', credit: '15.00' },
      ],
    })
  ).id;
  const outcome = await importOpeningBalances(books, {
    openingDate: OPENING,
    trialBalance: [
      { accountCode: '1110', debit: '500.00' },
      { accountCode: '3101', credit: '500.00' },
    ],
  });
  if (!outcome.imported) throw new Error(`not imported: ${JSON.stringify(outcome.problems)}`);
  importId = outcome.imported.id;
});
afterAll(() => t.close());

describe('a posting dated before a live import’s opening date', () => {
  it('is refused as a manual entry in a group, alone, while the group’s other entries post', async () => {
    const { db, groups } = t.grouped();
    const before = await footprint();
    const held = await plug(groups, 2);
    const [early, later] = await Promise.allSettled([
      postJournalEntry(db, company, actor, entry('2026-06-15')),
      postJournalEntry(db, company, actor, entry('2026-07-15')),
    ]);
    await held.done;
    expect(early.status).toBe('rejected');
    expectBeforeOpening((early as PromiseRejectedResult).reason, '2026-06-15');
    expect(later.status).toBe('fulfilled');
    const after = await footprint();
    expect(after.entries).toBe(before.entries + 1);
  });

  it('is refused by the bulk path and by an approved draft, nothing written', async () => {
    const before = await footprint();
    const bulk = await refusal(
      postJournalEntries(t.db, company, actor, [entry('2026-07-02'), entry('2026-06-30')]),
    );
    // A bulk import names the entry refused.
    expectBeforeOpening(bulk, '2026-06-30', 'input[1].postingDate');
    expect(bulk.details.index).toBe(1);
    const draft = await createJournalEntryDraft(t.db, company, actor, entry('2026-01-20'));
    expectBeforeOpening(await refusal(approveJournalEntry(t.db, company, checker, draft.id)), '2026-01-20');
    expect({ ...(await footprint()), events: 0 }).toEqual({ ...before, events: 0 });
  });

  it('is refused as a write-off in the books’ lane, alone, the group posted by the lane in one go', async () => {
    const { db, groups } = t.grouped();
    const before = await footprint();
    const held = await plug(groups, 3);
    const [writeOff, ...later] = await Promise.allSettled([
      writeOffBadDebt({ ...books, db }, { invoiceId: juneInvoice, documentDate: '2026-06-25', reason }),
      postJournalEntry(db, company, actor, entry('2026-07-16')),
      postJournalEntry(db, company, actor, entry('2026-07-17')),
    ]);
    await held.done;
    expect(writeOff.status).toBe('rejected');
    expectBeforeOpening((writeOff as PromiseRejectedResult).reason, '2026-06-25');
    expect(later.map((p) => p.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(await footprint()).toMatchObject({ entries: before.entries + 2, posted: before.posted });
    // Refused before it was drafted, so the lane did not fail (and the group run again, each posting
    // on its own, each marking its own recorded time): the lane posted both entries at one instant.
    const ids = later.map((p) => (p as PromiseFulfilledResult<{ id: string }>).value.id);
    const { rows } = await t.admin.query(
      'SELECT DISTINCT actual_posting_date FROM journal_entries WHERE id = ANY ($1::uuid[])',
      [ids],
    );
    expect(rows).toHaveLength(1);
  });

  it('is refused as a document, in the documents’ lane and alone', async () => {
    const invoice = (documentDate: string) =>
      createDraft(books, 'SALES_INVOICE', {
        partyId: customer,
        documentDate,
        lines: [
          { description: 'Noche', accountCode: '4101', quantity: '1', unitPrice: '80', taxCode: 'EXENTO' },
        ],
      });
    const grouped = await invoice('2026-06-20');
    const before = await footprint();
    expectBeforeOpening(await refusal(postDocument(books, grouped.id, 'SALES')), '2026-06-20');
    const { db } = t.grouped({ alone: true });
    const lone = await invoice('2026-05-20');
    expectBeforeOpening(await refusal(postDocument({ ...books, db }, lone.id, 'SALES')), '2026-05-20');
    expect(await footprint()).toMatchObject({ entries: before.entries, posted: before.posted });
    // On or after the opening date it posts.
    expect((await postDocument(books, (await invoice('2026-07-03')).id, 'SALES')).status).toBe('POSTED');
    // An invoice posted before the import is voided on or after the opening date, not before it.
    expectBeforeOpening(
      await refusal(voidDocument(books, juneInvoice, 'SALES', reason, '2026-06-20')),
      '2026-06-20',
      'voidDate',
    );
    expect(await footprint()).toMatchObject({ voids: before.voids });
    await voidDocument(books, juneInvoice, 'SALES', reason, '2026-07-01');
    expect(await t.count('voids')).toBe(before.voids + 1);
  });

  it('is refused as the void of an entry before the opening date, unless the void is dated after it', async () => {
    const before = await footprint();
    // By default a void is dated as its entry.
    expectBeforeOpening(await refusal(voidJournalEntry(t.db, actor, { id: voidable, reason })), '2026-06-10');
    expect(await footprint()).toMatchObject({ entries: before.entries, voids: before.voids });
    await voidJournalEntry(t.db, actor, { id: voidable, reason, postingDate: '2026-07-05' });
    expect(await t.count('voids')).toBe(before.voids + 1);
  });

  it('is no recurring template’s start, and a template written before the import runs from it', async () => {
    const before = await footprint();
    const err = await refusal(
      createRecurringTemplate(t.db, company, actor, {
        name: 'Alquiler de junio',
        frequency: 'MONTHLY',
        dayOfMonth: 28,
        startDate: '2026-06-01',
        endDate: null,
        lines: [
          { accountCode: '6201', debit: '15.00' },
          { accountCode: '2401', credit: '15.00' },
        ],
      }),
    );
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.details).toMatchObject({ field: 'startDate', booksStart: OPENING, openingDate: OPENING });
    expect(await footprint()).toEqual(before);
    // June, before the opening date, is not tried (nor refused on every run): July is made.
    const run = await runRecurringEntries(t.db, company, actor, { asOf: '2026-07-31', autoPost: false });
    const mine = (rows: typeof run.made) => rows.filter((r) => r.templateId === rent);
    expect(mine(run.refused)).toEqual([]);
    expect(mine(run.made).map((r) => r.occurrenceDate)).toEqual(['2026-07-28']);
  });

  it('is not where an accrual’s scheduled reversal is tried: settled, not pending, nor refused on every run', async () => {
    // Due on 30 June, before the books start: the books refuse it whatever happens, so no run tries
    // it and the month's checklist does not wait for it — as for a recurring date before them.
    const before = await footprint();
    for (const _ of [1, 2])
      expect(await postDueReversals(t.db, actor, '2026-07-31')).toEqual({ posted: [], refused: [] });
    expect(await pendingReversals(t.db, { to: '2026-07-31' })).toEqual([]);
    expect(await footprint()).toEqual(before);
  });

  it('is refused by the database to a writer that goes around the engine', async () => {
    const client = await t.appPool.connect();
    const before = await footprint();
    try {
      await client.query('BEGIN');
      const err = await client
        .query(
          `WITH p AS (SELECT id, fiscal_year FROM posting_periods WHERE start_date = '2026-06-01'),
                e AS (INSERT INTO journal_entries (id, number, fiscal_year, period_id, posting_date, source_kind, memo, posted_by)
                      SELECT gen_random_uuid(), 'JE-BYPASS-1', p.fiscal_year, p.id, '2026-06-15', 'MANUAL', 'around the engine', $1
                        FROM p RETURNING id)
           INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor, original_currency,
                                 original_amount_minor)
           SELECT e.id, n, a.id, '2026-06-15', amount, 'PAB', amount
             FROM e, (VALUES (1, '6201', 1000), (2, '1110', -1000)) v(n, code, amount)
             JOIN accounts a ON a.code = v.code`,
          [actor.userId],
        )
        .then(
          () => client.query('COMMIT').then(() => null),
          (e: unknown) => e,
        );
      expect(translateDbError(err)?.code).toBe('BEFORE_OPENING_BALANCES');
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
    expect(await footprint()).toMatchObject({ entries: before.entries, lines: before.lines });
  });

  it('is accepted again once the import is voided', async () => {
    await voidOpeningBalances(books, importId, reason);
    const posted = await postJournalEntry(t.db, company, actor, entry('2026-06-15'));
    expect(posted.postingDate).toBe('2026-06-15');
    // The accrual's reversal of 30 June is due again.
    expect((await pendingReversals(t.db, { to: '2026-07-31' })).map((p) => [p.entryId, p.reverseOn])).toEqual(
      [[accrual, '2026-06-30']],
    );
  });
});
