import { DomainError } from '@cifra/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Books } from '../src/services/books.ts';
import {
  encodeEntryCursor,
  type JournalEntryFilter,
  listJournalEntries,
} from '../src/services/list-journal-entries.service.ts';
import { postJournalEntry } from '../src/services/post-journal-entry.service.ts';
import { voidJournalEntry } from '../src/services/void-journal-entry.service.ts';
import { actor, openTestBooks, type TestBooks } from './test-books.ts';

let t: TestBooks;
let books: Books;
let voidedId: string;

const post = (i: number, date: string, memo: string, revenue = '4101') =>
  postJournalEntry(t.db, books.company, actor, {
    postingDate: date,
    memo,
    lines: [
      { accountCode: '1110', debit: `${i}.00` },
      { accountCode: revenue, credit: `${i}.00` },
    ],
  });

/** Every entry id in the order the connection must give, as the owner sees the table. */
async function expectedOrder(where = 'true'): Promise<string[]> {
  const { rows } = await t.admin.query(
    `SELECT id FROM journal_entries je WHERE ${where} ORDER BY posting_date DESC, number DESC`,
  );
  return rows.map((r) => r.id);
}

async function walk(first: number, filter: JournalEntryFilter = {}): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 100; guard += 1) {
    const page = await listJournalEntries(t.db, { filter, first, after });
    ids.push(...page.edges.map((e) => e.node.id));
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    if (!page.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor;
  }
  throw new Error('the connection never ended');
}

beforeAll(async () => {
  t = await openTestBooks();
  books = await t.books();
  // 14 entries over five dates (several on one date, so the number decides), one of them voided
  // (which adds a 15th, its reversal), and two sales of 100%_off that the search must treat literally.
  for (let i = 1; i <= 12; i += 1) {
    await post(i, `2026-02-${String(10 + (i % 5)).padStart(2, '0')}`, `Cash sale ${i}`);
  }
  await post(13, '2026-03-01', 'Promo 100%_off', '4102');
  await post(14, '2026-03-02', 'Promo 100 percent off', '4102');
  const toVoid = await post(15, '2026-02-20', 'Keyed twice by mistake');
  voidedId = toVoid.id;
  await voidJournalEntry(t.db, actor, { id: voidedId, reason: 'Duplicate of an entry already posted' });
});
afterAll(() => t.close());

describe('journalEntries as a Relay connection', () => {
  it('pages through every entry 4 at a time: newest first, number as tiebreak, none skipped or repeated', async () => {
    const all = await expectedOrder();
    expect(all).toHaveLength(16);
    const walked = await walk(4);
    expect(walked).toEqual(all);
    expect(new Set(walked).size).toBe(16);
  });

  it('keeps its place when an entry is posted between pages', async () => {
    const page1 = await listJournalEntries(t.db, { first: 3 });
    await post(16, '2026-03-05', 'Posted while paging');
    const page2 = await listJournalEntries(t.db, { first: 3, after: page1.pageInfo.endCursor });
    const seen = [...page1.edges, ...page2.edges].map((e) => e.node.id);
    expect(seen).toEqual((await expectedOrder("memo <> 'Posted while paging'")).slice(0, 6));
  });

  it('filters by posting-date range, status, source kind, memo or number text and account code', async () => {
    expect(await walk(5, { from: '2026-02-12', to: '2026-02-13' })).toEqual(
      await expectedOrder(`posting_date BETWEEN '2026-02-12' AND '2026-02-13'`),
    );
    expect(await walk(5, { status: 'VOIDED' })).toEqual([voidedId]);
    const posted = await walk(5, { status: 'POSTED' });
    expect(posted).not.toContain(voidedId);
    expect(posted).toEqual(
      await expectedOrder('NOT EXISTS (SELECT 1 FROM voids v WHERE v.entry_id = je.id)'),
    );
    const reversals = await walk(5, { sourceKind: 'REVERSAL' });
    expect(reversals).toEqual(await expectedOrder(`reverses_entry_id = '${voidedId}'`));
    expect(reversals).toHaveLength(1);
    // `%` and `_` are literal: only the first promo matches "100%_".
    const promo = await listJournalEntries(t.db, { filter: { search: '100%_' } });
    expect(promo.edges.map((e) => e.node.memo)).toEqual(['Promo 100%_off']);
    expect((await walk(5, { search: 'cash SALE 1' })).length).toBe(4); // 1, 10, 11, 12
    const byNumber = (await listJournalEntries(t.db, { first: 1 })).edges[0]!.node;
    expect((await walk(5, { search: byNumber.number })).includes(byNumber.id)).toBe(true);
    expect(await walk(5, { accountCode: '4102' })).toEqual(
      await expectedOrder(`id IN (SELECT l.entry_id FROM gl_lines l JOIN accounts a ON a.id = l.account_id
        WHERE a.code = '4102')`),
    );
    expect(await walk(5, { accountCode: '4102' })).toHaveLength(2);
    expect(await walk(5, { accountCode: 'NO-SUCH' })).toEqual([]);
  });

  it('refuses a bad first, cursor, date or filter text with BAD_USER_INPUT naming the field', async () => {
    const refusal = async (args: Parameters<typeof listJournalEntries>[1]) => {
      const err = await listJournalEntries(t.db, args).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DomainError);
      return { code: (err as DomainError).code, field: (err as DomainError).details.field };
    };
    expect(await refusal({ first: 201 })).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(await refusal({ first: -1 })).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(await refusal({ after: 'nonsense' })).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    // A documents cursor is not a journal-entries cursor.
    const foreign = Buffer.from(JSON.stringify(['2026-01-01', '2026-01-01T00:00:00.000000Z', 'x'])).toString(
      'base64url',
    );
    expect(await refusal({ after: foreign })).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(await refusal({ filter: { from: '2026-02-30' } })).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'filter.from',
    });
    // A range that ends before it starts, as every range argument refuses it (not an empty list).
    expect(await refusal({ filter: { from: '2026-12-31', to: '2026-01-01' } })).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'filter.from',
    });
    expect(
      (await listJournalEntries(t.db, { filter: { from: '2026-03-01', to: '2026-03-01' } })).edges,
    ).not.toEqual([]);
    expect(await refusal({ filter: { search: 'x'.repeat(201) } })).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'filter.search',
    });
    expect(await refusal({ filter: { accountCode: ' ' } })).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'filter.accountCode',
    });
    // A well-formed cursor past the end gives an empty last page, not an error.
    const end = await listJournalEntries(t.db, { after: encodeEntryCursor(['1900-01-01', 'JE']) });
    expect(end.edges).toEqual([]);
    expect(end.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true, endCursor: null });
  });
});
