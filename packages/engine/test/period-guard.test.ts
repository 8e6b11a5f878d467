import { pg, withClient } from '@cifra/db';
import { PeriodStates, periodAcceptsPosting, SourceKinds } from '@cifra/domain';
import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestTenantDatabase();
  await withClient(db.adminUrl, async (c) => {
    await c.query(
      `INSERT INTO accounts (code, name, type) VALUES ('1000', 'Cash', 'ASSET'), ('4000', 'Sales', 'INCOME')`,
    );
    await c.query(
      `INSERT INTO fiscal_years (year, start_date, end_date) VALUES (2026, '2026-01-01', '2026-12-31')`,
    );
    await c.query(`INSERT INTO posting_periods (fiscal_year, period_number, year, month, start_date, end_date)
      VALUES (2026, 1, 2026, 1, '2026-01-01', '2026-01-31'), (2026, 2, 2026, 2, '2026-02-01', '2026-02-28')`);
  });
});
afterAll(() => db.drop());

/**
 * Put a month of 2026 (January unless told) in `state` directly, as the owner: the periods' own
 * transition guard (migration 0006) is bypassed for this set-up only, by replica mode in this one
 * session.
 */
async function setState(state: string, month = 1) {
  await withClient(db.adminUrl, async (c) => {
    await c.query('SET session_replication_role = replica');
    await c.query('UPDATE posting_periods SET state = $1 WHERE month = $2', [state, month]);
  });
}

/** A balanced entry's rows for each of `dates`, inserted by one statement each (entries, then lines). */
const ENTRIES_SQL = `
  INSERT INTO journal_entries (number, fiscal_year, period_id, posting_date, source_kind, posted_by)
  SELECT 'JE-' || gen_random_uuid(), 2026, p.id, d.d, 'MANUAL', gen_random_uuid()
    FROM unnest($1::date[]) WITH ORDINALITY AS d(d, o)
    JOIN posting_periods p ON d.d BETWEEN p.start_date AND p.end_date
   ORDER BY d.o
  RETURNING id, actual_posting_date`;
const LINES_SQL = `
  INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor, original_currency, original_amount_minor)
  SELECT e.id, row_number() OVER (PARTITION BY e.id ORDER BY a.code), a.id, e.posting_date,
         CASE a.code WHEN '1000' THEN 100 ELSE -100 END, 'PAB', CASE a.code WHEN '1000' THEN 100 ELSE -100 END
    FROM unnest($1::uuid[], $2::date[]) AS e(id, posting_date) CROSS JOIN accounts a`;

/** Try to write a balanced entry of `kind` into January as the application role, straight in SQL. */
async function insertAs(kind: string, postingDate = '2026-01-15'): Promise<'accepted' | string> {
  return withClient(db.appUrl, async (c) => {
    await c.query('BEGIN');
    try {
      const { rows } = await c.query(
        `INSERT INTO journal_entries (number, fiscal_year, period_id, posting_date, source_kind, posted_by)
         SELECT 'JE-' || gen_random_uuid(), 2026, id, $2::date, $1, gen_random_uuid() FROM posting_periods
          WHERE month = 1 RETURNING id`,
        [kind, postingDate],
      );
      await c.query(
        `INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor, original_currency, original_amount_minor)
         SELECT $1::uuid, row_number() OVER (ORDER BY code), id, $2::date, CASE code WHEN '1000' THEN 100 ELSE -100 END,
                'PAB', CASE code WHEN '1000' THEN 100 ELSE -100 END FROM accounts`,
        [rows[0].id, postingDate],
      );
      return 'accepted';
    } catch (err) {
      return (err as Error).message;
    } finally {
      await c.query('ROLLBACK');
    }
  });
}

describe('the database enforces the period rule the engine enforces', () => {
  for (const state of PeriodStates) {
    it(`agrees with periodAcceptsPosting for every kind in a ${state} period`, async () => {
      await setState(state);
      for (const kind of SourceKinds) {
        const outcome = await insertAs(kind);
        if (periodAcceptsPosting(state, kind)) expect(outcome, kind).toBe('accepted');
        else expect(outcome, kind).toMatch(new RegExp(`is ${state}: it does not accept ${kind} postings`));
      }
    });
  }

  it('refuses an entry whose posting date lies outside its period', async () => {
    await setState('UNLOCKED');
    expect(await insertAs('MANUAL', '2026-02-03')).toMatch(/outside period 2026-1/);
  });
});

