import { DomainError } from '@cifra/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Books } from '../src/services/books.ts';
import { postJournalEntry } from '../src/services/post-journal-entry.service.ts';
import { voidJournalEntry } from '../src/services/void-journal-entry.service.ts';
import { actor, openTestBooks, type TestBooks } from './test-books.ts';

let t: TestBooks;
let books: Books;

beforeAll(async () => {
  t = await openTestBooks();
  books = await t.books();
});
afterAll(() => t.close());

const reason = 'Keyed twice by mistake, voiding the copy';

describe('the date of a void', () => {
  it('is never before the voided entry was posted: refused naming the field, nothing written', async () => {
    const entry = await postJournalEntry(t.db, books.company, actor, {
      postingDate: '2026-03-10',
      memo: 'Cash sale',
      lines: [
        { accountCode: '1110', debit: '12.00' },
        { accountCode: '4101', credit: '12.00' },
      ],
    });
    const entries = await t.count('journal_entries');
    const err = await voidJournalEntry(t.db, actor, { id: entry.id, reason, postingDate: '2026-03-09' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DomainError);
    expect([(err as DomainError).code, (err as DomainError).details]).toEqual([
      'BAD_USER_INPUT',
      { field: 'postingDate', postedOn: '2026-03-10' },
    ]);
    expect([await t.count('journal_entries'), await t.count('voids')]).toEqual([entries, 0]);
    // The same day is a void on the day it happened.
    await voidJournalEntry(t.db, actor, { id: entry.id, reason, postingDate: '2026-03-10' });
    expect(await t.count('voids')).toBe(1);
  });
});
