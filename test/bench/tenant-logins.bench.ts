/**
 * Per-client database logins (docs/adr/0003) against the shared login they replaced, side by side
 * on one server, fsync on. The "shared" side is the former scheme rebuilt: one login, member of
 * cifra_app, with CONNECT on every client database. The "own" side is each client's own login, as
 * the tenant registry opens it. Both sides read identical copies of the same books, in alternating
 * rounds so the machine's load falls on both alike:
 *  1. opening a client: a new pool, its first connection (authentication included) and a query,
 *     for every client in turn (what the registry does past its pool bound);
 *  2. warm reads across the clients, one pool each, 8 in flight;
 *  3. single postings (one transaction each) across the clients, 8 in flight;
 *  4. investigations: before, `SET LOCAL ROLE readonly_investigator` on the pooled application
 *     connection; now, a connection of the client's investigator login per investigation.
 * Sizes: BENCH_LOGIN_CLIENTS, BENCH_LOGIN_READS, BENCH_LOGIN_POSTINGS, BENCH_LOGIN_INVESTIGATIONS.
 */
import { performance } from 'node:perf_hooks';
import {
  createDatabase,
  ensureInvestigatorLogin,
  inTransaction,
  investigatorUrl,
  migrateTenantDatabase,
  pg,
  quoteIdent,
  runInvestigation,
  tenantDb,
  withClient,
  withCredentials,
  withDatabase,
} from '@cifra/db';
import { postEntries } from '@cifra/engine';
import { seedTestBooks, TEST_ACTOR } from '../../subgraphs/ledger/test/books.ts';
import { type BenchRow, defineBench, median, ms, perSecond, ratio } from './harness.ts';

const SHARED_LOGIN = 'bench_shared_app';
const SHARED_PASSWORD = 'bench-shared-app';
const INVESTIGATOR_SECRET = 'bench-investigator-secret';
const ROUNDS = 5;
const IN_FLIGHT = 8;
const TEMPLATE = 'bench_logins_template';
const INVESTIGATION = "SELECT code, name FROM accounts WHERE type = 'ASSET' ORDER BY code";

type Side = 'shared' | 'own';

/** Run `n` tasks, `IN_FLIGHT` at a time; answers the elapsed milliseconds. */
async function inFlight(n: number, task: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (let i = next++; i < n; i = next++) await task(i);
    }),
  );
  return performance.now() - t0;
}

