import { inTransaction, withClient } from '@cifra/db';
import { postEntries } from '@cifra/engine';
import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceSheet, incomeStatement } from '../src/services/financial-statements.service.ts';
import { generalLedger } from '../src/services/general-ledger.service.ts';
import { trialBalance } from '../src/services/trial-balance.service.ts';
import { type AppConnection, connectApp, prng, randomEntries, seedTestBooks, TEST_ACTOR } from './books.ts';

let tdb: TestDatabase;
let app: AppConnection;
/** The instant between the first and the second batch of entries. */
let between: Date;
// Control accounts (1201, 2101, 2201) are left out: a manual line there must name a party (control-accounts.ts).
const CODES = ['1101', '1110', '1301', '2301', '2401', '3101', '4101', '4102', '5101', '6101', '6201'];

beforeAll(async () => {
  tdb = await createTestTenantDatabase();
  await seedTestBooks(tdb.adminUrl, [2025, 2026]);
  app = await connectApp(tdb.appUrl);
  const random = prng(42);
  const opts = {
    accountIds: CODES.map(app.accountId),
    from: '2025-11-01',
    to: '2026-03-31',
    currency: 'PAB',
  };
  await inTransaction(app.db, TEST_ACTOR, (tx) =>
    postEntries(tx, TEST_ACTOR, randomEntries(random, 300, opts)),
  );
  const { rows } = await app.pool.query<{ now: Date }>('SELECT clock_timestamp() AS now');
  between = rows[0]?.now as Date;
  await new Promise((r) => setTimeout(r, 20));
  await inTransaction(app.db, TEST_ACTOR, (tx) =>
    postEntries(tx, TEST_ACTOR, randomEntries(random, 200, { ...opts, from: '2026-01-15' })),
  );
});

afterAll(async () => {
  await app?.close();
  await tdb?.drop();
});

/** The slow, obviously right answer: every line up to `asOf`, summed per account code. */
async function naiveBalances(asOf: string, asAt?: Date): Promise<Map<string, bigint>> {
  const { rows } = await app.pool.query<{ code: string; sum: string }>(
    `SELECT a.code, sum(l.amount_minor)::text AS sum
       FROM gl_lines l JOIN accounts a ON a.id = l.account_id JOIN journal_entries e ON e.id = l.entry_id
      WHERE l.posting_date <= $1 AND ($2::timestamptz IS NULL OR e.actual_posting_date <= $2)
      GROUP BY a.code HAVING sum(l.amount_minor) <> 0`,
    [asOf, asAt ?? null],
  );
  return new Map(rows.map((r) => [r.code, BigInt(r.sum)]));
}

const asMap = (rows: { accountCode: string; balanceMinor: bigint }[]) =>
  new Map(rows.map((r) => [r.accountCode, r.balanceMinor]));

describe('trialBalance', () => {
  it('equals the sum of the lines, at period ends, mid-period, before and after the books', async () => {
    for (const asOf of [
      '2024-12-31',
      '2025-11-01',
      '2025-11-30',
      '2025-12-17',
      '2026-01-31',
      '2026-02-14',
      '2026-12-31',
    ]) {
      expect(asMap(await trialBalance(app.db, asOf))).toEqual(await naiveBalances(asOf));
    }
    expect(await trialBalance(app.db, '2024-12-31')).toEqual([]);
  });

  it('balances: debits equal credits', async () => {
    const rows = await trialBalance(app.db, '2026-02-14');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.reduce((s, r) => s + r.balanceMinor, 0n)).toBe(0n);
  });

  it('with asAt, shows the books as known then: entries written later are left out', async () => {
    const asOf = '2026-03-31';
    const known = asMap(await trialBalance(app.db, asOf, between));
    const now = asMap(await trialBalance(app.db, asOf));
    expect(known).toEqual(await naiveBalances(asOf, between));
    expect(known).not.toEqual(now);
    expect(now).toEqual(await naiveBalances(asOf));
    // Before anything was posted, the books were empty; in the future, they are today's.
    expect(await trialBalance(app.db, asOf, new Date('2000-01-01T00:00:00Z'))).toEqual([]);
    expect(asMap(await trialBalance(app.db, asOf, new Date(Date.now() + 86_400_000)))).toEqual(now);
    // At an entry's own instant as the API states it (to the millisecond), that entry is known:
    // the database recorded it to the microsecond within that millisecond.
    const { rows: last } = await app.pool.query<{ at: Date }>(
      'SELECT actual_posting_date AS at FROM journal_entries WHERE posting_date <= $1 ORDER BY actual_posting_date DESC LIMIT 1',
      [asOf],
    );
    expect(asMap(await trialBalance(app.db, asOf, new Date((last[0] as { at: Date }).at.getTime())))).toEqual(
      now,
    );
    // Mid-period and knowledge time together.
    expect(asMap(await trialBalance(app.db, '2026-02-10', between))).toEqual(
      await naiveBalances('2026-02-10', between),
    );
  });
});

