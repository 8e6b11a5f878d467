import { inTransaction, type pg, tenantDb } from '@cifra/db';
import { postEntry } from '@cifra/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actor, openTestBooks, type TestBooks } from './test-books.ts';

// The balance backstop (trigger gl_lines_balanced, tenant migration 0039) sums the lines of the
// statement's entries only, by index, whatever the statistics say: a posting never reads the whole
// ledger. Before 0039 its `HAVING … LIMIT 1` let the planner pick a sequential scan of gl_lines for
// a one-entry posting once the statistics gave entries many lines each — every posting then read
// every line ever posted. The books here have 100 entries of 100 lines, analysed.

let t: TestBooks;
let ids: { cash: string; income: string; period: string };

beforeAll(async () => {
  t = await openTestBooks();
  const { rows } = await t.admin.query(
    `SELECT (SELECT id FROM accounts WHERE code = '1110') AS cash,
            (SELECT id FROM accounts WHERE code = '4101') AS income,
            (SELECT id FROM posting_periods WHERE start_date = '2026-03-01') AS period`,
  );
  ids = rows[0];
  const client = await t.admin.connect();
  try {
    await client.query('BEGIN');
    const entries = await client.query<{ id: string }>(
      `INSERT INTO journal_entries (number, fiscal_year, period_id, posting_date, source_kind, posted_by)
       SELECT 'JE-WIDE-' || g, 2026, $1, '2026-03-10', 'MANUAL', gen_random_uuid()
         FROM generate_series(1, 100) g RETURNING id`,
      [ids.period],
    );
    // Each entry: 99 lines of 1.00 to cash, one of −99.00 to income.
    await client.query(
      `INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor, original_currency,
          original_amount_minor)
       SELECT e.id, s.n, CASE WHEN s.n < 100 THEN $2::uuid ELSE $3::uuid END, '2026-03-10',
              CASE WHEN s.n < 100 THEN 100 ELSE -9900 END, 'PAB', CASE WHEN s.n < 100 THEN 100 ELSE -9900 END
         FROM unnest($1::uuid[]) AS e(id), generate_series(1, 100) s(n)`,
      [entries.rows.map((r) => r.id), ids.cash, ids.income],
    );
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  await t.admin.query('ANALYZE gl_lines');
});
afterAll(() => t.close());

/**
 * The scans of gl_lines this connection has made and not yet reported (pg_stat_xact_user_tables):
 * read before and after a statement in one transaction, the difference is that statement's.
 */
async function glLineScans(q: pg.PoolClient): Promise<{ seqScans: number; indexScans: number }> {
  const { rows } = await q.query<{ seq_scan: string; idx_scan: string }>(
    `SELECT seq_scan, idx_scan FROM pg_stat_xact_user_tables WHERE relname = 'gl_lines'`,
  );
  return { seqScans: Number(rows[0]?.seq_scan), indexScans: Number(rows[0]?.idx_scan) };
}

/** One entry of two lines (`off` minor units unbalanced), in a transaction rolled back at the end. */
async function postOne(off: number): Promise<{ seqScans: number; indexScans: number } | string> {
  const client: pg.PoolClient = await t.admin.connect();
  try {
    await client.query('BEGIN');
    const before = await glLineScans(client);
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO journal_entries (number, fiscal_year, period_id, posting_date, source_kind, posted_by)
       VALUES ('JE-ONE', 2026, $1, '2026-03-11', 'MANUAL', gen_random_uuid()) RETURNING id`,
      [ids.period],
    );
    await client.query(
      `INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor, original_currency,
          original_amount_minor)
       VALUES ($1, 1, $2, '2026-03-11', 2500, 'PAB', 2500), ($1, 2, $3, '2026-03-11', $4, 'PAB', $4)`,
      [rows[0]?.id, ids.cash, ids.income, -2500 + off],
    );
    const after = await glLineScans(client);
    return { seqScans: after.seqScans - before.seqScans, indexScans: after.indexScans - before.indexScans };
  } catch (err) {
    return String((err as Error).message);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

describe('the balance backstop on a ledger of wide entries', () => {
  it('checks a one-entry posting by its own lines, never by a scan of the ledger', async () => {
    const scans = await postOne(0);
    expect(scans).toEqual({ seqScans: 0, indexScans: expect.any(Number) });
    expect((scans as { indexScans: number }).indexScans).toBeGreaterThan(0);
  });

  // As the owner: the application's role may not read the statistics (the engine's statements are the same).
  it('posts one entry through the engine by index alone', async () => {
    const rolledBack = new Error('rolled back');
    let seqScans = -1;
    const client = await t.admin.connect();
    await expect(
      inTransaction(tenantDb(client), actor, async (tx) => {
        const before = await glLineScans(client);
        await postEntry(tx, actor, {
          kind: 'MANUAL',
          postingDate: '2026-03-12',
          memo: 'one among wide entries',
          lines: [
            { accountId: ids.cash, amountMinor: 700n, originalCurrency: 'PAB', originalAmountMinor: 700n },
            {
              accountId: ids.income,
              amountMinor: -700n,
              originalCurrency: 'PAB',
              originalAmountMinor: -700n,
            },
          ],
        });
        seqScans = (await glLineScans(client)).seqScans - before.seqScans;
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
    client.release();
    expect(seqScans).toBe(0);
  });

  it('still refuses an entry that does not balance, naming what it is off by', async () => {
    expect(await postOne(1)).toMatch(/does not balance \(off by 1 minor units\)/);
  });
});
