import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCredit } from '../src/documents/apply-credit.ts';
import { createDraft, type DocumentRow, postDocument } from '../src/documents/index.ts';
import type { Books } from '../src/services/books.ts';
import { postJournalEntry } from '../src/services/post-journal-entry.service.ts';
import { writeOffBadDebt } from '../src/write-offs/index.ts';
import {
  as,
  callsInOneGroup,
  chainIntact,
  closeSettlementBooks,
  customer,
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
  t,
  transactions,
} from './settlement-books.ts';
import { askedWhileBusy } from './test-books.ts';

// One lane for every kind (docs/architecture/posting.md, "One lane for every kind"): the manual
// entries, documents, credit applications and write-offs of one group are read and checked kind by
// kind, then written together — one call for every entry, one for every document. What it writes
// must be what each posting writes alone; what one kind posts, settles or uses, a later kind must
// not touch in the same group (it is handed back and sees it). A "plug" holds the group in flight
// until all its postings wait behind it.

beforeAll(openSettlementBooks);
afterAll(closeSettlementBooks);

const REASON = 'The customer has closed';
type Call = (books: Books) => Promise<unknown>;

const entry = (memo: string, date = '2026-05-12'): Call => {
  return (b) =>
    postJournalEntry(b.db, b.company, b.actor, {
      postingDate: date,
      memo,
      lines: [
        { accountCode: '1110', debit: '12.34' },
        { accountCode: '4101', credit: '12.34' },
      ],
    });
};
const draftInvoice = () =>
  createDraft(grouped, 'SALES_INVOICE', {
    partyId: customer,
    documentDate: '2026-05-05',
    lines: [{ accountCode: '4101', quantity: '1', unitPrice: '30', taxCode: 'ITBMS7' }],
  });
const credit = async (amount: string) =>
  postDocument(grouped, (await money('CUSTOMER_RECEIPT', amount, [])).id, 'PAYMENT');
const application = (creditId: string, invoiceId: string, amount: string): Call => {
  return (b) =>
    applyCredit(b, 'CUSTOMER_CREDIT_APPLICATION', { creditId, invoiceId, amount, date: '2026-05-13' });
};
const writeOff = (invoiceId: string, documentDate = '2026-05-13'): Call => {
  return (b) => writeOffBadDebt(b, { invoiceId, documentDate, reason: REASON });
};

/** One posting of each kind, each on invoices and credits of its own. */
async function scenario() {
  const invoices = [await invoice('30'), await invoice('30'), await invoice('30')];
  const [i0, i1, i2] = invoices as [DocumentRow, DocumentRow, DocumentRow];
  const c = await credit('40.00');
  const draft = await draftInvoice();
  const receipt = await money('CUSTOMER_RECEIPT', '20.00', [{ invoice: i0, amount: '20.00' }]);
  const calls: Call[] = [
    entry('one lane'),
    (b) => postDocument(b, draft.id, 'SALES'), // #1 an invoice
    (b) => postDocument(b, receipt.id, 'PAYMENT'), // #2 20.00 of #0
    application(c.id, i1.id, '15.00'), // #3 15.00 of #1
    writeOff(i2.id), // #4 all of #2
  ];
  return { invoices: [...invoices, c], calls };
}

const statuses = (results: readonly { value?: unknown; code?: string }[]) =>
  results.map((r) => r.code ?? (r.value as { status?: string }).status ?? 'POSTED');
const docsOf = (results: readonly { value?: unknown }[]) => results.map((r) => r.value as DocumentRow);

const writeOffs = () => t.count('documents', `kind = 'BAD_DEBT_WRITE_OFF'`);

/**
 * `refused`, a write-off the write-offs' pass refuses (`code`), in one group with a manual entry, an
 * invoice and a write-off that post (authors from `first`). No draft of it is left: one write-off
 * more, the one posted; one transaction for the group, whose three postings the lane wrote together
 * (their entries' events, then their documents'). Answers the other write-off's invoice, the posted
 * draft and the write-offs counted before.
 */
async function besideRefusedWriteOff(refused: Call, code: string, memo: string, first: number) {
  const i1 = await invoice('30');
  const draft = await draftInvoice();
  const [drafts, before] = [await writeOffs(), await transactions()];
  const calls: Call[] = [entry(memo), (b) => postDocument(b, draft.id, 'SALES'), refused, writeOff(i1.id)];
  const results = await callsInOneGroup(calls.length, (i) => (calls[i] as Call)(as(grouped, first + i)));
  expect(statuses(results)).toEqual(['POSTED', 'POSTED', code, 'POSTED']);
  expect(await writeOffs()).toBe(drafts + 1);
  expect(await transactions()).toBe(before + 1);
  expect((await eventsBy(first, [0, 1, 3])).map((e) => e.action)).toEqual([
    ...Array(3).fill('journal_entry.posted'),
    ...Array(2).fill('document.posted'),
  ]);
  return { i1, draft, drafts };
}