export default defineBench({
  name: 'tenant-logins',
  title: 'Per-client database logins against one shared login (tenant registry paths)',
  async run(ctx) {
    const clients = ctx.size('login_clients', 20);
    const reads = ctx.size('login_reads', 10_000);
    const postings = ctx.size('login_postings', 600);
    const investigations = ctx.size('login_investigations', 200);
    const server = await ctx.server();

    await createDatabase(server.url, TEMPLATE);
    await migrateTenantDatabase(withDatabase(server.url, TEMPLATE));
    await seedTestBooks(withDatabase(server.url, TEMPLATE), [2026]);
    const accounts = await withClient(withDatabase(server.url, TEMPLATE), async (c) => {
      const r = await c.query<{ id: string; code: string }>(
        `SELECT id, code FROM accounts WHERE code IN ('1110', '4101')`,
      );
      return Object.fromEntries(r.rows.map((row) => [row.code, row.id])) as Record<string, string>;
    });

    // The former scheme: one login for every client database, able to switch to the investigator.
    await withClient(withDatabase(server.url, 'postgres'), async (c) => {
      await c.query(`CREATE ROLE ${SHARED_LOGIN} LOGIN INHERIT PASSWORD '${SHARED_PASSWORD}'`);
      await c.query(`GRANT cifra_app TO ${SHARED_LOGIN}`);
      await c.query(`GRANT readonly_investigator TO ${SHARED_LOGIN} WITH INHERIT FALSE, SET TRUE`);
    });
    ctx.progress(`copying ${clients} clients per side`);
    const urls: Record<Side, string[]> = { shared: [], own: [] };
    const investigatorUrls: string[] = [];
    for (let i = 0; i < clients; i++) {
      const shared = `bench_shared_${i}`;
      await createDatabase(server.url, shared, TEMPLATE, [SHARED_LOGIN]);
      urls.shared.push(withCredentials(withDatabase(server.url, shared), SHARED_LOGIN, SHARED_PASSWORD));
      const own = `bench_own_${i}`;
      await createDatabase(server.url, own, TEMPLATE);
      urls.own.push(await ctx.appUrl(own));
      await ensureInvestigatorLogin(server.url, own, INVESTIGATOR_SECRET);
      investigatorUrls.push(investigatorUrl(server.url, own, INVESTIGATOR_SECRET));
    }

    const pools: Record<Side, pg.Pool[]> = {
      shared: urls.shared.map((u) => new pg.Pool({ connectionString: u, max: 2 })),
      own: urls.own.map((u) => new pg.Pool({ connectionString: u, max: 2 })),
    };
    for (const side of Object.values(pools)) for (const p of side) ctx.defer(() => ctx.endPool(p));

    const open = async (side: Side) => {
      const t0 = performance.now();
      for (const url of urls[side]) {
        const pool = new pg.Pool({ connectionString: url, max: 1 });
        await pool.query('SELECT count(*) FROM accounts');
        await pool.end();
      }
      return (performance.now() - t0) / clients;
    };
    const warmReads = (side: Side) =>
      inFlight(reads, (i) => pools[side][i % clients]!.query('SELECT count(*) FROM accounts'));
    let posted = 0;
    const post = (side: Side) =>
      inFlight(postings, (i) => {
        const n = posted++;
        const db = tenantDb(pools[side][i % clients]!);
        return inTransaction(db, TEST_ACTOR, (tx) =>
          postEntries(tx, TEST_ACTOR, [
            {
              kind: 'MANUAL',
              postingDate: '2026-03-15',
              memo: `login bench ${n}`,
              idempotencyKey: `login-bench-${side}-${n}`,
              lines: [
                {
                  accountId: accounts['1110']!,
                  amountMinor: 100n,
                  originalCurrency: 'PAB',
                  originalAmountMinor: 100n,
                },
                {
                  accountId: accounts['4101']!,
                  amountMinor: -100n,
                  originalCurrency: 'PAB',
                  originalAmountMinor: -100n,
                },
              ],
            },
          ]),
        );
      });
    const investigate = (side: Side) =>
      inFlight(investigations, async (i) => {
        if (side === 'own')
          return withClient(investigatorUrls[i % clients]!, (c) => runInvestigation(c, INVESTIGATION));
        const c = await pools.shared[i % clients]!.connect();
        try {
          await c.query('BEGIN READ ONLY');
          await c.query(`SET LOCAL ROLE ${quoteIdent('readonly_investigator')}`);
          return await c.query(INVESTIGATION);
        } finally {
          await c.query('ROLLBACK');
          c.release();
        }
      });

    const both = (): Record<Side, number[]> => ({ shared: [], own: [] });
    const samples = { open: both(), reads: both(), posts: both(), inv: both() };
    for (let round = 0; round < ROUNDS; round++) {
      ctx.progress(`round ${round + 1} of ${ROUNDS}`);
      const order: Side[] = round % 2 === 0 ? ['shared', 'own'] : ['own', 'shared'];
      for (const side of order) samples.open[side].push(await open(side));
      for (const side of order) samples.reads[side].push(await warmReads(side));
      for (const side of order) samples.posts[side].push(await post(side));
      for (const side of order) samples.inv[side].push(await investigate(side));
    }
    const m = (k: keyof typeof samples, side: Side) => median(samples[k][side]);
    // Every sample is a time: a ratio above 1 means the per-client logins are slower.
    const row = (measure: string, k: keyof typeof samples, format: (side: Side) => string): BenchRow => ({
      measure,
      result: `${format('own')} vs ${format('shared')}`,
      note: `time own / shared ${ratio(m(k, 'own') / m(k, 'shared'))} (median of ${ROUNDS} alternating rounds)`,
    });
    return [
      row(`open a client (pool, connect, query), ${clients} clients`, 'open', (s) => ms(m('open', s))),
      row(`warm reads across ${clients} clients, ${IN_FLIGHT} in flight`, 'reads', (s) =>
        perSecond(reads, m('reads', s), 'queries'),
      ),
      row(`single postings across ${clients} clients, ${IN_FLIGHT} in flight`, 'posts', (s) =>
        perSecond(postings, m('posts', s), 'entries'),
      ),
      row(
        `investigations across ${clients} clients, ${IN_FLIGHT} in flight (own: a login connection each)`,
        'inv',
        (s) => perSecond(investigations, m('inv', s), 'investigations'),
      ),
    ];
  },
});