describe('balanceSheet', () => {
  it('holds assets = liabilities + equity, with unclosed earnings as an equity line', async () => {
    for (const asOf of ['2025-11-30', '2025-12-31', '2026-02-14', '2026-03-31']) {
      const bs = await balanceSheet(app.db, asOf);
      expect(bs.assets.totalMinor).toBe(bs.totalLiabilitiesAndEquityMinor);
      expect(bs.assets.rows.length).toBeGreaterThan(0);
      const naive = await naiveBalances(asOf);
      const pl = ['4101', '4102', '5101', '6101', '6201'].reduce((s, c) => s + (naive.get(c) ?? 0n), 0n);
      expect(bs.currentEarningsMinor).toBe(-pl);
      expect(bs.equity.rows.at(-1)).toMatchObject({ accountCode: null, amountMinor: -pl });
    }
  });

  it('with asAt, also balances and matches the books known then', async () => {
    const bs = await balanceSheet(app.db, '2026-03-31', between);
    expect(bs.assets.totalMinor).toBe(bs.totalLiabilitiesAndEquityMinor);
    const naive = await naiveBalances('2026-03-31', between);
    expect(bs.assets.totalMinor).toBe(
      ['1101', '1110', '1301'].reduce((s, c) => s + (naive.get(c) ?? 0n), 0n),
    );
  });
});

describe('incomeStatement', () => {
  it('is the movement of income and expense accounts between two dates', async () => {
    const [before, end] = [await naiveBalances('2025-12-31'), await naiveBalances('2026-02-14')];
    const move = (c: string) => (end.get(c) ?? 0n) - (before.get(c) ?? 0n);
    const s = await incomeStatement(app.db, '2026-01-01', '2026-02-14');
    expect(s.income.totalMinor).toBe(-(move('4101') + move('4102')));
    expect(s.expenses.totalMinor).toBe(move('5101') + move('6101') + move('6201'));
    expect(s.netIncomeMinor).toBe(s.income.totalMinor - s.expenses.totalMinor);
    expect(s.income.rows.map((r) => r.accountCode)).toEqual(['4101', '4102']);
  });

  it('leaves year-end closing entries out; the balance sheet keeps them', async () => {
    const before = await incomeStatement(app.db, '2025-01-01', '2025-12-31');
    const bsBefore = await balanceSheet(app.db, '2025-12-31');
    const naive = await naiveBalances('2025-12-31');
    // Close 4101 into retained earnings on the last day of 2025.
    const sales = naive.get('4101') as bigint;
    // The closing entry goes into a LOCKED period (the close locks it first).
    await withClient(tdb.adminUrl, (c) =>
      c.query(`UPDATE posting_periods SET state = 'LOCKED' WHERE start_date = '2025-12-01'`),
    );
    await inTransaction(app.db, TEST_ACTOR, (tx) =>
      postEntries(tx, TEST_ACTOR, [
        {
          kind: 'YEAR_END_CLOSE',
          postingDate: '2025-12-31',
          memo: 'close',
          lines: [
            {
              accountId: app.accountId('4101'),
              amountMinor: -sales,
              originalCurrency: 'PAB',
              originalAmountMinor: -sales,
            },
            {
              accountId: app.accountId('3201'),
              amountMinor: sales,
              originalCurrency: 'PAB',
              originalAmountMinor: sales,
            },
          ],
        },
      ]),
    );
    expect(await incomeStatement(app.db, '2025-01-01', '2025-12-31')).toEqual(before);
    const bs = await balanceSheet(app.db, '2025-12-31');
    expect(bs.assets).toEqual(bsBefore.assets);
    expect(bs.currentEarningsMinor).toBe(bsBefore.currentEarningsMinor + sales);
    expect(bs.assets.totalMinor).toBe(bs.totalLiabilitiesAndEquityMinor);
    expect(bs.equity.rows.find((r) => r.accountCode === '3201')?.amountMinor).toBe(-sales);
  });
});

describe('generalLedger', () => {
  it('pages through an account in a stable order with opening and running balances', async () => {
    const [from, to] = ['2026-01-10', '2026-03-20'];
    const { rows: lines } = await app.pool.query<{ amount: string; number: string; line: number }>(
      `SELECT l.amount_minor::text AS amount, e.number, l.line_number AS line
         FROM gl_lines l JOIN journal_entries e ON e.id = l.entry_id JOIN accounts a ON a.id = l.account_id
        WHERE a.code = '1110' AND l.posting_date BETWEEN $1 AND $2
        ORDER BY l.posting_date, e.number, l.line_number`,
      [from, to],
    );
    expect(lines.length).toBeGreaterThan(20);
    const opening = (await naiveBalances('2026-01-09')).get('1110') ?? 0n;
    const seen: { number: string; line: number; running: bigint }[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page = await generalLedger(app.db, { accountCode: '1110', from, to, first: 7, after });
      expect(page.openingBalanceMinor).toBe(opening);
      expect(page.hasPreviousPage).toBe(after !== null);
      for (const l of page.lines)
        seen.push({ number: l.entryNumber, line: l.lineNumber, running: l.runningBalanceMinor });
      pages++;
      if (!page.hasNextPage) {
        expect(page.closingBalanceMinor).toBe((await naiveBalances(to)).get('1110') ?? 0n);
        expect(seen.at(-1)?.running).toBe(page.closingBalanceMinor);
        break;
      }
      after = page.lines.at(-1)?.cursor ?? null;
    }
    expect(pages).toBe(Math.ceil(lines.length / 7));
    let running = opening;
    expect(seen).toEqual(
      lines.map((l) => {
        running += BigInt(l.amount);
        return { number: l.number, line: l.line, running };
      }),
    );
  });

  it('refuses an unknown account, a forged cursor and an oversized page', async () => {
    const args = { accountCode: '1110', from: '2026-01-01', to: '2026-01-31' };
    await expect(generalLedger(app.db, { ...args, accountCode: '9999' })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    await expect(generalLedger(app.db, { ...args, after: 'not-a-cursor' })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    await expect(generalLedger(app.db, { ...args, first: 10_000 })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    await expect(generalLedger(app.db, { ...args, from: '2026-02-01' })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
  });
});
