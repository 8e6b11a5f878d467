/**
 * Ledger benchmarks, one client, fsync on:
 *  1. posting throughput of 2-line entries: the engine's bulk path (postEntries, 1,000 entries per
 *     transaction, every check and trigger in place) against a naive drizzle insert, one
 *     transaction per entry and no checks, in the same run;
 *  2. trialBalance at 10k and at 1M GL lines (whole periods from account_period_balances, the
 *     period containing asOf from its lines): the ratio should stay near 1.
 * Sizes: BENCH_ENGINE_ENTRIES, BENCH_NAIVE_ENTRIES, BENCH_TB_LINES.
 */
import { performance } from 'node:perf_hooks';
import {
  createDatabase,
  inTransaction,
  migrateTenantDatabase,
  pg,
  tenant,
  tenantDb,
  withDatabase,
} from '@cifra/db';
import { postEntries } from '@cifra/engine';
import { eq } from 'drizzle-orm';
import { trialBalance } from '../../subgraphs/ledger/src/services/trial-balance.service.ts';
import { seedTestBooks, TEST_ACTOR } from '../../subgraphs/ledger/test/books.ts';
import { type BenchContext, type BenchRow, defineBench, median, ms, perSecond, ratio } from './harness.ts';

const BATCH = 1_000;
const SMALL_LINES = 10_000;
const TB_RUNS = 9;
const YEAR = 2026;

const twoLine = (i: number, cash: string, sales: string) => ({
  kind: 'MANUAL' as const,
  postingDate: `${YEAR}-03-${String(1 + (i % 28)).padStart(2, '0')}`,
  memo: `bench ${i}`,
  idempotencyKey: `bench-${i}`,
  lines: [
    {
      accountId: cash,
      amountMinor: 10_000n + BigInt(i),
      originalCurrency: 'PAB',
      originalAmountMinor: 10_000n + BigInt(i),
    },
    {
      accountId: sales,
      amountMinor: -(10_000n + BigInt(i)),
      originalCurrency: 'PAB',
      originalAmountMinor: -(10_000n + BigInt(i)),
    },
  ],
});

/** A migrated client database with a Panama chart and the periods of YEAR, used as the application role. */
async function books(ctx: BenchContext, name: string) {
  const server = await ctx.server();
  await createDatabase(server.url, name);
  const adminUrl = withDatabase(server.url, name);
  await migrateTenantDatabase(adminUrl);
  await seedTestBooks(adminUrl, [YEAR]);
  const pool = new pg.Pool({
    connectionString: await ctx.appUrl(name),
    max: 1,
  });
  ctx.defer(() => ctx.endPool(pool));
  const { rows } = await pool.query<{ id: string; code: string }>('SELECT id, code FROM accounts');
  const id = (code: string) => rows.find((r) => r.code === code)?.id as string;
  return { adminUrl, db: tenantDb(pool), id };
}

async function posting(ctx: BenchContext): Promise<BenchRow[]> {
  const engineEntries = ctx.size('engine_entries', 20_000);
  const naiveEntries = ctx.size('naive_entries', 2_000);

  const engine = await books(ctx, 'bench_engine');
  const [cash, sales] = [engine.id('1110'), engine.id('4101')];
  let t0 = performance.now();
  for (let i = 0; i < engineEntries; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, engineEntries - i) }, (_, k) =>
      twoLine(i + k, cash, sales),
    );
    await inTransaction(engine.db, TEST_ACTOR, (tx) => postEntries(tx, TEST_ACTOR, batch));
  }
  const engineMs = performance.now() - t0;

  const naive = await books(ctx, 'bench_naive');
  const [period] = await naive.db
    .select()
    .from(tenant.postingPeriods)
    .where(eq(tenant.postingPeriods.month, 3));
  const [nCash, nSales] = [naive.id('1110'), naive.id('4101')];
  t0 = performance.now();
  for (let i = 0; i < naiveEntries; i++) {
    const e = twoLine(i, nCash, nSales);
    await naive.db.transaction(async (tx) => {
      const [entry] = await tx
        .insert(tenant.journalEntries)
        .values({
          number: `NAIVE-${i}`,
          fiscalYear: YEAR,
          periodId: period?.id as string,
          postingDate: e.postingDate,
          sourceKind: 'MANUAL',
          memo: e.memo,
          idempotencyKey: e.idempotencyKey,
          postedBy: TEST_ACTOR.userId as string,
        })
        .returning({ id: tenant.journalEntries.id });
      await tx.insert(tenant.glLines).values(
        e.lines.map((l, n) => ({
          entryId: entry?.id as string,
          lineNumber: n + 1,
          accountId: l.accountId,
          postingDate: e.postingDate,
          amountMinor: l.amountMinor,
          originalCurrency: 'PAB',
          originalAmountMinor: l.originalAmountMinor,
        })),
      );
    });
  }
  const naiveMs = performance.now() - t0;
  const rate = (n: number, millis: number) => n / (millis / 1000);
  return [
    {
      measure: 'engine bulk (postEntries)',
      result: perSecond(engineEntries, engineMs, 'entries'),
      note: `${engineEntries.toLocaleString('en')} entries in ${(engineMs / 1000).toFixed(2)} s, ${BATCH} per transaction`,
    },
    {
      measure: 'naive, 1 transaction per entry',
      result: perSecond(naiveEntries, naiveMs, 'entries'),
      note: `${naiveEntries.toLocaleString('en')} entries in ${(naiveMs / 1000).toFixed(2)} s, no checks`,
    },
    {
      measure: 'ratio engine / naive',
      result: ratio(rate(engineEntries, engineMs) / rate(naiveEntries, naiveMs)),
      note: 'targets: ≥ 5,000 entries/s and ≥ 4×',
    },
  ];
}

