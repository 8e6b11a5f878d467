import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient } from '../src/index.ts';

let db: TestDatabase;
const app = (sql: string, params: unknown[] = []) => withClient(db.appUrl, (c) => c.query(sql, params));
const admin = (sql: string, params: unknown[] = []) => withClient(db.adminUrl, (c) => c.query(sql, params));

beforeAll(async () => {
  db = await createTestTenantDatabase();
  await admin(
    `INSERT INTO accounts (code, name, type) VALUES ('1000', 'Cash', 'ASSET'), ('4000', 'Sales', 'INCOME')`,
  );
  await admin(
    `INSERT INTO fiscal_years (year, start_date, end_date) VALUES (2026, '2026-01-01', '2026-12-31')`,
  );
  await admin(`INSERT INTO posting_periods (fiscal_year, period_number, year, month, start_date, end_date)
    VALUES (2026, 1, 2026, 1, '2026-01-01', '2026-01-31'), (2026, 2, 2026, 2, '2026-02-01', '2026-02-28')`);
  await admin(
    `INSERT INTO parties (kind, code, name, currency) VALUES ('CUSTOMER', 'C1', 'Cliente Uno', 'PAB')`,
  );
});
afterAll(() => db.drop());

/** Posts entries as the application role in one statement pair: `amounts` are (date, debit) pairs. */
async function post(entries: [string, number][]) {
  await withClient(db.appUrl, async (c) => {
    await c.query('BEGIN');
    for (const [date, amount] of entries) {
      const { rows } = await c.query(
        `INSERT INTO journal_entries (number, fiscal_year, period_id, posting_date, source_kind, posted_by)
         SELECT 'JE-' || gen_random_uuid(), 2026, id, $1::date, 'MANUAL', gen_random_uuid()
           FROM posting_periods WHERE $1::date BETWEEN start_date AND end_date RETURNING id`,
        [date],
      );
      await c.query(
        `INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor, original_currency, original_amount_minor)
         SELECT $1::uuid, 1, id, $2::date, $3::bigint, 'PAB', $3::bigint FROM accounts WHERE code = '1000'
         UNION ALL
         SELECT $1::uuid, 2, id, $2::date, -$3::bigint, 'PAB', -$3::bigint FROM accounts WHERE code = '4000'`,
        [rows[0].id, date, amount],
      );
    }
    await c.query('COMMIT');
  });
}

async function balances() {
  const { rows } =
    await admin(`SELECT a.code, p.month, b.debit_minor::text AS debit, b.credit_minor::text AS credit
    FROM account_period_balances b JOIN accounts a ON a.id = b.account_id JOIN posting_periods p ON p.id = b.period_id
    ORDER BY a.code, p.month`);
  return rows;
}

async function draftDocument(): Promise<string> {
  const { rows } = await app(`INSERT INTO documents (kind, party_id, document_date, posting_date, currency)
    SELECT 'SALES_INVOICE', id, '2026-01-10', '2026-01-10', 'PAB' FROM parties RETURNING id`);
  await app(
    `INSERT INTO document_lines (document_id, line_number, account_id, quantity, unit_price, amount_minor)
    SELECT $1::uuid, 1, id, 1, 10, 1000 FROM accounts WHERE code = '4000'`,
    [rows[0].id],
  );
  return rows[0].id;
}

describe('per-account per-period balances', () => {
  it('are kept by the database as lines arrive, per period', async () => {
    await post([
      ['2026-01-05', 1000],
      ['2026-01-20', 250],
      ['2026-02-03', 70],
    ]);
    expect(await balances()).toEqual([
      { code: '1000', month: 1, debit: '1250', credit: '0' },
      { code: '1000', month: 2, debit: '70', credit: '0' },
      { code: '4000', month: 1, debit: '0', credit: '1250' },
      { code: '4000', month: 2, debit: '0', credit: '70' },
    ]);
  });

  it('cannot be written by the application role', async () => {
    await expect(app('UPDATE account_period_balances SET debit_minor = 0')).rejects.toThrow(
      /permission denied/,
    );
    await expect(app('DELETE FROM account_period_balances')).rejects.toThrow(/permission denied/);
  });

  it('roll back with a refused posting', async () => {
    const before = await balances();
    await expect(
      withClient(db.appUrl, async (c) => {
        await c.query('BEGIN');
        await c.query(`INSERT INTO journal_entries (number, fiscal_year, period_id, posting_date, source_kind, posted_by)
          SELECT 'JE-X', 2026, id, '2026-01-09', 'MANUAL', gen_random_uuid() FROM posting_periods WHERE month = 1`);
        await c.query(`INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor, original_currency, original_amount_minor)
          SELECT e.id, 1, a.id, '2026-01-09', 5, 'PAB', 5 FROM journal_entries e, accounts a WHERE e.number = 'JE-X' AND a.code = '1000'`);
      }),
    ).rejects.toThrow(/does not balance/);
    expect(await balances()).toEqual(before);
  });
});

describe('documents change only while they are drafts', () => {
  it('lets a draft and its lines be edited, and refuses deleting the draft', async () => {
    const id = await draftDocument();
    await app(`UPDATE documents SET memo = 'edited' WHERE id = $1`, [id]);
    await app(`UPDATE document_lines SET quantity = 2 WHERE document_id = $1`, [id]);
    await expect(app('DELETE FROM documents WHERE id = $1', [id])).rejects.toThrow(
      /permission denied|only drafts/,
    );
  });

  it('refuses any change to a posted document or its lines, even by the owner', async () => {
    const id = await draftDocument();
    await admin(
      `UPDATE documents SET status = 'POSTED', number = 'INV-T-1', entry_id = (SELECT id FROM journal_entries LIMIT 1)
      WHERE id = $1`,
      [id],
    );
    for (const run of [app, admin]) {
      await expect(run(`UPDATE documents SET memo = 'x' WHERE id = $1`, [id])).rejects.toThrow(/only drafts/);
      await expect(
        run(`UPDATE document_lines SET quantity = 9 WHERE document_id = $1`, [id]),
      ).rejects.toThrow(/is POSTED/);
      await expect(run(`DELETE FROM document_lines WHERE document_id = $1`, [id])).rejects.toThrow(
        /is POSTED/,
      );
      await expect(
        run(
          `INSERT INTO document_lines (document_id, line_number, account_id, quantity, unit_price, amount_minor)
          SELECT $1::uuid, 5, id, 1, 1, 100 FROM accounts WHERE code = '4000'`,
          [id],
        ),
      ).rejects.toThrow(/is POSTED/);
    }
    const { rows } = await admin('SELECT memo FROM documents WHERE id = $1', [id]);
    expect(rows[0].memo).toBe('');
  });

  it('keeps allocations and voids append-only, even for the owner', async () => {
    const [a, b] = [await draftDocument(), await draftDocument()];
    await app('INSERT INTO allocations (source_document_id, invoice_id, amount_minor) VALUES ($1, $2, 100)', [
      a,
      b,
    ]);
    await expect(app('UPDATE allocations SET amount_minor = 1')).rejects.toThrow(/permission denied/);
    await expect(admin('UPDATE allocations SET amount_minor = 1')).rejects.toThrow(/append-only/);
    await expect(admin('DELETE FROM allocations')).rejects.toThrow(/append-only/);
    await expect(admin('TRUNCATE voids')).rejects.toThrow(/append-only/);
  });
});
