import type { Actor, PostingGroups } from '@cifra/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, postDocument } from '../src/documents/index.ts';
import type { Books } from '../src/services/books.ts';
import { createParty } from '../src/services/parties.service.ts';
import { postJournalEntry } from '../src/services/post-journal-entry.service.ts';
import { writeOffBadDebt } from '../src/write-offs/write-off.ts';
import { type GroupOptions, openTestBooks, type TestBooks, textsSentDuring } from './test-books.ts';

// Postings on their way (docs/architecture/posting.md, "Group commit"): a keyed credit application or
// write-off looks its key up before it joins its group (a manual entry read its accounts too, until
// session 51: the books' lane reads them now). Asked in one turn with documents that join at once,
// they trailed them by a round trip and formed a group of their own behind — and, their callers
// answered apart, the two cohorts kept apart (a mixed load ran in groups of 16 where each kind alone
// ran in groups of 32). A group about to start now waits for the postings on their way at that moment.

let t: TestBooks;
let customer: string;

beforeAll(async () => {
  t = await openTestBooks();
  customer = (await createParty(await t.books(), { kind: 'CUSTOMER', code: 'A1', name: 'Arrival Hotel' })).id;
});
afterAll(() => t.close());

/** Books on a pool of their own (`max` connections), whose groups report their sizes. */
async function groupedBooks(
  max = 8,
  options: GroupOptions = {},
): Promise<{ books: Books; groups: PostingGroups; sizes: number[] }> {
  const sizes: number[] = [];
  const { db, groups } = t.grouped({ ...options, max, onGroup: (size) => sizes.push(size) });
  return { books: { ...(await t.books()), db }, groups, sizes };
}

const author = (i: number): Actor => ({
  userId: `33333333-3333-4333-8333-${String(i).padStart(12, '0')}`,
  email: `arrival${i}@test.invalid`,
  requestId: `arrival-${i}`,
});

const invoiceDrafts = async (books: Books, n: number) => {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = await createDraft(books, 'SALES_INVOICE', {
      partyId: customer,
      documentDate: '2026-06-10',
      lines: [{ accountCode: '4102', quantity: '1', unitPrice: `${10 + i}`, taxCode: 'EXENTO' }],
    });
    ids.push(d.id);
  }
  return ids;
};

const entry = (books: Books, i: number, accountCode = '1110') =>
  postJournalEntry(books.db, books.company, author(i), {
    postingDate: '2026-06-15',
    memo: `arrival ${i}`,
    lines: [
      { accountCode, debit: '10.00' },
      { accountCode: '4101', credit: '10.00' },
    ],
  });

const settled = (p: Promise<unknown>): Promise<{ ok: boolean; value?: unknown; error?: unknown }> =>
  p.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );

