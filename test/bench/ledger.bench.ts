/**
 * Ledger benchmarks (`pnpm bench`), on an embedded PostgreSQL server with fsync ON, one client:
 *  1. posting throughput of 2-line entries: the engine's bulk path (postEntries, 1,000 entries per
 *     transaction) against a naive drizzle insert, one transaction per entry, in the same run;
 *  2. trialBalance at 10k and at 1M GL lines (whole periods from account_period_balances, the
 *     period containing asOf from its lines): the ratio should stay near 1.
 * Prints one table; compare ratios, which are measured side by side in this one run.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  APP_ROLE,
  createDatabase,
  ensureAppRole,
  inTransaction,
  migrateTenantDatabase,
  pg,
  tenant,
  tenantDb,
  withCredentials,
  withDatabase,
} from '@cifra/db';
import { startEmbeddedPostgres } from '@cifra/db/embedded';
import { postEntries } from '@cifra/engine';
import { eq } from 'drizzle-orm';
import { trialBalance } from '../../subgraphs/ledger/src/services/trial-balance.service.ts';
import { seedTestBooks, TEST_ACTOR } from '../../subgraphs/ledger/test/books.ts';

const ENGINE_ENTRIES = Number(process.env.BENCH_ENGINE_ENTRIES ?? 20_000);
const NAIVE_ENTRIES = Number(process.env.BENCH_NAIVE_ENTRIES ?? 2_000);
const BATCH = 1_000;
const LARGE_LINES = Number(process.env.BENCH_TB_LINES ?? 1_000_000);
const SMALL_LINES = 10_000;
const TB_RUNS = 9;
const YEAR = 2026;
const APP_PASSWORD = 'bench-app';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const dir = await mkdtemp(path.join(os.tmpdir(), 'cifra-ledger-bench-'));
await chmod(dir, 0o755);
const server = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), password: 'bench', durable: true });
await ensureAppRole(server.url, APP_PASSWORD);

/** A migrated client database with a Panama chart and the periods of YEAR. */
async function books(name: string) {
  await createDatabase(server.url, name);
  const adminUrl = withDatabase(server.url, name);
  await migrateTenantDatabase(adminUrl);
  await seedTestBooks(adminUrl, [YEAR]);
  const pool = new pg.Pool({ connectionString: withCredentials(adminUrl, APP_ROLE, APP_PASSWORD), max: 1 });
  const { rows } = await pool.query<{ id: string; code: string }>('SELECT id, code FROM accounts');
  const id = (code: string) => rows.find((r) => r.code === code)?.id as string;
  return { adminUrl, pool, db: tenantDb(pool), id };
}

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

