import type { pg } from '@cifra/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestBooks, type TestBooks } from './test-books.ts';

// The posting path's statement triggers on gl_lines (the entries' balance and dates, the cited
// rate's pair, a manual line on a control account: tenant migration 0044; the account balances:
// 0045) run on plans PL/pgSQL caches for the connection: planned for the size of the first
// statement that fired them, reused for every later one. Each of their queries reaches the books
// only by a correlated lookup by key, so the plan cached first is right whatever comes next: neither
// a posting after a bulk import nor a bulk import after a posting reads journal_entries, gl_lines or
// exchange_rates whole. The books here
// have 5,000 entries and ten years of daily rates, analysed, so that a scan would never be the cheap way.

let t: TestBooks;
let ids: { cash: string; income: string; receivable: string; period: string; rate: string };
const BOOKS = ['journal_entries', 'gl_lines', 'exchange_rates'] as const;

beforeAll(async () => {
  t = await openTestBooks();
  const { rows } = await t.admin.query(
    `SELECT (SELECT id FROM accounts WHERE code = '1110') AS cash,
            (SELECT id FROM accounts WHERE code = '4101') AS income,
            (SELECT account_id FROM account_role_bindings WHERE role = 'DefaultAR') AS receivable,
            (SELECT id FROM posting_periods WHERE start_date = '2026-03-01') AS period`,
  );
  // Ten years of daily euro rates, one of which the lines cite.
  const rate = await t.admin.query<{ id: string }>(
    `INSERT INTO exchange_rates (currency, base_currency, rate_date, rate, source)
     SELECT 'EUR', c.base_currency, date '2016-03-01' + g, 1.1, 'manual'
       FROM company c, generate_series(0, 3652) g ORDER BY 3 RETURNING id`,
  );
  ids = { ...rows[0], rate: rate.rows.at(-1)?.id };
  const client = await t.admin.connect();
  try {
    await client.query('BEGIN');
    await postBatch(client, 5_000, 'SEED');
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  await t.admin.query('ANALYZE journal_entries; ANALYZE gl_lines; ANALYZE exchange_rates');
});
afterAll(() => t.close());

/**
 * `n` balanced sales entries of two lines (the first in euros at the rate, the second on the
 * receivable with no party, which the control-account check looks up by its entry's kind), one statement each
 * for the entries and the lines; answers the scans of the books the lines' statement made, read in
 * the transaction from pg_stat_xact_user_tables before and after it.
 */
async function postBatch(client: pg.PoolClient, n: number, prefix: string): Promise<Record<string, number>> {
  const entries = await client.query<{ id: string }>(
    `INSERT INTO journal_entries (number, fiscal_year, period_id, posting_date, source_kind, posted_by)
     SELECT $2 || '-' || g, 2026, $1, '2026-03-10', 'SALES_INVOICE', gen_random_uuid()
       FROM generate_series(1, $3::int) g RETURNING id`,
    [ids.period, prefix, n],
  );
  const before = await seqScans(client);
  await client.query(
    `INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor, original_currency,
        original_amount_minor, exchange_rate_id)
     SELECT e.id, s.n, CASE s.n WHEN 1 THEN $2::uuid ELSE $3::uuid END, '2026-03-10',
            CASE s.n WHEN 1 THEN 1100 ELSE -1100 END, CASE s.n WHEN 1 THEN 'EUR' ELSE 'PAB' END,
            CASE s.n WHEN 1 THEN 1000 ELSE -1100 END, CASE s.n WHEN 1 THEN $4::bigint END
       FROM unnest($1::uuid[]) AS e(id), generate_series(1, 2) s(n)`,
    [entries.rows.map((r) => r.id), ids.cash, ids.receivable, ids.rate],
  );
  const after = await seqScans(client);
  return Object.fromEntries(BOOKS.map((table) => [table, (after[table] ?? 0) - (before[table] ?? 0)]));
}

async function seqScans(client: pg.PoolClient): Promise<Record<string, number>> {
  const { rows } = await client.query<{ relname: string; seq_scan: string }>(
    'SELECT relname, seq_scan FROM pg_stat_xact_user_tables WHERE relname = ANY ($1)',
    [BOOKS],
  );
  return Object.fromEntries(rows.map((r) => [r.relname, Number(r.seq_scan)]));
}

/**
 * `sizes` posted one after another on one new connection, in a transaction rolled back at the end;
 * answers each statement's scans of the books, and whether the account balances still equal the
 * lines' sums account by account (the balances' upsert, which reaches each line's period by key).
 */
async function scansOnOneConnection(
  sizes: number[],
): Promise<{ scans: Record<string, number>[]; balancesAgree: boolean }> {
  const client = await t.admin.connect();
  try {
    await client.query('BEGIN');
    const scans = [];
    for (const [i, n] of sizes.entries()) scans.push(await postBatch(client, n, `P${i}`));
    const { rows } = await client.query<{ disagree: string }>(
      `SELECT count(*) AS disagree
         FROM (SELECT l.account_id, e.period_id, sum(greatest(l.amount_minor, 0)) AS debit,
                      sum(greatest(-l.amount_minor, 0)) AS credit
                 FROM gl_lines l JOIN journal_entries e ON e.id = l.entry_id
                GROUP BY 1, 2) s
         FULL JOIN account_period_balances b USING (account_id, period_id)
        WHERE b.debit_minor IS DISTINCT FROM s.debit OR b.credit_minor IS DISTINCT FROM s.credit`,
    );
    return { scans, balancesAgree: rows[0]?.disagree === '0' };
  } finally {
    await client.query('ROLLBACK');
    client.release(true);
  }
}

const none = Object.fromEntries(BOOKS.map((table) => [table, 0]));

describe('the statement triggers on gl_lines keep one plan per connection', () => {
  it('checks and totals a bulk posting after a one-entry posting by key, never by a scan of the books', async () => {
    expect(await scansOnOneConnection([1, 2_000])).toEqual({ scans: [none, none], balancesAgree: true });
  });

  it('checks and totals a one-entry posting after a bulk posting by key as well', async () => {
    expect(await scansOnOneConnection([2_000, 1, 1])).toEqual({
      scans: [none, none, none],
      balancesAgree: true,
    });
  });

  it('totals a group-sized posting by key: the size at which a plan made afresh hashed every entry', async () => {
    expect(await scansOnOneConnection([64, 64])).toEqual({ scans: [none, none], balancesAgree: true });
  });

  it('still refuses what they refused: a line dated off its entry, a rate of another pair', async () => {
    const client = await t.admin.connect();
    const refusal = async (sql: string, params: unknown[]) => {
      await client.query('SAVEPOINT s');
      const err = await client.query(sql, params).then(
        () => undefined,
        (e: Error) => e.message,
      );
      await client.query('ROLLBACK TO SAVEPOINT s');
      return err;
    };
    try {
      await client.query('BEGIN');
      await postBatch(client, 1, 'WARM');
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO journal_entries (number, fiscal_year, period_id, posting_date, source_kind, posted_by)
         VALUES ('JE-BAD', 2026, $1, '2026-03-11', 'MANUAL', gen_random_uuid()) RETURNING id`,
        [ids.period],
      );
      const lines = `INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor,
          original_currency, original_amount_minor, exchange_rate_id)
        VALUES ($1, 1, $2, $4, 500, $5, 500, $6), ($1, 2, $3, '2026-03-11', -500, 'PAB', -500, NULL)`;
      const entry = rows[0]?.id;
      expect(await refusal(lines, [entry, ids.cash, ids.income, '2026-03-12', 'PAB', null])).toMatch(
        /posting date differs from its entry's/,
      );
      expect(await refusal(lines, [entry, ids.cash, ids.income, '2026-03-11', 'USD', ids.rate])).toMatch(
        /another currency pair/,
      );
      expect(await refusal(lines, [entry, ids.cash, ids.income, '2026-03-11', 'PAB', null])).toBeUndefined();
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});

describe("a group's posted documents are answered by the update that marks them", () => {
  it('reads no documents table whole, on a plan cached while the client had few documents', async () => {
    const client = await t.admin.connect();
    try {
      await client.query('BEGIN');
      const drafts = await draftsFor(client, 'ANSWER');
      let entries = 0;
      const post = async (group: string[]) => {
        const entryIds = await bareEntries(client, 'ANSWER', entries, group.length);
        entries += group.length;
        const each = <T>(v: T) => group.map(() => v);
        const { rows } = await client.query<{ id: string; status: string; entry_id: string }>(
          `SELECT * FROM cifra_post_documents_as($1::uuid[], $2::text[], $3::int[], $4::uuid[], $5::numeric[],
             $6::bigint[], $7::boolean[], $8::bigint[], $9::bigint[], $10::bigint[], now(), $11::text[], $12::text[],
             $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::jsonb[], $20::jsonb[],
             '{}', '{}', '{}', '{}', '{}', '{}', '{}')`,
          [
            group,
            each('SALES_INVOICE'),
            each(2026),
            entryIds,
            each('1'),
            each(null),
            each(false),
            each('1100'),
            each('0'),
            each('0'),
            each(null),
            each(null),
            each(null),
            each('answer'),
            each(null),
            each(null),
            each('document.posted'),
            each('Document'),
            each(null),
            each('{}'),
          ],
        );
        return rows;
      };
      // Eight groups of one while the client has eight documents: the connection caches the
      // function's plans (a generic plan after five calls), each made for a table of a page.
      for (const id of await drafts(8)) await post([id]);
      // Then the client has 3,000 more, unanalysed (nothing invalidates those plans), and a group of 32.
      const group = (await drafts(3_000)).slice(0, 32);
      const scansBefore = await documentScans(client);
      const rows = await post(group);
      expect((await documentScans(client)) - scansBefore).toBe(0);
      expect(rows.map((r) => r.id).sort()).toEqual([...group].sort());
      expect(rows.every((r) => r.status === 'POSTED' && r.entry_id)).toBe(true);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});

describe("a group's documents are marked posted by key", () => {
  it('finds the drafts of a group among 2,000 without a scan of the documents table, on a plan it keeps', async () => {
    const client = await t.admin.connect();
    try {
      await client.query('BEGIN');
      const drafts = await (await draftsFor(client, 'PLAN'))(2000);
      await client.query('ANALYZE documents');
      const group = drafts.slice(0, 32);
      const entryIds = await bareEntries(client, 'DOC', 0, 32);
      const scansBefore = await documentScans(client);
      const mark = (from: number, to: number) => {
        const some = group.slice(from, to);
        const each = <T>(f: (i: number) => T) => some.map((_, k) => f(from + k));
        return client.query(
          `SELECT cifra_mark_documents_posted_as($1, $2, $3, $4, $5, $6, $7, $8, $9, now(), $10, $11, $12, $13)`,
          [
            some,
            each((i) => `PLAN-${i}`),
            each((i) => entryIds[i]),
            each(() => '1'),
            each(() => null),
            each(() => false),
            each(() => '1100'),
            each(() => '0'),
            each(() => '0'),
            each(() => ''),
            each(() => ''),
            each(() => ''),
            each((i) => `plan-${i}`),
          ],
        );
      };
      // Eight groups of one first, so the connection caches the function's plan (a generic plan
      // after five calls), then the rest as one group of 24 on that plan.
      for (let i = 0; i < 8; i++) await mark(i, i + 1);
      await mark(8, 32);
      expect((await documentScans(client)) - scansBefore).toBe(0);
      const posted = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM documents WHERE id = ANY ($1) AND status = 'POSTED' AND base_total_minor = 1100`,
        [group],
      );
      expect(posted.rows[0]?.n).toBe('32');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});

/**
 * A customer of its own (`code`), in `client`'s transaction, and a way to draft `n` sales invoices
 * of 11.00 to it at a time; answers their ids.
 */
async function draftsFor(client: pg.PoolClient, code: string): Promise<(n: number) => Promise<string[]>> {
  const party = await client.query<{ id: string }>(
    `INSERT INTO parties (kind, code, name, currency) SELECT 'CUSTOMER', $1, $1 || ' Hotel', base_currency FROM company RETURNING id`,
    [code],
  );
  return async (n) =>
    (
      await client.query<{ id: string }>(
        `INSERT INTO documents (kind, party_id, document_date, posting_date, currency, subtotal_minor, total_minor)
         SELECT 'SALES_INVOICE', $1, '2026-03-10', '2026-03-10', c.base_currency, 1100, 1100
           FROM company c, generate_series(1, $2::int) RETURNING id`,
        [party.rows[0]?.id, n],
      )
    ).rows.map((r) => r.id);
}

/**
 * `n` sales entries of March without lines, numbered `prefix-(after + 1)` on: what a group's
 * documents cite (the transaction is rolled back before their lines would be asked for).
 */
async function bareEntries(
  client: pg.PoolClient,
  prefix: string,
  after: number,
  n: number,
): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO journal_entries (number, fiscal_year, period_id, posting_date, source_kind, posted_by)
     SELECT $2 || '-' || ($3::int + g), 2026, $1, '2026-03-10', 'SALES_INVOICE', gen_random_uuid()
       FROM generate_series(1, $4::int) g RETURNING id`,
    [ids.period, prefix, after, n],
  );
  return rows.map((r) => r.id);
}

async function documentScans(client: pg.PoolClient): Promise<number> {
  const { rows } = await client.query<{ seq_scan: string }>(
    `SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'documents'`,
  );
  return Number(rows[0]?.seq_scan ?? 0);
}
