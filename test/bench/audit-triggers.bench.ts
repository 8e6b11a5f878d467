/**
 * Posting throughput with and without the audit trail's database work: the hash chain on
 * audit_events and the history triggers. Two copies of one migrated client database on one
 * server (fsync on): "with" as migrated, "without" with those triggers disabled (the audit row
 * itself is still written, as before the chain existed). Each measure runs on both copies
 * alternately, three times, and keeps each side's best; the ratio is what matters.
 * Sizes: BENCH_POSTINGS, BENCH_CONCURRENT_POSTINGS, BENCH_BULK_ENTRIES.
 */
import { performance } from 'node:perf_hooks';
import {
  type Actor,
  createDatabase,
  inTransaction,
  migrateTenantDatabase,
  pg,
  tenantDb,
  withClient,
  withDatabase,
} from '@cifra/db';
import { type PostingRequest, postEntries, postEntry } from '@cifra/engine';
import { type BenchRow, defineBench, ratio } from './harness.ts';

const CONNECTIONS = 8;
const YEAR = new Date().getUTCFullYear();

const actor: Actor = {
  userId: '11111111-1111-4111-8111-111111111111',
  email: 'bench@demo.firm',
  requestId: 'bench',
  clientName: 'bench',
  clientVersion: '1',
};