const rows: string[][] = [];
try {
  // 1. Posting throughput, engine and naive on separate databases of the same server.
  const engineBooks = await books('bench_engine');
  const cash = engineBooks.id('1110');
  const sales = engineBooks.id('4101');
  let t0 = performance.now();
  for (let i = 0; i < ENGINE_ENTRIES; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, ENGINE_ENTRIES - i) }, (_, k) =>
      twoLine(i + k, cash, sales),
    );
    await inTransaction(engineBooks.db, TEST_ACTOR, (tx) => postEntries(tx, TEST_ACTOR, batch));
  }
  const engineS = (performance.now() - t0) / 1000;
  const engineRate = ENGINE_ENTRIES / engineS;

  const naiveBooks = await books('bench_naive');
  const [period] = await naiveBooks.db
    .select()
    .from(tenant.postingPeriods)
    .where(eq(tenant.postingPeriods.month, 3));
  const nCash = naiveBooks.id('1110');
  const nSales = naiveBooks.id('4101');
  t0 = performance.now();
  for (let i = 0; i < NAIVE_ENTRIES; i++) {
    const e = twoLine(i, nCash, nSales);
    await naiveBooks.db.transaction(async (tx) => {
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
  const naiveS = (performance.now() - t0) / 1000;
  const naiveRate = NAIVE_ENTRIES / naiveS;
  rows.push(
    [
      'engine bulk (postEntries)',
      `${engineRate.toFixed(0)} entries/s`,
      `${ENGINE_ENTRIES} entries in ${engineS.toFixed(2)} s, ${BATCH} per transaction`,
    ],
    [
      'naive, 1 transaction/entry',
      `${naiveRate.toFixed(0)} entries/s`,
      `${NAIVE_ENTRIES} entries in ${naiveS.toFixed(2)} s`,
    ],
    ['ratio engine / naive', `${(engineRate / naiveRate).toFixed(1)}×`, 'targets ≥ 5,000 entries/s and ≥ 4×'],
  );
  await engineBooks.pool.end();
  await naiveBooks.pool.end();

  // 2. Trial balance at 10k and 1M lines, loaded as the owner through gl_lines (the trigger keeps
  // the balances), spread over the twelve periods and 40 accounts.
  async function loaded(name: string, lines: number) {
    const b = await books(name);
    const admin = new pg.Client({ connectionString: b.adminUrl });
    await admin.connect();
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
    await admin.query(
      `WITH acc AS (SELECT array_agg(id ORDER BY code) AS ids FROM accounts)
       INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor, original_currency, original_amount_minor)
       SELECT md5('e' || g)::uuid, s.n, acc.ids[1 + ((g * 7 + s.n * 13) % 40)], ('${YEAR}-01-01'::date + (g % 365)),
              s.sign * (100 + g % 100000), 'PAB', s.sign * (100 + g % 100000)
         FROM generate_series(1, $1::int) g, acc,
              (VALUES (1::smallint, 1), (2::smallint, -1)) AS s(n, sign)`,
      [lines / 2],
    );
    await admin.query('COMMIT');
    const loadS = (performance.now() - t) / 1000;
    await admin.query('VACUUM ANALYZE');
    await admin.end();
    return { ...b, loadS };
  }
  const small = await loaded('bench_tb_small', SMALL_LINES);
  const large = await loaded('bench_tb_large', LARGE_LINES);
  async function timeTb(db: typeof small.db, asOf: string) {
    const times: number[] = [];
    let rowsSeen = 0;
    for (let i = 0; i < TB_RUNS; i++) {
      const t = performance.now();
      const tb = await trialBalance(db, asOf);
      times.push(performance.now() - t);
      rowsSeen = tb.length;
      if (tb.reduce((s, r) => s + r.balanceMinor, 0n) !== 0n)
        throw new Error('trial balance does not balance');
    }
    return { ms: median(times.slice(1)), rows: rowsSeen };
  }
  for (const asOf of [`${YEAR}-09-30`, `${YEAR}-06-15`]) {
    const s = await timeTb(small.db, asOf);
    const l = await timeTb(large.db, asOf);
    const kind = asOf.endsWith('30') ? 'period end' : 'mid-period';
    rows.push(
      [
        `trialBalance ${kind}, ${SMALL_LINES.toLocaleString('en')} lines`,
        `${s.ms.toFixed(2)} ms`,
        `${s.rows} accounts, asOf ${asOf}`,
      ],
      [
        `trialBalance ${kind}, ${LARGE_LINES.toLocaleString('en')} lines`,
        `${l.ms.toFixed(2)} ms`,
        `${l.rows} accounts, asOf ${asOf}`,
      ],
      [
        `ratio ${kind} ${LARGE_LINES / SMALL_LINES}× lines`,
        `${(l.ms / s.ms).toFixed(2)}×`,
        kind === 'mid-period'
          ? 'reads the lines of the one open period (1/12 of the books here)'
          : 'balances table only',
      ],
    );
  }
  rows.push([
    'load 1M lines (generate_series)',
    `${large.loadS.toFixed(1)} s`,
    'through gl_lines: the trigger keeps the balances',
  ]);
  await small.pool.end();
  await large.pool.end();

  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  process.stdout.write(
    `\nledger (one client, fsync on, load average ${os.loadavg()[0]?.toFixed(1)} on ${os.cpus().length} cores)\n`,
  );
  for (const r of rows)
    process.stdout.write(`  ${r.map((c, i) => c.padEnd(widths[i] as number)).join('  ')}\n`);
} finally {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
