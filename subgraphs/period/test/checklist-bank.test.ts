import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bankAccountsAtMonthEnd } from '../src/services/bank-reconciled.check.ts';
import { type Books, openBooks, ownerQuery, post } from './support.ts';

/**
 * The rule of "every bank account reconciled through month end" on PostgreSQL, account by account
 * (the e2e test follows one account through the gateway): a bound account never used is left out,
 * one with a statement and a line matched can still differ from the books (an opening balance the
 * books never had), a month whose statements stop early is not covered, and a deleted statement
 * counts for nothing.
 */
let books: Books;
const MARCH = { startDate: '2026-03-01', endDate: '2026-03-31' };
const APRIL = { startDate: '2026-04-01', endDate: '2026-04-30' };

const atMonthEnd = (period: typeof MARCH) =>
  books.app.transaction((tx) => bankAccountsAtMonthEnd(tx, period));

beforeAll(async () => {
  books = await openBooks([2026]);
  const id = (code: string) => books.accounts.get(code) as string;
  await ownerQuery(
    books,
    `INSERT INTO bank_accounts (account_id, currency) VALUES ($1, 'PAB'), ($2, 'PAB')`,
    [id('1102'), id('1110')],
  );
  // The books: 500.00 in on 5 March. The bank: opened with 100.00 the books never had, then the 500.00.
  const entry = await post(books, '2026-03-05', [
    ['1110', 50_000n],
    ['4101', -50_000n],
  ]);
  const [statement] = await ownerQuery<{ id: string }>(
    books,
    `INSERT INTO bank_statements (bank_account_id, seq, format, digest, period_start, period_end,
       opening_balance_minor, closing_balance_minor)
     VALUES ($1, 1, 'CSV', 'test', '2026-03-01', '2026-03-31', 10000, 60000) RETURNING id`,
    [id('1110')],
  );
  const [line] = await ownerQuery<{ id: string }>(
    books,
    `INSERT INTO bank_statement_lines (statement_id, line_number, booking_date, amount_minor)
     VALUES ($1, 1, '2026-03-05', 50000) RETURNING id`,
    [statement?.id],
  );
  const [match] = await ownerQuery<{ id: string }>(
    books,
    `INSERT INTO bank_matches (bank_account_id, kind) VALUES ($1, 'MANUAL') RETURNING id`,
    [id('1110')],
  );
  await ownerQuery(books, 'INSERT INTO bank_match_items (match_id, statement_line_id) VALUES ($1, $2)', [
    match?.id,
    line?.id,
  ]);
  await ownerQuery(
    books,
    `INSERT INTO bank_match_items (match_id, gl_line_id)
       SELECT $1, l.id FROM gl_lines l WHERE l.entry_id = $2 AND l.account_id = $3`,
    [match?.id, entry.id, id('1110')],
  );
});
afterAll(() => books.close());

describe('bank accounts at month end', () => {
  it('leaves out 1102, bound and never used, and finds 1110 off by the 100.00 opening the books never had', async () => {
    expect(await atMonthEnd(MARCH)).toEqual([
      { code: '1110', name: expect.any(String), failure: 'a difference of 10000 minor units' },
    ]);
  });

  it('finds April not covered: the statements end on 2026-03-31, before 2026-04-30', async () => {
    expect(await atMonthEnd(APRIL)).toEqual([
      {
        code: '1110',
        name: expect.any(String),
        failure: 'its statements end on 2026-03-31, before 2026-04-30',
      },
    ]);
  });

  it('counts no deleted statement: an April statement imported and then deleted leaves April uncovered', async () => {
    const [april] = await ownerQuery<{ id: string }>(
      books,
      `INSERT INTO bank_statements (bank_account_id, seq, format, digest, period_start, period_end,
         opening_balance_minor, closing_balance_minor)
       VALUES ($1, 2, 'CSV', 'april', '2026-04-01', '2026-04-30', 60000, 60000) RETURNING id`,
      [books.accounts.get('1110')],
    );
    expect((await atMonthEnd(APRIL))[0]?.failure).toBe('a difference of 10000 minor units');
    await ownerQuery(
      books,
      `UPDATE bank_statements SET deleted_at = now(), delete_reason = 'imported for the wrong account' WHERE id = $1`,
      [april?.id],
    );
    expect((await atMonthEnd(APRIL))[0]?.failure).toBe('its statements end on 2026-03-31, before 2026-04-30');
  });

  it('says nothing of February: 1110 had no line and no statement yet', async () => {
    expect(await atMonthEnd({ startDate: '2026-02-01', endDate: '2026-02-28' })).toEqual([]);
  });
});
