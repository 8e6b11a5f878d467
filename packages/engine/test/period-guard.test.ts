import { withClient } from '@cifra/db';
import { PeriodStates, periodAcceptsPosting, SourceKinds } from '@cifra/domain';
import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestTenantDatabase();
  await withClient(db.adminUrl, async (c) => {
    await c.query(
      `INSERT INTO accounts (code, name, type) VALUES ('1000', 'Cash', 'ASSET'), ('4000', 'Sales', 'INCOME')`,
    );
    await c.query(
      `INSERT INTO fiscal_years (year, start_date, end_date) VALUES (2026, '2026-01-01', '2026-12-31')`,
    );
    await c.query(`INSERT INTO posting_periods (fiscal_year, period_number, year, month, start_date, end_date)
      VALUES (2026, 1, 2026, 1, '2026-01-01', '2026-01-31')`);
  });
});
afterAll(() => db.drop());

/**
 * Put January in `state` directly, as the owner: the periods' own transition guard (migration
 * 0006) is bypassed for this set-up only, by replica mode in this one session.
 */
async function setState(state: string) {
  await withClient(db.adminUrl, async (c) => {
    await c.query('SET session_replication_role = replica');
    await c.query('UPDATE posting_periods SET state = $1', [state]);
  });
}

/** Try to write a balanced entry of `kind` into January as the application role, straight in SQL. */
async function insertAs(kind: string, postingDate = '2026-01-15'): Promise<'accepted' | string> {
  return withClient(db.appUrl, async (c) => {
    await c.query('BEGIN');
    try {
      const { rows } = await c.query(
        `INSERT INTO journal_entries (number, fiscal_year, period_id, posting_date, source_kind, posted_by)
         SELECT 'JE-' || gen_random_uuid(), 2026, id, $2::date, $1, gen_random_uuid() FROM posting_periods RETURNING id`,
        [kind, postingDate],
      );
      await c.query(
        `INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor, original_currency, original_amount_minor)
         SELECT $1::uuid, row_number() OVER (ORDER BY code), id, $2::date, CASE code WHEN '1000' THEN 100 ELSE -100 END,
                'PAB', CASE code WHEN '1000' THEN 100 ELSE -100 END FROM accounts`,
        [rows[0].id, postingDate],
      );
      return 'accepted';
    } catch (err) {
      return (err as Error).message;
    } finally {
      await c.query('ROLLBACK');
    }
  });
}

describe('the database enforces the period rule the engine enforces', () => {
  for (const state of PeriodStates) {
    it(`agrees with periodAcceptsPosting for every kind in a ${state} period`, async () => {
      await setState(state);
      for (const kind of SourceKinds) {
        const outcome = await insertAs(kind);
        if (periodAcceptsPosting(state, kind)) expect(outcome, kind).toBe('accepted');
        else expect(outcome, kind).toMatch(new RegExp(`is ${state}: it does not accept ${kind} postings`));
      }
    });
  }

  it('refuses an entry whose posting date lies outside its period', async () => {
    await setState('UNLOCKED');
    expect(await insertAs('MANUAL', '2026-02-03')).toMatch(/outside period 2026-1/);
  });
});