export default defineBench({
  name: 'audit',
  title: 'Posting with and without the audit chain and history triggers (entries/s, one client, fsync on)',
  async run(ctx) {
    const SINGLE = ctx.size('postings', 400);
    const CONCURRENT = ctx.size('concurrent_postings', 800);
    const BULK = ctx.size('bulk_entries', 10_000);
    const server = await ctx.server();
    await createDatabase(server.url, 'bench_with');
    const withUrl = withDatabase(server.url, 'bench_with');
    await migrateTenantDatabase(withUrl);
    const accounts = await withClient(withUrl, async (c) => {
      await c.query(`INSERT INTO company (legal_name, region, base_currency, base_minor_units, timezone)
                   VALUES ('Bench SA', 'PA', 'PAB', 2, 'America/Panama')`);
      const r =
        await c.query(`INSERT INTO accounts (code, name, type) VALUES ('1000', 'Cash', 'ASSET'), ('4000', 'Sales', 'INCOME')
                             RETURNING id`);
      await c.query(
        `INSERT INTO fiscal_years (year, start_date, end_date) VALUES ($1, make_date($1, 1, 1), make_date($1, 12, 31))`,
        [YEAR],
      );
      await c.query(
        `INSERT INTO posting_periods (fiscal_year, period_number, year, month, start_date, end_date)
       SELECT $1, m, $1, m, make_date($1, m, 1), (make_date($1, m, 1) + interval '1 month' - interval '1 day')::date
         FROM generate_series(1, 12) m`,
        [YEAR],
      );
      return r.rows.map((x) => x.id as string);
    });
    await createDatabase(server.url, 'bench_without', 'bench_with');
    const withoutUrl = withDatabase(server.url, 'bench_without');
    await withClient(withoutUrl, async (c) => {
      await c.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_chain');
      await c.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_chain_head');
      await c.query(
        'ALTER TABLE audit_events ALTER COLUMN chain_seq DROP NOT NULL, ALTER COLUMN hash DROP NOT NULL',
      );
      // The engine hands its events to cifra_append_audit_events (tenant 0059), which chains them
      // itself: here it only inserts them, as the trigger-free table would.
      await c.query(`CREATE OR REPLACE FUNCTION cifra_append_audit_events(actor_ids text[], actor_emails text[],
          actions text[], entity_types text[], entity_ids text[], befores jsonb[], afters jsonb[], reasons text[],
          request_ids text[], client_names text[], client_versions text[]) RETURNS void LANGUAGE sql AS $$
        INSERT INTO audit_events (actor_id, actor_email, action, entity_type, entity_id, before, after, reason,
            request_id, client_name, client_version)
          SELECT u.actor_id::uuid, u.actor_email, u.action, u.entity_type, u.entity_id, u.before, u.after, u.reason,
              u.request_id, u.client_name, u.client_version
            FROM unnest(actor_ids, actor_emails, actions, entity_types, entity_ids, befores, afters, reasons,
              request_ids, client_names, client_versions)
              AS u(actor_id, actor_email, action, entity_type, entity_id, before, after, reason, request_id,
                client_name, client_version)
      $$`);
      const tables = await c.query('SELECT table_name FROM cifra_history_tables');
      for (const { table_name: t } of tables.rows) {
        for (const op of ['insert', 'update', 'delete']) {
          await c.query(`ALTER TABLE ${t} DISABLE TRIGGER ${t}_history_${op}`);
        }
      }
    });

    const entry = (i: number): PostingRequest => ({
      kind: 'MANUAL',
      postingDate: `${YEAR}-03-15`,
      memo: `bench ${i}`,
      lines: [
        {
          accountId: accounts[0]!,
          amountMinor: 1000n + BigInt(i),
          originalCurrency: 'PAB',
          originalAmountMinor: 1000n + BigInt(i),
        },
        {
          accountId: accounts[1]!,
          amountMinor: -(1000n + BigInt(i)),
          originalCurrency: 'PAB',
          originalAmountMinor: -(1000n + BigInt(i)),
        },
      ],
    });

    const pools = {
      with: new pg.Pool({
        connectionString: await ctx.appUrl('bench_with'),
        max: CONNECTIONS,
      }),
      without: new pg.Pool({
        connectionString: await ctx.appUrl('bench_without'),
        max: CONNECTIONS,
      }),
    };
    type Side = keyof typeof pools;
    for (const pool of Object.values(pools)) ctx.defer(() => ctx.endPool(pool));

    /** Entries per second: `n` postings, one transaction each, on `workers` connections at once. */
    async function postings(side: Side, n: number, workers: number): Promise<number> {
      const db = tenantDb(pools[side]);
      let next = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: workers }, async () => {
          while (next < n) {
            const i = next++;
            await inTransaction(db, actor, (tx) => postEntry(tx, actor, entry(i)));
          }
        }),
      );
      return n / ((performance.now() - t0) / 1000);
    }

    /** Entries per second through the bulk path: `n` entries, 1,000 per transaction (one audit statement each). */
    async function bulk(side: Side, n: number): Promise<number> {
      const db = tenantDb(pools[side]);
      const t0 = performance.now();
      for (let i = 0; i < n; i += 1_000) {
        const batch = Array.from({ length: Math.min(1_000, n - i) }, (_, k) => entry(i + k));
        await inTransaction(db, actor, (tx) => postEntries(tx, actor, batch));
      }
      return n / ((performance.now() - t0) / 1000);
    }

    const measures: { name: string; run: (side: Side) => Promise<number> }[] = [
      { name: `postEntry, 1 connection (${SINGLE} entries)`, run: (s) => postings(s, SINGLE, 1) },
      {
        name: `postEntry, ${CONNECTIONS} connections (${CONCURRENT} entries)`,
        run: (s) => postings(s, CONCURRENT, CONNECTIONS),
      },
      { name: `postEntries, ${BULK} entries, 1,000 per transaction`, run: (s) => bulk(s, BULK) },
    ];
    // Warm both copies (plans, caches) before measuring.
    await postings('with', 50, 1);
    await postings('without', 50, 1);

    const rows: BenchRow[] = [];
    for (const m of measures) {
      const best = { with: 0, without: 0 };
      for (let round = 0; round < 3; round++) {
        for (const side of (round % 2 === 0 ? ['with', 'without'] : ['without', 'with']) as Side[]) {
          best[side] = Math.max(best[side], await m.run(side));
        }
      }
      rows.push({
        measure: m.name,
        result: ratio(best.with / best.without),
        note: `with ${best.with.toFixed(0)}/s, without ${best.without.toFixed(0)}/s`,
      });
    }
    const check = await withClient(withUrl, (c) =>
      c.query('SELECT problem, checked FROM cifra_verify_audit_chain()'),
    );
    rows.push({
      measure: 'audit chain after the run',
      result: check.rows[0].problem ?? 'intact',
      note: `${check.rows[0].checked} events verified`,
    });
    return rows;
  },
});