describe('postings on their way to a group', () => {
  it('joins the entries, which read nothing before they join, to the invoices asked in the same turn: one group', async () => {
    const { books, sizes } = await groupedBooks();
    const invoices = await invoiceDrafts(books, 6);
    for (const round of [0, 1, 2]) {
      const asked = [
        ...invoices.slice(round * 2, round * 2 + 2).map((id) => postDocument(books, id, 'SALES')),
        ...[0, 1, 2, 3].map((i) => entry(books, round * 10 + i)),
      ];
      const done = await Promise.all(asked.map(settled));
      expect(done.every((d) => d.ok)).toBe(true);
    }
    expect(sizes).toEqual([6, 6, 6]);
  });

  it("reads the entries' accounts with the invoices' drafts, and refuses alone one naming an unknown account", async () => {
    const hostile = "9'); SELECT 1; --";
    const { books, sizes } = await groupedBooks();
    const invoices = await invoiceDrafts(books, 3);
    const { texts, result: done } = await textsSentDuring(() =>
      Promise.all(
        [
          ...invoices.map((id) => postDocument(books, id, 'SALES')),
          entry(books, 40),
          entry(books, 41, hostile),
        ].map(settled),
      ),
    );
    expect(done.map((d) => d.ok)).toEqual([true, true, true, true, false]);
    expect((done[4]?.error as { details?: unknown } | undefined)?.details).toEqual({
      field: 'lines[0].accountCode',
    });
    expect(sizes).toEqual([5]);
    // One round trip: the accounts (their codes inlined as escaped literals) ride with the drafts' read.
    const reads = texts.filter((q) => q.includes('cifra_accounts_by_code('));
    expect(reads).toHaveLength(1);
    expect(reads[0]).toContain("'9''); SELECT 1; --'");
    expect(reads[0]).toContain('cifra_draft_allocations_of(');
  });

  it('reads a group of entries’ accounts in the round trip that begins it and holds their periods: three round trips', async () => {
    const { books, sizes } = await groupedBooks();
    const { texts, result: done } = await textsSentDuring(() =>
      Promise.all([70, 71, 72].map((i) => settled(entry(books, i)))),
    );
    expect(done.every((d) => d.ok)).toBe(true);
    expect(sizes).toEqual([3]);
    // BEGIN rides with the first statement (lazyBegin): never sent alone.
    expect(texts.filter((q) => /^begin$/i.test(q))).toEqual([]);
    const start = texts.findIndex((q) => q.startsWith('BEGIN;'));
    const group = texts.slice(start, texts.indexOf('commit') + 1);
    expect(group).toHaveLength(3);
    expect(group[0]).toContain('cifra_accounts_by_code(');
    expect(group[0]?.indexOf('cifra_accounts_by_code(')).toBeLessThan(
      group[0]?.indexOf('cifra_held_posting_books') ?? -1,
    );
    expect(group[1]).toContain('cifra_post_entries_as');
  });

  it('starts without the one that gives up on its way (a keyed write-off answered from its key), the rest posted', async () => {
    const { books, sizes } = await groupedBooks();
    const [owed, ...invoices] = await invoiceDrafts(books, 4);
    await postDocument(books, owed as string, 'SALES');
    const writeOff = () =>
      writeOffBadDebt(books, {
        invoiceId: owed as string,
        documentDate: '2026-06-20',
        reason: 'The customer has closed',
        idempotencyKey: 'arrival-write-off',
      });
    const first = await writeOff();
    sizes.length = 0;
    const done = await Promise.all(
      [...invoices.map((id) => postDocument(books, id, 'SALES')), writeOff()].map(settled),
    );
    expect(done.map((d) => d.ok)).toEqual([true, true, true, true]);
    expect((done[3]?.value as { id: string } | undefined)?.id).toBe(first.id);
    expect(sizes).toEqual([3]);
  });

  it('waits only for those on their way when the group is about to start, not for any setting out later', async () => {
    const { books, groups } = await groupedBooks();
    const early = groups.setOut();
    const queued = settled(groups.run(author(50), async () => 'posted'));
    // The group about to start waits for `early`, its posting still queued; one that sets out now
    // is not waited for.
    await new Promise((resolve) => setImmediate(resolve));
    expect(groups.waiting).toBe(1);
    const late = groups.setOut();
    early.arrived();
    expect(await queued).toEqual({ ok: true, value: 'posted' });
    late.arrived();
    // A posting that never arrives is marked so once: twice is harmless.
    late.arrived();
    expect(await entry(books, 51)).toMatchObject({ number: expect.stringMatching(/^JE-2026-/) });
  });

  it('waits holding no connection: a keyed write-off setting out while a group commits reads on the pool’s only one', async () => {
    let onItsWay: Promise<unknown> | undefined;
    let write: (() => Promise<unknown>) | undefined;
    const { books, sizes } = await groupedBooks(1, {
      maxSize: 2,
      // While the first group holds the pool's only connection (kept for the invoice queued behind
      // it), a keyed write-off sets out: its key can only be looked up once that connection is given back.
      beforeCommit: async () => {
        if (write) onItsWay ??= settled(write());
      },
    });
    const [owed, ...invoices] = await invoiceDrafts(books, 4);
    await postDocument(books, owed as string, 'SALES');
    sizes.length = 0;
    write = () =>
      writeOffBadDebt(books, {
        invoiceId: owed as string,
        documentDate: '2026-06-20',
        reason: 'The customer has closed',
        idempotencyKey: 'arrival-on-the-last-connection',
      });
    const done = await Promise.all(invoices.map((id) => settled(postDocument(books, id, 'SALES'))));
    expect(done.every((d) => d.ok)).toBe(true);
    expect(await onItsWay).toMatchObject({ ok: true });
    // The write-off joined the invoice queued behind the first group.
    expect(sizes).toEqual([2, 2]);
  });
});
