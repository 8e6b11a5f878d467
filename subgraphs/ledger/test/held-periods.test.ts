import { holdPeriodsAndKeys, postEntriesEach } from '@cifra/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJournalEntry } from '../src/services/post-journal-entry.service.ts';
import { actor, openTestBooks, type TestBooks } from './test-books.ts';

// The group commit's first round trip (docs/architecture/posting.md, "Group commit"): the periods'
// gates held, the periods (and the books' start) read after them, and the idempotency keys used
// before, in one statement (cifra_held_posting_periods, tenant migration 0038; with the books' start,
// cifra_held_posting_books, 0049). The lone path takes the same round trip.

let t: TestBooks;

beforeAll(async () => {
  t = await openTestBooks();
  await postJournalEntry(t.db, (await t.books()).company, actor, {
    postingDate: '2026-03-10',
    memo: 'first',
    idempotencyKey: 'held-1',
    lines: [
      { accountCode: '1110', debit: '5.00' },
      { accountCode: '4101', credit: '5.00' },
    ],
  });
});
afterAll(() => t.close());

describe('holdPeriodsAndKeys', () => {
  it('answers the period of each date and only the keys an entry carries', async () => {
    const held = await t.db.transaction((tx) =>
      // 1999: before the tests' books begin, a date no period covers.
      holdPeriodsAndKeys(tx, ['2026-05-31', '2026-03-10', '2026-05-01', '1999-12-31'], ['held-1', 'held-2']),
    );
    expect([...held.periods.keys()].sort()).toEqual(['2026-03-10', '2026-05-01', '2026-05-31']);
    expect(held.periods.get('2026-03-10')).toMatchObject({ year: 2026, month: 3, state: 'UNLOCKED' });
    expect(held.periods.get('2026-05-01')?.id).toBe(held.periods.get('2026-05-31')?.id);
    expect(held.periods.get('2026-05-01')).toMatchObject({
      fiscalYear: 2026,
      periodNumber: 5,
      startDate: '2026-05-01',
      endDate: '2026-05-31',
    });
    expect(held.taken).toEqual(['held-1']);
    expect(held.booksStart).toBeNull();
  });

  it('reads a period after its gate: a transition holding it is seen in its new state', async () => {
    const transition = await t.admin.connect();
    try {
      await transition.query('BEGIN');
      await transition.query(
        `SELECT cifra_hold_periods(ARRAY(SELECT id FROM posting_periods WHERE year = 2026 AND month = 4), true)`,
      );
      // The periods' own transition guard is bypassed for this set-up only (this transaction).
      await transition.query('SET LOCAL session_replication_role = replica');
      await transition.query(`UPDATE posting_periods SET state = 'LOCKED' WHERE year = 2026 AND month = 4`);
      const waiting = t.db.transaction((tx) => holdPeriodsAndKeys(tx, ['2026-04-15'], []));
      // Commit only once the posting's statement has started and waits at the gate (its snapshot,
      // taken before, still shows April UNLOCKED): what it then reads must be the committed state.
      while (
        (
          await t.admin.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' AND query LIKE '%cifra_held_posting_books%'`,
          )
        ).rows[0].n === 0
      ) {
        await new Promise((r) => setTimeout(r, 10));
      }
      await transition.query('COMMIT');
      const held = await waiting;
      expect(held.periods.get('2026-04-15')?.state).toBe('LOCKED');
    } finally {
      transition.release();
    }
  });

  it('lets postEntriesEach take periods asked earlier only when they cover its postings', async () => {
    const posting = (date: string, key: string) => ({
      actor,
      request: {
        kind: 'MANUAL' as const,
        postingDate: date,
        memo: key,
        idempotencyKey: key,
        lines: [
          {
            accountId: '00000000-0000-4000-8000-000000000001',
            amountMinor: 100n,
            originalCurrency: 'PAB',
            originalAmountMinor: 100n,
          },
          {
            accountId: '00000000-0000-4000-8000-000000000002',
            amountMinor: -100n,
            originalCurrency: 'PAB',
            originalAmountMinor: -100n,
          },
        ],
      },
    });
    // Held for March and one key: a posting of June, or of March under another key, is not covered.
    for (const p of [posting('2026-06-10', 'held-3'), posting('2026-03-12', 'held-4')]) {
      await expect(
        t.db.transaction((tx) =>
          postEntriesEach(tx, [p], holdPeriodsAndKeys(tx, ['2026-03-12'], ['held-3'])),
        ),
      ).rejects.toThrow(/do not cover/);
    }
    expect(await t.count('journal_entries', "idempotency_key IN ('held-3', 'held-4')")).toBe(0);
  });
});