describe('one lane for every kind: a mix of kinds in one group', () => {
  it('writes what each posting writes alone, every entry in one call and every document in another', async () => {
    const a = await scenario();
    const before = await transactions();
    const { busy, result: together } = await askedWhileBusy(() =>
      callsInOneGroup(a.calls.length, (i) => (a.calls[i] as Call)(as(grouped, 1500 + i))),
    );
    expect(statuses(together)).toEqual(Array(5).fill('POSTED'));
    // Its round trips one after another: nothing asked of a connection while it was answering another.
    expect(busy).toEqual([]);
    expect(await transactions()).toBe(before + 1);
    // One lane: the five entries' events, then the four documents' — each kind's lane of its own
    // would have recorded its entries' and documents' events kind after kind.
    const events = await eventsBy(1500, [0, 1, 2, 3, 4]);
    expect(events.map((e) => e.action)).toEqual([
      ...Array(5).fill('journal_entry.posted'),
      ...Array(4).fill('document.posted'),
    ]);
    // The application and the write-off were drafted by the group: their versions name their authors.
    await expectOwnAuthors(
      docsOf(together.slice(3)).map((value) => ({ value })),
      1503,
    );

    const b = await scenario();
    const alone: { value?: unknown; code?: string }[] = [];
    for (const [i, call] of b.calls.entries()) alone.push(await outcome(call(as(lone, 1520 + i))));
    expect(statuses(alone)).toEqual(Array(5).fill('POSTED'));
    const facts = await factsOf(docsOf(together.slice(1)), a.invoices);
    expect(facts).toEqual(await factsOf(docsOf(alone.slice(1)), b.invoices));
    // Each document's event names its own number and its entry's, which the database added.
    expect(facts.map((f) => f.names_its_numbers)).toEqual(Array(4).fill(true));
    // Each entry's idempotency hash is that of the entry written (made as the posting was staged).
    expect(facts.map((f) => f.hash_is_its_entrys)).toEqual(Array(4).fill(true));
    // What stays open: 32.10 less 20.00 received, less 15.00 applied, nothing of the one written off.
    expect(await openOf(a.invoices.slice(0, 3))).toEqual(['1210', '1710', '0']);
    expect(await openOf(b.invoices.slice(0, 3))).toEqual(['1210', '1710', '0']);
    const lines = async (results: typeof together) =>
      (
        await t.admin.query(
          `SELECT a.code, l.amount_minor::text AS amount FROM gl_lines l JOIN accounts a ON a.id = l.account_id
            WHERE l.entry_id = $1 ORDER BY l.line_number`,
          [(results[0] as { value: { id: string } }).value.id],
        )
      ).rows;
    expect(await lines(together)).toEqual(await lines(alone));
    await chainIntact();
  });

  it('hands back what touches what an earlier kind posts, settles or uses, and it sees it after', async () => {
    const x = await invoice('30'); // 32.10, written off in full by the group
    const [c1, c2] = [await credit('40.00'), await credit('40.00')];
    const draft = await draftInvoice(); // 32.10, posted by the group
    const receipt = await money('CUSTOMER_RECEIPT', '10.00', [{ invoice: x, amount: '10.00' }]);
    const before = await transactions();
    const calls: Call[] = [
      application(c1.id, x.id, '5.00'), // X written off by the group: refused after it
      (b) => postDocument(b, receipt.id, 'PAYMENT'), // likewise
      writeOff(x.id),
      (b) => postDocument(b, draft.id, 'SALES'),
      application(c2.id, draft.id, '12.00'), // on the invoice the group posts: posted after it
    ];
    const results = await callsInOneGroup(calls.length, (i) => (calls[i] as Call)(as(grouped, 1540 + i)));
    expect(statuses(results)).toEqual(['OVER_ALLOCATION', 'OVER_ALLOCATION', 'POSTED', 'POSTED', 'POSTED']);
    // Nothing settled twice; the group, then the application handed back, each one transaction.
    expect(await openOf([x, draft])).toEqual(['0', '2010']);
    expect(await transactions()).toBe(before + 2);
    expect((await eventsBy(1540, [2, 3])).map((e) => e.action)).toEqual(laneEvents(2));
    expect((await eventsBy(1540, [0, 1])).length).toBe(0);
    await chainIntact();
  });

  it('refuses a write-off in a closed period before drafting it: the rest of the group posts together', async () => {
    const i0 = await invoice('30');
    await t.admin.query(`UPDATE posting_periods SET state = 'LOCKED' WHERE year = 2026 AND month = 9`);
    const { i1, draft } = await besideRefusedWriteOff(
      writeOff(i0.id, '2026-09-02'), // a closed period
      'PERIOD_LOCKED',
      'beside a refused write-off',
      1560,
    );
    expect(await openOf([i0, i1, draft])).toEqual(['3210', '0', '3210']);
    await chainIntact();
  });

  it('refuses a write-off of a foreign invoice with no rate in force before drafting it: the rest posts together', async () => {
    const i0 = await invoice('100', '2026-05-10', euro); // EUR rates to 12 May only
    let refused: unknown;
    const keep = (error: unknown) => {
      refused = error;
      throw error;
    };
    const { i1, drafts } = await besideRefusedWriteOff(
      (b) => writeOff(i0.id, '2026-07-15')(b).catch(keep), // no EUR rate within 7 days
      'RATE_NOT_AVAILABLE',
      'beside a write-off without a rate',
      1580,
    );
    expect(await openOf([i0, i1])).toEqual(['10700', '0']);
    // The refusal is the one a lone write-off's posting gives, and it too leaves nothing.
    const alone = await writeOffBadDebt(lone, {
      invoiceId: i0.id,
      documentDate: '2026-07-15',
      reason: REASON,
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toEqual(alone);
    expect(await writeOffs()).toBe(drafts + 1);
    await chainIntact();
  });
});
