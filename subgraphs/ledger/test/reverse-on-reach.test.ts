import { translateDbError } from '@cifra/db';
import { booksYears } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actor, openTestBooks, type TestBooks } from './test-books.ts';

// An accrual's chosen reversal date is one the books can reach: on or before the last day of the
// fiscal year after the books' last. The engine refuses first (reversal-window.ts; through the API:
// test/e2e/scheduled-reversals.e2e.test.ts); the database refuses any writer around it
// (tenant migration 0050, constraint name journal_entries_reverse_on_reach).

let t: TestBooks;
beforeAll(async () => {
  t = await openTestBooks();
});
afterAll(() => t.close());

/** The test books' last year (2026 to today's year): a reversal may reach the end of the next. */
const lastYear = booksYears().at(-1) as number;

/** An accrual of 15 June reversing on `reverseOn`, inserted around the engine and committed. */
async function insertAround(reverseOn: string): Promise<unknown> {
  const client = await t.appPool.connect();
  try {
    await client.query('BEGIN');
    return await client
      .query(
        `WITH p AS (SELECT id, fiscal_year FROM posting_periods WHERE start_date = '2026-06-01'),
              e AS (INSERT INTO journal_entries (id, number, fiscal_year, period_id, posting_date, source_kind, memo,
                                                 posted_by, auto_reverse, reverse_on)
                    SELECT gen_random_uuid(), 'JE-BYPASS-' || $2, p.fiscal_year, p.id, '2026-06-15', 'MANUAL',
                           'around the engine', $1, true, $2::date
                      FROM p RETURNING id)
         INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor, original_currency,
                               original_amount_minor)
         SELECT e.id, n, a.id, '2026-06-15', amount, 'PAB', amount
           FROM e, (VALUES (1, '6201', 1000), (2, '2401', -1000)) v(n, code, amount)
           JOIN accounts a ON a.code = v.code`,
        [actor.userId, reverseOn],
      )
      .then(
        () => client.query('COMMIT').then(() => null),
        (e: unknown) => e,
      );
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

describe('an accrual written around the engine', () => {
  it('is refused by the database past the fiscal year after the books’ last, translated to BAD_USER_INPUT on reverseOn', async () => {
    const before = await t.count('journal_entries');
    for (const reverseOn of [`${lastYear + 2}-01-01`, '9999-12-31']) {
      const err = translateDbError(await insertAround(reverseOn));
      expect(err?.code).toBe('BAD_USER_INPUT');
      expect(err?.details).toMatchObject({ field: 'reverseOn' });
    }
    expect(await t.count('journal_entries')).toBe(before);
  });

  it('is accepted up to its last day', async () => {
    expect(await insertAround(`${lastYear + 1}-12-31`)).toBeNull();
  });
});
