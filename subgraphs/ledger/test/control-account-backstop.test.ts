import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParty } from '../src/services/parties.service.ts';
import { openTestBooks, type TestBooks } from './test-books.ts';

// The control-account backstop (trigger gl_lines_control_account_party; its fast path of tenant
// migration 0038) written to by a bulk statement straight in SQL, as any writer could: one bad
// line among many is still found, and lines that name their party pass.

let t: TestBooks;
let ids: { ar: string; income: string; period: string; customer: string };

beforeAll(async () => {
  t = await openTestBooks();
  const customer = (await createParty(await t.books(), { kind: 'CUSTOMER', code: 'CB1', name: 'Cliente B' }))
    .id;
  const { rows } = await t.admin.query(
    `SELECT (SELECT account_id FROM account_role_bindings WHERE role = 'DefaultAR') AS ar,
            (SELECT id FROM accounts WHERE code = '4101') AS income,
            (SELECT id FROM posting_periods WHERE start_date = '2026-03-01') AS period`,
  );
  ids = { ...rows[0], customer };
});
afterAll(() => t.close());

/** 200 manual entries of two lines in one INSERT of 400 lines; `partyOfLast` on the last receivable line. */
async function insertBulk(partyOfLast: string | null): Promise<string> {
  const client = await t.admin.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO journal_entries (number, fiscal_year, period_id, posting_date, source_kind, posted_by)
       SELECT 'JE-BULK-' || g, 2026, $1, '2026-03-15', 'MANUAL', gen_random_uuid()
         FROM generate_series(1, 200) g RETURNING id`,
      [ids.period],
    );
    await client.query(
      `INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor, original_currency,
          original_amount_minor, party_id)
       SELECT e.id, s.n, CASE s.n WHEN 1 THEN $2::uuid ELSE $3::uuid END, '2026-03-15',
              CASE s.n WHEN 1 THEN 100 ELSE -100 END, 'PAB', CASE s.n WHEN 1 THEN 100 ELSE -100 END,
              CASE WHEN s.n = 1 AND e.ord = 200 THEN $4::uuid WHEN s.n = 1 THEN $5::uuid END
         FROM unnest($1::uuid[]) WITH ORDINALITY AS e(id, ord), (VALUES (1), (2)) s(n)`,
      [rows.map((r) => r.id), ids.ar, ids.income, partyOfLast, ids.customer],
    );
    return 'accepted';
  } catch (err) {
    return (err as { constraint?: string }).constraint ?? String(err);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

describe('the control-account backstop on a bulk insert', () => {
  it('refuses 400 lines when only the last receivable line names no party', async () => {
    expect(await insertBulk(null)).toBe('gl_lines_control_account_party');
  });

  it('accepts the same 400 lines when every receivable line names its customer', async () => {
    expect(await insertBulk(ids.customer)).toBe('accepted');
  });
});
