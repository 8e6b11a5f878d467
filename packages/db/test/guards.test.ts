import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient } from '../src/index.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestTenantDatabase();
  await withClient(db.adminUrl, async (c) => {
    await c.query(`INSERT INTO company (legal_name, region, base_currency, base_minor_units, timezone)
      VALUES ('Guard Test SA', 'PA', 'PAB', 2, 'America/Panama')`);
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

/** Posts a two-line entry as the application role and returns its id. */
async function postEntry(debit: bigint, credit: bigint, actualPostingDate = 'now()'): Promise<string> {
  return withClient(db.appUrl, async (c) => {
    await c.query('BEGIN');
    const {
      rows: [entry],
    } = await c.query(
      `INSERT INTO journal_entries (number, fiscal_year, period_id, posting_date, source_kind, posted_by, actual_posting_date)
       SELECT 'JE-' || gen_random_uuid(), 2026, id, '2026-01-15', 'MANUAL', gen_random_uuid(), ${actualPostingDate}
         FROM posting_periods WHERE period_number = 1 RETURNING id, actual_posting_date`,
    );
    await c.query(
      `INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor, original_currency, original_amount_minor)
       SELECT $1::uuid, 1, id, '2026-01-15'::date, $2::bigint, 'PAB', $2::bigint FROM accounts WHERE code = '1000'
       UNION ALL
       SELECT $1::uuid, 2, id, '2026-01-15'::date, $3::bigint, 'PAB', $3::bigint FROM accounts WHERE code = '4000'`,
      [entry.id, debit.toString(), (-credit).toString()],
    );
    await c.query('COMMIT');
    return entry.id as string;
  });
}

describe('the books refuse what the engine must never do', () => {
  it('accepts a balanced entry written by the application role', async () => {
    const id = await postEntry(10_000n, 10_000n);
    const count = await withClient(db.appUrl, (c) =>
      c.query('SELECT count(*)::int AS n FROM gl_lines WHERE entry_id = $1', [id]),
    );
    expect(count.rows[0].n).toBe(2);
  });

  it('refuses an unbalanced entry and leaves nothing behind', async () => {
    await expect(postEntry(10_000n, 9_999n)).rejects.toThrow(/does not balance/);
    const n = await withClient(db.adminUrl, (c) => c.query('SELECT count(*)::int AS n FROM journal_entries'));
    expect(n.rows[0].n).toBe(1);
  });

  it('stamps ActualPostingDate itself, ignoring what the insert says', async () => {
    const id = await postEntry(500n, 500n, `'2001-01-01T00:00:00Z'`);
    const r = await withClient(db.adminUrl, (c) =>
      c.query(
        "SELECT actual_posting_date > now() - interval '1 minute' AS fresh FROM journal_entries WHERE id = $1",
        [id],
      ),
    );
    expect(r.rows[0].fresh).toBe(true);
  });

  it.each([
    ['UPDATE journal_entries SET memo = $$x$$', /permission denied|append-only/],
    ['DELETE FROM gl_lines', /permission denied|append-only/],
    ['UPDATE audit_events SET action = $$x$$', /permission denied|append-only/],
    ['TRUNCATE gl_lines', /permission denied|append-only/],
  ])('the application role cannot run %s', async (statement, error) => {
    await expect(withClient(db.appUrl, (c) => c.query(statement))).rejects.toThrow(error);
  });

  it.each([
    ['UPDATE journal_entries SET memo = $$x$$'],
    ['UPDATE gl_lines SET amount_minor = 1'],
    ['DELETE FROM journal_entries'],
    ['TRUNCATE audit_events'],
    ['UPDATE journal_entries SET actual_posting_date = now()'],
  ])('even the owner cannot run %s', async (statement) => {
    await expect(withClient(db.adminUrl, (c) => c.query(statement))).rejects.toThrow(/append-only/);
  });

  it('fixes the base currency and the fiscal calendar once entries exist, even for the owner', async () => {
    await postEntry(500n, 500n);
    // The application may correct the legal details (tenant migration 0027), nothing else of the row.
    await expect(
      withClient(db.appUrl, (c) => c.query(`UPDATE company SET base_currency = 'USD'`)),
    ).rejects.toThrow(/permission denied/);
    for (const change of [`base_currency = 'USD'`, 'base_minor_units = 3', 'fiscal_year_start_month = 4']) {
      await expect(withClient(db.adminUrl, (c) => c.query(`UPDATE company SET ${change}`))).rejects.toThrow(
        /fixed once entries are posted/,
      );
    }
    const [company] = (
      await withClient(db.adminUrl, (c) =>
        c.query('SELECT base_currency, base_minor_units, fiscal_year_start_month FROM company'),
      )
    ).rows;
    expect(company).toEqual({ base_currency: 'PAB', base_minor_units: 2, fiscal_year_start_month: 1 });
    // What does not re-denominate the books stays the owner's to correct.
    await withClient(db.adminUrl, (c) => c.query(`UPDATE company SET legal_name = 'Guard Test, S.A.'`));
  });
});