async function trialBalances(ctx: BenchContext): Promise<BenchRow[]> {
  const largeLines = ctx.size('tb_lines', 1_000_000);
  // Loaded as the owner through gl_lines (the trigger keeps the balances), spread over the twelve
  // periods and 40 accounts.
  async function loaded(name: string, lines: number) {
    const b = await books(ctx, name);
    const admin = new pg.Client({ connectionString: b.adminUrl });
    await admin.connect();
    try {
      const t = performance.now();
      await admin.query('BEGIN');
      await admin.query(
        `INSERT INTO journal_entries (id, number, fiscal_year, period_id, posting_date, source_kind, posted_by)
         SELECT md5('e' || g)::uuid, 'LOAD-' || g, ${YEAR}, p.id, d.day, 'MANUAL', '${TEST_ACTOR.userId}'
           FROM generate_series(1, $1::int) g
           CROSS JOIN LATERAL (SELECT ('${YEAR}-01-01'::date + (g % 365))::date AS day) d
           JOIN posting_periods p ON d.day BETWEEN p.start_date AND p.end_date`,
        [lines / 2],
      );
      // The first 40 accounts that are not control accounts: a manual line on a receivable,
      // payable or tax account must name a party (trigger gl_lines_control_account_party).
      await admin.query(
        `WITH acc AS (
           SELECT array_agg(id ORDER BY code) AS ids FROM (
             SELECT id, code FROM accounts
              WHERE id NOT IN (SELECT account_id FROM account_role_bindings
                                WHERE role IN ('DefaultAR', 'DefaultAP', 'SalesTaxPayable', 'PurchaseTaxReceivable'))
              ORDER BY code LIMIT 40) a)
         INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor, original_currency, original_amount_minor)
         SELECT md5('e' || g)::uuid, s.n, acc.ids[1 + ((g * 7 + s.n * 13) % 40)], ('${YEAR}-01-01'::date + (g % 365)),
                s.sign * (100 + g % 100000), 'PAB', s.sign * (100 + g % 100000)
           FROM generate_series(1, $1::int) g, acc,
                (VALUES (1::smallint, 1), (2::smallint, -1)) AS s(n, sign)`,
        [lines / 2],
      );
      await admin.query('COMMIT');
      const loadMs = performance.now() - t;
      await admin.query('VACUUM ANALYZE');
      return { ...b, loadMs };
    } finally {
      await admin.end();
    }
  }
  const small = await loaded('bench_tb_small', SMALL_LINES);
  ctx.progress(`loading ${largeLines.toLocaleString('en')} lines`);
  const large = await loaded('bench_tb_large', largeLines);

  async function timeTb(db: typeof small.db, asOf: string) {
    const times: number[] = [];
    let accounts = 0;
    for (let i = 0; i < TB_RUNS; i++) {
      const t = performance.now();
      const tb = await trialBalance(db, asOf);
      times.push(performance.now() - t);
      accounts = tb.length;
      if (tb.reduce((s, r) => s + r.balanceMinor, 0n) !== 0n)
        throw new Error('trial balance does not balance');
    }
    return { ms: median(times.slice(1)), accounts };
  }
  const rows: BenchRow[] = [];
  for (const [asOf, kind, note] of [
    [`${YEAR}-09-30`, 'period end', 'balances table only'],
    [`${YEAR}-06-15`, 'mid-period', 'reads the lines of the one open period (1/12 of the books here)'],
  ] as const) {
    const s = await timeTb(small.db, asOf);
    const l = await timeTb(large.db, asOf);
    rows.push(
      {
        measure: `trialBalance ${kind}, ${SMALL_LINES.toLocaleString('en')} lines`,
        result: ms(s.ms),
        note: `${s.accounts} accounts, asOf ${asOf}, median of ${TB_RUNS - 1} warm runs`,
      },
      { measure: `trialBalance ${kind}, ${largeLines.toLocaleString('en')} lines`, result: ms(l.ms) },
      { measure: `ratio ${kind}, ${largeLines / SMALL_LINES}× the lines`, result: ratio(l.ms / s.ms), note },
    );
  }
  rows.push({
    measure: `load ${largeLines.toLocaleString('en')} lines`,
    result: `${(large.loadMs / 1000).toFixed(1)} s`,
    note: 'one INSERT … SELECT generate_series through gl_lines: the trigger keeps the balances',
  });
  return rows;
}

export default defineBench({
  name: 'ledger',
  title: 'Ledger: posting throughput and trial balance against the size of the books (one client, fsync on)',
  run: async (ctx) => [...(await posting(ctx)), ...(await trialBalances(ctx))],
});