describe('the period backstop checks every entry of a statement (tenant migration 0058)', () => {
  it('refuses the whole statement when any of its entries is refused, wherever it stands', async () => {
    await setState('UNLOCKED');
    await setState('LOCKED', 2);
    try {
      for (const dates of [
        ['2026-01-10', '2026-02-10', '2026-01-11'],
        ['2026-02-10', '2026-01-10'],
        ['2026-01-10', '2026-01-11', '2026-02-27'],
      ]) {
        const outcome = await withClient(db.appUrl, async (c) => {
          try {
            await c.query(ENTRIES_SQL, [dates]);
            return 'accepted';
          } catch (err) {
            return (err as Error).message;
          }
        });
        expect(outcome, dates.join(' ')).toMatch(
          /period 2026-02 is LOCKED: it does not accept MANUAL postings/,
        );
      }
      const written = await withClient(
        db.adminUrl,
        async (c) => (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM journal_entries')).rows[0],
      );
      expect(written?.n).toBe(0);
    } finally {
      await setState('UNLOCKED', 2);
    }
  });

  it('accepts a statement of entries across open periods, each stamped with the recorded time', async () => {
    await setState('UNLOCKED');
    const stamped = await withClient(db.appUrl, async (c) => {
      await c.query('BEGIN');
      try {
        const { rows } = await c.query<{ id: string; actual_posting_date: Date }>(ENTRIES_SQL, [
          ['2026-01-10', '2026-02-10'],
        ]);
        await c.query(LINES_SQL, [rows.map((r) => r.id), ['2026-01-10', '2026-02-10']]);
        const mark = await c.query<{ t: Date }>('SELECT cifra_now() AS t');
        return { rows, mark: mark.rows[0]!.t };
      } finally {
        await c.query('ROLLBACK');
      }
    });
    expect(stamped.rows).toHaveLength(2);
    for (const row of stamped.rows) expect(row.actual_posting_date).toEqual(stamped.mark);
  });

  it('a writer with no recorded time waits at the gate, and is stamped after the transition it waited for', async () => {
    await setState('LOCK_SALES');
    const transition = new pg.Client({ connectionString: db.adminUrl });
    const writer = new pg.Client({ connectionString: db.appUrl });
    await Promise.all([transition.connect(), writer.connect()]);
    try {
      const k = (await transition.query<{ k: number }>(`SELECT cifra_period_gate_key('2026-01-01') AS k`))
        .rows[0]!.k;
      await transition.query('BEGIN');
      await transition.query('SELECT pg_advisory_xact_lock(cifra_period_gate_namespace(), $1)', [k]);
      await transition.query('SET LOCAL session_replication_role = replica');
      await transition.query(`UPDATE posting_periods SET state = 'UNLOCKED' WHERE month = 1`);
      await writer.query('BEGIN');
      const inserted = writer.query<{ id: string }>(ENTRIES_SQL, [['2026-01-12']]);
      // The writer's entry waits at January's gate, shared, behind the transition's exclusive hold.
      for (let waiting = 0; waiting === 0; ) {
        const r = await transition.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks
            WHERE locktype = 'advisory' AND NOT granted AND mode = 'ShareLock'
              AND classid = cifra_period_gate_namespace()::oid AND objid = $1::oid`,
          [k],
        );
        waiting = r.rows[0]!.n;
      }
      // The server's clock to the microsecond, read before the transition commits.
      const committing = (await transition.query<{ t: string }>('SELECT clock_timestamp()::text AS t'))
        .rows[0]!.t;
      await transition.query('COMMIT');
      const [row] = (await inserted).rows;
      const stamped = await writer.query<{ after_start: boolean; after_transition: boolean }>(
        `SELECT actual_posting_date > now() AS after_start, actual_posting_date > $1::timestamptz AS after_transition
           FROM journal_entries WHERE id = $2`,
        [committing, row!.id],
      );
      await writer.query('ROLLBACK');
      // Not the writer's transaction start (now()): the time marked once the gate was its.
      expect(stamped.rows[0]).toEqual({ after_start: true, after_transition: true });
    } finally {
      await Promise.all([transition.end(), writer.end()]);
      await setState('UNLOCKED');
    }
  });
});
