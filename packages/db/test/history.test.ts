import { createTestControlDatabase, createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, appLoginRole, inTransaction, pg, tenantDb, withClient } from '../src/index.ts';

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestTenantDatabase();
  pool = new pg.Pool({ connectionString: db.appUrl, max: 2 });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

const alice: Actor = {
  userId: '11111111-1111-4111-8111-111111111111',
  email: 'alice@demo.firm',
  requestId: 'r-a',
};
const bob: Actor = {
  userId: '22222222-2222-4222-8222-222222222222',
  email: 'bob@demo.firm',
  requestId: 'r-b',
  reason: 'Renamed after the client merged two cash accounts',
};

const asApp = (actor: Actor, statement: string) =>
  inTransaction(tenantDb(pool), actor, (tx) => tx.execute(sql.raw(statement)));

const versions = (table: string, id: string) =>
  withClient(db.adminUrl, async (c) => {
    const r = await c.query(
      `SELECT *, valid_to IS NOT NULL AS closed FROM ${table}_history WHERE hist_entity_id = $1 ORDER BY hist_id`,
      [id],
    );
    return r.rows;
  });

describe('system-versioned history', () => {
  it('records every version of an account with who, when and why', async () => {
    const [row] = (
      await asApp(
        alice,
        `INSERT INTO accounts (code, name, type) VALUES ('1110', 'Caja', 'ASSET') RETURNING id`,
      )
    ).rows as { id: string }[];
    const id = row!.id;
    await asApp(bob, `UPDATE accounts SET name = 'Caja general' WHERE id = '${id}'`);
    await asApp(alice, `UPDATE accounts SET active = false WHERE id = '${id}'`);

    const v = await versions('accounts', id);
    expect(v.map((x) => [x.hist_operation, x.name, x.active, x.hist_actor_email, x.closed])).toEqual([
      ['INSERT', 'Caja', true, 'alice@demo.firm', true],
      ['UPDATE', 'Caja general', true, 'bob@demo.firm', true],
      ['UPDATE', 'Caja general', false, 'alice@demo.firm', false],
    ]);
    expect(v[1].hist_reason).toBe(bob.reason);
    expect(v[1].hist_request_id).toBe('r-b');
    expect(v[1].hist_actor_id).toBe(bob.userId);
    // The database role is the client's own login, never a role shared between clients.
    expect(v[0].hist_db_role).toBe(appLoginRole(db.name));
    // Each version ends where the next begins.
    expect(v[0].valid_to).toEqual(v[1].valid_from);
    expect(v[1].valid_to).toEqual(v[2].valid_from);
  });

  it('answers "what did it say at time t" from the history alone', async () => {
    await asApp(
      alice,
      `INSERT INTO fiscal_years (year, start_date, end_date) VALUES (2030, '2030-01-01', '2030-12-31')`,
    );
    await asApp(
      alice,
      `INSERT INTO posting_periods (fiscal_year, period_number, year, month, start_date, end_date)
                        VALUES (2030, 3, 2030, 3, '2030-03-01', '2030-03-31')`,
    );
    const before = await withClient(
      db.adminUrl,
      async (c) => (await c.query('SELECT clock_timestamp() AS t')).rows[0].t,
    );
    await asApp(bob, `UPDATE posting_periods SET state = 'LOCKED' WHERE fiscal_year = 2030`);
    const stateAt = (t: Date) =>
      withClient(db.appUrl, async (c) => {
        const r = await c.query(
          `SELECT state FROM posting_periods_history
            WHERE fiscal_year = 2030 AND valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1)`,
          [t],
        );
        return r.rows.map((x) => x.state);
      });
    expect(await stateAt(before)).toEqual(['UNLOCKED']);
    expect(await stateAt(new Date())).toEqual(['LOCKED']);
  });

  it('keeps a deleted row as a closed DELETE version', async () => {
    await asApp(alice, `INSERT INTO tax_codes (code, name, rate_percent) VALUES ('X1', 'Temp', 1.5)`);
    // The application has no DELETE on tax codes; the owner's delete is versioned all the same.
    await withClient(db.adminUrl, async (c) => {
      await c.query('BEGIN');
      await c.query(`SELECT set_config('cifra.actor_email', 'dba@demo.firm', true)`);
      await c.query(`DELETE FROM tax_codes WHERE code = 'X1'`);
      await c.query('COMMIT');
    });
    const v = await versions('tax_codes', 'X1');
    expect(v.map((x) => [x.hist_operation, x.name, x.closed, x.hist_actor_email])).toEqual([
      ['INSERT', 'Temp', true, 'alice@demo.firm'],
      ['DELETE', 'Temp', true, 'dba@demo.firm'],
    ]);
    expect(v[1].hist_db_role).not.toBe(appLoginRole(db.name));
  });

  it('keys composite primary keys as their values joined by ":"', async () => {
    await asApp(
      alice,
      `INSERT INTO number_sequences (document_type, fiscal_year, prefix) VALUES ('JE', 2030, 'JE')`,
    );
    await asApp(alice, `UPDATE number_sequences SET next_value = next_value + 1 WHERE document_type = 'JE'`);
    expect((await versions('number_sequences', 'JE:2030')).map((x) => x.next_value)).toEqual([1, 2]);
  });

  it('records a bulk statement as one version per row', async () => {
    await asApp(
      alice,
      `INSERT INTO accounts (code, name, type) SELECT 'B' || g, 'Bulk ' || g, 'EXPENSE' FROM generate_series(1, 50) g`,
    );
    await asApp(bob, `UPDATE accounts SET name = name || '!' WHERE code LIKE 'B%'`);
    const n = await withClient(db.adminUrl, (c) =>
      c.query(`SELECT count(*) FILTER (WHERE valid_to IS NULL)::int AS open, count(*)::int AS total
                 FROM accounts_history WHERE code LIKE 'B%'`),
    );
    expect(n.rows[0]).toEqual({ open: 50, total: 100 });
  });

  it('names each row of one statement by cifra.row_provenance, and the rows it does not name by the settings', async () => {
    await asApp(
      alice,
      `INSERT INTO accounts (code, name, type) SELECT 'P' || g, 'Own ' || g, 'EXPENSE' FROM generate_series(1, 3) g`,
    );
    const ids = await withClient(db.adminUrl, async (c) =>
      Object.fromEntries(
        (await c.query(`SELECT code, id::text FROM accounts WHERE code LIKE 'P_'`)).rows.map((r) => [
          r.code,
          r.id,
        ]),
      ),
    );
    // In a transaction of Alice's with a reason: P1 named as Bob's, P2 as nobody's but a request's
    // (its reason missing: none, not Alice's), P3 not named (the transaction's).
    const tidy: Actor = { ...alice, reason: 'Month-end tidy-up' };
    const provenance = JSON.stringify({
      [ids.P1]: { actor_id: bob.userId, actor_email: bob.email, reason: bob.reason, request_id: 'r-p1' },
      [ids.P2]: { actor_id: '', actor_email: '', request_id: 'r-p2' },
    });
    await inTransaction(tenantDb(pool), tidy, async (tx) => {
      await tx.execute(sql`SELECT set_config('cifra.row_provenance', ${provenance}, true)`);
      await tx.execute(sql.raw(`UPDATE accounts SET name = name || '!' WHERE code LIKE 'P_'`));
      await tx.execute(sql`SELECT set_config('cifra.row_provenance', '', true)`);
      await tx.execute(sql.raw(`UPDATE accounts SET active = false WHERE code = 'P1'`));
    });
    const who = async (code: string) =>
      (await versions('accounts', ids[code])).map((v) => [
        v.hist_operation,
        v.hist_actor_id,
        v.hist_actor_email,
        v.hist_reason,
        v.hist_request_id,
      ]);
    const created = ['INSERT', alice.userId, alice.email, null, 'r-a'];
    const byTidy = ['UPDATE', alice.userId, alice.email, tidy.reason, 'r-a'];
    expect(await who('P1')).toEqual([
      created,
      ['UPDATE', bob.userId, bob.email, bob.reason, 'r-p1'],
      // The setting cleared, the next statement is the transaction's author's again.
      byTidy,
    ]);
    expect(await who('P2')).toEqual([created, ['UPDATE', null, null, null, 'r-p2']]);
    expect(await who('P3')).toEqual([created, byTidy]);
  });

  it.each([
    `UPDATE accounts_history SET name = 'rewritten'`,
    `UPDATE accounts_history SET valid_to = now() WHERE valid_to IS NULL`,
    `DELETE FROM accounts_history`,
    `TRUNCATE accounts_history`,
    `INSERT INTO accounts_history (hist_entity_id, valid_from, hist_operation, hist_db_role) VALUES ('x', now(), 'INSERT', 'me')`,
    `TRUNCATE accounts`,
    `SELECT cifra_enable_history('journal_entries')`,
  ])('the application role cannot run %s', async (statement) => {
    const count = () =>
      withClient(
        db.adminUrl,
        async (c) => (await c.query('SELECT count(*)::int AS n FROM accounts_history')).rows[0].n,
      );
    const n = await count();
    await expect(withClient(db.appUrl, (c) => c.query(statement))).rejects.toThrow(
      /permission denied|append-only|must be owner/,
    );
    expect(await count()).toBe(n);
  });

  it.each([
    `UPDATE accounts_history SET name = 'rewritten'`,
    `UPDATE accounts_history SET valid_to = now() - interval '1 day' WHERE valid_to IS NOT NULL`,
    `UPDATE accounts_history SET valid_to = NULL WHERE valid_to IS NOT NULL`,
    `UPDATE accounts_history SET valid_to = now(), name = 'rewritten' WHERE valid_to IS NULL`,
    `UPDATE accounts_history SET hist_actor_email = 'someone@else' WHERE valid_to IS NULL`,
    `DELETE FROM accounts_history`,
    `TRUNCATE accounts_history`,
    `TRUNCATE accounts CASCADE`,
  ])('even the owner cannot run %s', async (statement) => {
    await expect(withClient(db.adminUrl, (c) => c.query(statement))).rejects.toThrow(/append-only/);
  });

  // The trigger's close is planned once per session and kept: first for a statement of 3,000 rows,
  // for one row, or while the history table held three versions; on either plane's generator.
  const primes: [string, (c: pg.Client) => Promise<void>][] = [
    [
      'a bulk statement',
      async (c: pg.Client) => {
        await c.query(`INSERT INTO widget_counters (id) SELECT g FROM generate_series(1, 3000) g`);
        await c.query('ANALYZE widget_counters_history');
        await c.query(`UPDATE widget_counters SET n = n + 1`);
      },
    ],
    [
      'a statement of one row',
      async (c: pg.Client) => {
        await c.query(`INSERT INTO widget_counters (id) SELECT g FROM generate_series(1, 3000) g`);
        await c.query('ANALYZE widget_counters_history');
        await c.query(`UPDATE widget_counters SET n = n + 1 WHERE id = 7`);
      },
    ],
    [
      'a table of three rows',
      async (c: pg.Client) => {
        await c.query(`INSERT INTO widget_counters (id) SELECT g FROM generate_series(1, 3) g`);
        await c.query('ANALYZE widget_counters_history');
        await c.query(`UPDATE widget_counters SET n = n + 1`);
        await c.query(`INSERT INTO widget_counters (id, n) SELECT g, 1 FROM generate_series(4, 3000) g`);
      },
    ],
  ];
  it.each(
    (['tenant', 'control'] as const).flatMap((plane) =>
      primes.map(([cached, prime]) => ({ plane, cached, prime })),
    ),
  )(
    'closes a version by its own entity on the $plane plane, whatever plan $cached left cached',
    async ({ plane, prime }) => {
      const scratch = await (plane === 'tenant' ? createTestTenantDatabase() : createTestControlDatabase());
      try {
        await withClient(scratch.adminUrl, async (c) => {
          await c.query(`CREATE TABLE widget_counters (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)`);
          await c.query(`SELECT cifra_enable_history('widget_counters')`);
          await prime(c);
          await c.query('BEGIN');
          // History tuples read so far in this transaction (sequential and by index).
          const read = async () =>
            Number(
              (
                await c.query(
                  `SELECT seq_tup_read + coalesce(idx_tup_fetch, 0) AS n
                   FROM pg_stat_xact_user_tables WHERE relname = 'widget_counters_history'`,
                )
              ).rows[0].n,
            );
          const before = await read();
          for (let i = 0; i < 50; i++) await c.query(`UPDATE widget_counters SET n = n + 1 WHERE id = 7`);
          // Two reads a statement (the newest version by index, then by its id), not the table's 3,000
          // open versions nor the 50 this row left in the transaction (the old close read 304,225).
          expect(await read()).toBeLessThanOrEqual(before + 2 * 50);
          await c.query('COMMIT');
          const v = await c.query(
            `SELECT n, valid_to IS NULL AS open FROM widget_counters_history WHERE hist_entity_id = '7' ORDER BY hist_id`,
          );
          expect(v.rows.slice(-51).map((r) => r.n)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
          expect(v.rows.map((r) => r.open)).toEqual([...Array(v.rows.length - 1).fill(false), true]);
          const open = await c.query(
            `SELECT count(*)::int AS n FROM widget_counters_history WHERE valid_to IS NULL`,
          );
          expect(open.rows[0].n).toBe(3000);
        });
      } finally {
        await scratch.drop();
      }
    },
  );

  it('is idempotent and follows a new column', async () => {
    const scratch = await createTestTenantDatabase();
    try {
      await withClient(scratch.adminUrl, async (c) => {
        await c.query(`SELECT cifra_enable_history('accounts')`);
        await c.query(`ALTER TABLE accounts ADD COLUMN tag text`);
        await c.query(`SELECT cifra_enable_history('accounts')`);
        await c.query(`INSERT INTO accounts (code, name, type, tag) VALUES ('9', 'Nine', 'ASSET', 'new')`);
        const r = await c.query(`SELECT tag, hist_operation FROM accounts_history WHERE code = '9'`);
        expect(r.rows).toEqual([{ tag: 'new', hist_operation: 'INSERT' }]);
        const t = await c.query(
          `SELECT count(*)::int AS n FROM pg_trigger WHERE tgrelid = 'accounts'::regclass AND tgname LIKE 'accounts_history%'`,
        );
        expect(t.rows[0].n).toBe(4);
      });
    } finally {
      await scratch.drop();
    }
  });

  it('makes the rows that predate versioning their first version, and names the entity type', async () => {
    const scratch = await createTestTenantDatabase();
    try {
      await withClient(scratch.adminUrl, async (c) => {
        await c.query(
          `CREATE TABLE widget_boxes (id int PRIMARY KEY, name text, created_at timestamptz DEFAULT '2020-01-01')`,
        );
        await c.query(`INSERT INTO widget_boxes (id, name) VALUES (1, 'March')`);
        expect((await c.query(`SELECT cifra_enable_history('widget_boxes') AS h`)).rows[0].h).toBe(
          'widget_boxes_history',
        );
        const r = await c.query(`SELECT hist_operation, valid_from FROM widget_boxes_history`);
        expect(r.rows[0].hist_operation).toBe('SNAPSHOT');
        expect(new Date(r.rows[0].valid_from).toISOString()).toBe('2020-01-01T00:00:00.000Z');
        const reg = await c.query(
          `SELECT entity_type, table_name FROM cifra_history_tables ORDER BY entity_type`,
        );
        expect(reg.rows.map((x) => x.entity_type)).toEqual([
          'Account',
          'AccountRoleBinding',
          'Allocation',
          'Company',
          'Document',
          'DocumentLine',
          'DraftAllocation',
          'FiscalYear',
          'Item',
          'JournalDraft',
          'JournalDraftLine',
          'NumberSequence',
          'NumberingPrefix',
          'OpeningImport',
          'Party',
          'PeriodClose',
          'PeriodTransition',
          'PostingPeriod',
          'RecurringRun',
          'RecurringTemplate',
          'RecurringTemplateLine',
          'TaxCode',
          'TaxCodeRate',
          'Void',
          'WidgetBox',
          'YearEndClose',
          'YearEndCloseLine',
          'YearEndCloseReversal',
        ]);
      });
    } finally {
      await scratch.drop();
    }
  });
});

describe('control-plane history', () => {
  it('versions memberships and settings with the actor', async () => {
    const cp = await createTestControlDatabase();
    try {
      const cpool = new pg.Pool({ connectionString: cp.adminUrl, max: 1 });
      try {
        await inTransaction(tenantDb(cpool), alice, (tx) =>
          tx.execute(sql`INSERT INTO firms (slug, name) VALUES ('f1', 'Firm One')`),
        );
        await inTransaction(tenantDb(cpool), bob, (tx) =>
          tx.execute(
            sql`INSERT INTO firm_settings (firm_id, key, value) SELECT id, 'region', '"PA"' FROM firms`,
          ),
        );
        await inTransaction(tenantDb(cpool), alice, (tx) =>
          tx.execute(sql`UPDATE firm_settings SET value = '"CR"'`),
        );
      } finally {
        await cpool.end();
      }
      const r = await withClient(cp.adminUrl, (c) =>
        c.query(`SELECT hist_operation, value, hist_actor_email FROM firm_settings_history ORDER BY hist_id`),
      );
      expect(r.rows).toEqual([
        { hist_operation: 'INSERT', value: 'PA', hist_actor_email: 'bob@demo.firm' },
        { hist_operation: 'UPDATE', value: 'CR', hist_actor_email: 'alice@demo.firm' },
      ]);
    } finally {
      await cp.drop();
    }
  });
});
