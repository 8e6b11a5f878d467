import { fiscalYearPeriods } from '@cifra/domain';
import { type Company, loadCompany } from '@cifra/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOpeningBalances, voidOpeningBalances } from '../src/opening/index.ts';
import type { Books } from '../src/services/books.ts';
import { postJournalEntries } from '../src/services/post-journal-entries.service.ts';
import { postJournalEntry } from '../src/services/post-journal-entry.service.ts';
import { voidJournalEntry } from '../src/services/void-journal-entry.service.ts';
import { actor, codeOf, openTestBooks, type TestBooks } from './test-books.ts';

// An opening balance import and a posting dated before its opening date, started at the same
// moment, never both land (docs/architecture/opening-balances.md, "The books start there"). Staged,
// not timed: the database's owner holds the audit chain's head, so that the first stops at its first
// audit event — after its entries are written, its period gates held — and the second is started
// once it waits; both are let go once the second waits too (at a period gate, or, were the import
// not holding them, at the audit chain's head after it has written its own entry). The posting is
// in another fiscal year than the import's entry, so that no journal number row orders the two.

let t: TestBooks;
let books: Books;
let company: Company;
const OPENING = '2026-01-01';
const reason = 'Staged race between an import and a posting';

beforeAll(async () => {
  t = await openTestBooks();
  books = await t.books();
  company = await loadCompany(t.db);
  await t.admin.query(
    "INSERT INTO fiscal_years (year, start_date, end_date) VALUES (2025, '2025-01-01', '2025-12-31')",
  );
  await insertPeriods(2025);
});
afterAll(() => t.close());

async function insertPeriods(
  year: number,
  via: { query: (q: string, v: unknown[]) => Promise<unknown> } = t.admin,
) {
  for (const p of fiscalYearPeriods(year, 1)) {
    await via.query(
      `INSERT INTO posting_periods (fiscal_year, period_number, year, month, start_date, end_date)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [p.fiscalYear, p.periodNumber, p.year, p.month, p.startDate, p.endDate],
    );
  }
}

const importing = () =>
  importOpeningBalances(books, {
    openingDate: OPENING,
    trialBalance: [
      { accountCode: '1110', debit: '100.00' },
      { accountCode: '3101', credit: '100.00' },
    ],
  });

const entry = (postingDate: string) => ({
  postingDate,
  memo: `posted on ${postingDate}`,
  lines: [
    { accountCode: '6201', debit: '10.00' },
    { accountCode: '1110', credit: '10.00' },
  ],
});
const POSTINGS = {
  grouped: (date: string) => postJournalEntry(t.db, company, actor, entry(date)).then((e) => [e]),
  alone: (date: string) => postJournalEntries(t.db, company, actor, [entry(date)]),
};

const waitingForLocks = async () =>
  (
    await t.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    )
  ).rows[0]?.n ?? 0;

/** Polled on the server's state, no timing: until `n` backends wait for a lock, or `done` holds. */
async function until(n: number, done: () => boolean): Promise<void> {
  for (let i = 0; !done() && (await waitingForLocks()) < n; i++) {
    if (i > 20_000) throw new Error(`never ${n} waiting for a lock`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function track<T>(p: Promise<T>) {
  const tracked = {
    done: false,
    outcome: p.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
  };
  void tracked.outcome.then(() => {
    tracked.done = true;
  });
  return tracked;
}

/** Runs `first` until it waits at the audit chain's head, then `second`, then lets both go. */
async function race<A, B>(first: () => Promise<A>, second: () => Promise<B>) {
  const hold = await t.admin.connect();
  try {
    await hold.query('BEGIN');
    await hold.query('SELECT 1 FROM audit_chain_head FOR UPDATE');
    const one = track(first());
    await until(1, () => one.done);
    const two = track(second());
    await until(2, () => one.done || two.done);
    await hold.query('COMMIT');
    return [await one.outcome, await two.outcome] as const;
  } finally {
    await hold.query('ROLLBACK').catch(() => undefined);
    hold.release();
  }
}

describe('an import and a posting dated before its opening date at the same moment', () => {
  for (const [path, post] of Object.entries(POSTINGS)) {
    it(`posting first (${path}): the import waits for it and finds its activity`, async () => {
      const [posted, imported] = await race(() => post('2025-12-15'), importing);
      expect('value' in posted).toBe(true);
      expect('error' in imported && codeOf(imported.error)).toBe('OPENING_BALANCES_INVALID');
      const problems =
        'error' in imported ? (imported.error as { details: { problems: { code: string }[] } }) : null;
      expect(problems?.details.problems.map((p) => p.code)).toEqual(['ACTIVITY_BEFORE_OPENING']);
      expect(await t.count('opening_imports', 'voided_at IS NULL')).toBe(0);
      // Undone on its own day, so the next round starts from books that net to nothing.
      const [e] = 'value' in posted ? posted.value : [];
      await voidJournalEntry(t.db, actor, { id: e!.id, reason });
    });

    it(`import first (${path}): the posting waits for it and is refused`, async () => {
      const before = await t.count('journal_entries', "posting_date < '2026-01-01'");
      const [imported, posted] = await race(importing, () => post('2025-12-15'));
      expect('value' in imported && imported.value.imported).toBeTruthy();
      expect('error' in posted && codeOf(posted.error)).toBe('BEFORE_OPENING_BALANCES');
      expect(await t.count('journal_entries', "posting_date < '2026-01-01'")).toBe(before);
      if ('value' in imported) await voidOpeningBalances(books, imported.value.imported!.id, reason);
    });
  }

  it('a year opened before the first while the import runs takes no posting before the opening date', async () => {
    // As openFiscalYear opens the year before the first: the years held, then the year and its months.
    const opening = async () => {
      const client = await t.appPool.connect();
      try {
        await client.query('BEGIN');
        await client.query('LOCK TABLE fiscal_years IN SHARE ROW EXCLUSIVE MODE');
        await client.query(
          "INSERT INTO fiscal_years (year, start_date, end_date) VALUES (2024, '2024-01-01', '2024-12-31')",
        );
        await insertPeriods(2024, client);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
      return POSTINGS.grouped('2024-06-15');
    };
    const before = await t.count('journal_entries', "posting_date < '2026-01-01'");
    const [imported, posted] = await race(importing, opening);
    expect('value' in imported && imported.value.imported).toBeTruthy();
    expect('error' in posted && codeOf(posted.error)).toBe('BEFORE_OPENING_BALANCES');
    expect(await t.count('journal_entries', "posting_date < '2026-01-01'")).toBe(before);
  });
});
