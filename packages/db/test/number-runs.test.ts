import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appLoginRole, pg, withClient } from '../src/index.ts';

/**
 * A group's numbers of one sequence in one UPDATE of the number row (tenant migration 0042,
 * `cifra_take_number_run`): the row's history must read exactly as when each number was taken by an
 * UPDATE of its own under its own author's settings — one version per number, in number order, each
 * naming who took it, all but the last closed.
 */
let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestTenantDatabase();
  pool = new pg.Pool({ connectionString: db.appUrl, max: 4 });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

interface Author {
  id: string;
  email: string;
  reason: string;
  request: string;
}
const author = (n: number, reason = ''): Author => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  email: `author${n}@demo.firm`,
  reason,
  request: `req-${n}`,
});
const authors = [author(1), author(2, 'Month-end batch'), author(1), author(3)];
const arrays = (list: readonly Author[]) => [
  list.map((a) => a.id),
  list.map((a) => a.email),
  list.map((a) => a.reason),
  list.map((a) => a.request),
];

/**
 * Numbers taken the way before 0042: one UPDATE a number under its author's settings, as a posting
 * in a transaction of its own takes it (the sequence opened under the first author's).
 */
async function oneByOne(c: pg.PoolClient, type: string, list: readonly Author[]): Promise<number[]> {
  const taken: number[] = [];
  for (const a of list) {
    await c.query(
      `SELECT set_config('cifra.actor_id', $1, true), set_config('cifra.actor_email', $2, true),
              set_config('cifra.reason', $3, true), set_config('cifra.request_id', $4, true)`,
      [a.id, a.email, a.reason, a.request],
    );
    await c.query(
      `INSERT INTO number_sequences (document_type, fiscal_year, prefix) VALUES ($1, 2026, $1) ON CONFLICT DO NOTHING`,
      [type],
    );
    const r = await c.query(
      `UPDATE number_sequences SET next_value = next_value + 1 WHERE document_type = $1 AND fiscal_year = 2026
       RETURNING next_value - 1 AS value`,
      [type],
    );
    taken.push(r.rows[0].value);
  }
  return taken;
}

/** Numbers taken as a group takes them now: one run, its first number and prefix. */
async function asRun(c: pg.PoolClient, type: string, list: readonly Author[]): Promise<number[]> {
  const r = await c.query(
    `SELECT first_value, number_prefix FROM cifra_take_number_run($1, 2026, $1, $2::text[], $3::text[], $4::text[], $5::text[])`,
    [type, ...arrays(list)],
  );
  if (list.length === 0) {
    expect(r.rows).toEqual([]);
    return [];
  }
  expect(r.rows).toHaveLength(1);
  expect(r.rows[0].number_prefix).toBe(type);
  return list.map((_, i) => r.rows[0].first_value + i);
}

/**
 * A group's numbers of several types (and years, 2026 unless given) as the group calls take them
 * (`cifra_take_numbers_for`: one sequence by its run, several together since tenant migration 0061).
 */
const numbersFor = (
  c: pg.PoolClient,
  types: readonly string[],
  list: readonly Author[],
  years: readonly number[] = types.map(() => 2026),
) =>
  c
    .query(
      `SELECT cifra_take_numbers_for($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[]) AS n`,
      [types, years, ...arrays(list)],
    )
    .then((r) => r.rows[0].n as string[]);

async function inTx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (error) {
    await c.query('ROLLBACK');
    throw error;
  } finally {
    c.release();
  }
}

/** A sequence's versions, in the order written, as the history reads them (times as flags). */
const history = (type: string) =>
  withClient(db.adminUrl, async (c) => {
    const r = await c.query(
      `SELECT hist_operation AS op, next_value, hist_actor_id AS actor, hist_actor_email AS email,
              hist_reason AS reason, hist_request_id AS request, hist_db_role AS role,
              valid_to IS NULL AS open, valid_to = valid_from AS instant, valid_from, valid_to
         FROM number_sequences_history WHERE hist_entity_id = $1 || ':2026' ORDER BY hist_id`,
      [type],
    );
    return r.rows;
  });
const shape = (rows: Record<string, unknown>[]) => rows.map(({ valid_from, valid_to, ...rest }) => rest);

describe('a run of numbers in one UPDATE', () => {
  it('leaves the same history as one UPDATE a number, version for version', async () => {
    // Each sequence first takes a number alone (an open version to close), then four in one transaction.
    await inTx((c) => oneByOne(c, 'OLD', [author(9)]));
    await inTx((c) => asRun(c, 'RUN', [author(9)]));
    const old = await inTx((c) => oneByOne(c, 'OLD', authors));
    const run = await inTx((c) => asRun(c, 'RUN', authors));
    expect(run).toEqual([2, 3, 4, 5]);
    expect(run).toEqual(old);
    const [h1, h2] = [await history('OLD'), await history('RUN')];
    expect(shape(h2)).toEqual(shape(h1));
    expect(h2.map((v) => [v.op, v.next_value, v.email, v.open])).toEqual([
      ['INSERT', 1, 'author9@demo.firm', false],
      ['UPDATE', 2, 'author9@demo.firm', false],
      ['UPDATE', 3, 'author1@demo.firm', false],
      ['UPDATE', 4, 'author2@demo.firm', false],
      ['UPDATE', 5, 'author1@demo.firm', false],
      ['UPDATE', 6, 'author3@demo.firm', true],
    ]);
    expect(h2[3]?.reason).toBe('Month-end batch');
    expect(h2[3]?.request).toBe('req-2');
    expect(h2[5]?.role).toBe(appLoginRole(db.name));
    // The versions of one transaction are valid from and to its one recorded time.
    const last = h2.slice(2);
    expect(new Set(last.map((v) => String(v.valid_from))).size).toBe(1);
    expect(last.slice(0, -1).every((v) => String(v.valid_to) === String(v.valid_from))).toBe(true);
  });

  it('creates the sequence on its first run and takes one number or none', async () => {
    expect(await inTx((c) => asRun(c, 'NEW', authors.slice(0, 2)))).toEqual([1, 2]);
    expect(await inTx((c) => asRun(c, 'NEW', [author(4)]))).toEqual([3]);
    expect(await inTx((c) => asRun(c, 'NEW', []))).toEqual([]);
    const h = await history('NEW');
    expect(h.map((v) => [v.op, v.next_value, v.email, v.open])).toEqual([
      ['INSERT', 1, 'author1@demo.firm', false],
      ['UPDATE', 2, 'author1@demo.firm', false],
      ['UPDATE', 3, 'author2@demo.firm', false],
      ['UPDATE', 4, 'author4@demo.firm', true],
    ]);
  });

  it('leaves the settings at the last number’s author, as the loop did', async () => {
    const settings = await inTx(async (c) => {
      await asRun(c, 'SET', authors);
      const r = await c.query(
        `SELECT current_setting('cifra.actor_email') AS email, current_setting('cifra.request_id') AS request`,
      );
      return r.rows[0];
    });
    expect(settings).toEqual({ email: 'author3@demo.firm', request: 'req-3' });
  });

  it('gives concurrent runs disjoint numbers without a gap, one open version at the end', async () => {
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, k) =>
        inTx((c) => asRun(c, 'RACE', [author(k + 10), author(k + 20), author(k + 30)])),
      ),
    );
    const all = runs.flat().sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    for (const r of runs) expect(r).toEqual([r[0], (r[0] as number) + 1, (r[0] as number) + 2]);
    const h = await history('RACE');
    expect(h.filter((v) => v.open)).toHaveLength(1);
    expect(h.map((v) => v.next_value)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('returns the numbers of a run that rolls back with it', async () => {
    await inTx((c) => asRun(c, 'BACK', [author(1)]));
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      expect(await asRun(c, 'BACK', authors)).toEqual([2, 3, 4, 5]);
      await c.query('ROLLBACK');
    } finally {
      c.release();
    }
    expect(await inTx((c2) => asRun(c2, 'BACK', [author(2)]))).toEqual([2]);
    expect((await history('BACK')).map((v) => [v.next_value, v.open])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
  });

  it('numbers a group of several types and years, each sequence by one run, in the order given', async () => {
    const types = ['ZB', 'ZA', 'ZB', 'ZA', 'ZB'];
    const years = [2026, 2026, 2027, 2026, 2026];
    const list = types.map((_, i) => author(40 + i));
    const numbers = await inTx(async (c) => {
      await c.query(`INSERT INTO numbering_prefixes (document_type, prefix) VALUES ('ZA', 'ZPA')`);
      return numbersFor(c, types, list, years);
    });
    expect(numbers).toEqual([
      'ZB-2026-000001',
      'ZPA-2026-000001',
      'ZB-2027-000001',
      'ZPA-2026-000002',
      'ZB-2026-000002',
    ]);
    const taker = async (entity: string) =>
      withClient(db.adminUrl, async (c) => {
        const r = await c.query(
          `SELECT hist_request_id AS request FROM number_sequences_history
            WHERE hist_entity_id = $1 AND hist_operation = 'UPDATE' ORDER BY hist_id`,
          [entity],
        );
        return r.rows.map((x) => x.request);
      });
    expect(await taker('ZB:2026')).toEqual(['req-40', 'req-44']);
    expect(await taker('ZA:2026')).toEqual(['req-41', 'req-43']);
    expect(await taker('ZB:2027')).toEqual(['req-42']);
  });

  it('numbers a group of kinds whose sequences are open, each sequence’s history as one UPDATE a number leaves it', async () => {
    // A group's documents of several kinds, every sequence open already. Each sequence first takes a
    // number alone (an open version to close); the reference sequences (O…) then take theirs one by
    // one, with the same authors.
    for (const type of ['TA', 'TB', 'TC', 'OA', 'OB', 'OC'])
      await inTx((c) => oneByOne(c, type, [author(9)]));
    const types = ['TB', 'TA', 'TC', 'TA', 'TC', 'TA'];
    const list = [author(1), author(2, 'Month-end batch'), author(3), author(4), author(5), author(1)];
    const of = (type: string) => list.filter((_, i) => types[i] === type);
    const { numbers, settings } = await inTx(async (c) => {
      const n = await numbersFor(c, types, list);
      const set = await c.query(`SELECT current_setting('cifra.actor_email') AS email`);
      return { numbers: n, settings: set.rows[0] };
    });
    expect(numbers).toEqual([
      'TB-2026-000002',
      'TA-2026-000002',
      'TC-2026-000002',
      'TA-2026-000003',
      'TC-2026-000003',
      'TA-2026-000004',
    ]);
    // Left at the last run's (TC's) last author.
    expect(settings).toEqual({ email: 'author5@demo.firm' });
    await inTx(async (c) => {
      for (const type of ['A', 'B', 'C']) await oneByOne(c, `O${type}`, of(`T${type}`));
    });
    for (const type of ['A', 'B', 'C']) {
      const [reference, together] = [await history(`O${type}`), await history(`T${type}`)];
      expect(shape(together)).toEqual(shape(reference));
      expect(together.filter((v) => v.open)).toHaveLength(1);
    }
    expect((await history('TA')).map((v) => [v.next_value, v.request, v.open])).toEqual([
      [1, 'req-9', false],
      [2, 'req-9', false],
      [3, 'req-2', false],
      [4, 'req-4', false],
      [5, 'req-1', true],
    ]);
  });

  // Several sequences' runs are taken together (tenant migration 0061, `cifra_take_number_runs`).
  it('opens the sequences a group of several kinds is the first to number, as one UPDATE a number would', async () => {
    const types = ['NB', 'NA', 'NB', 'NC', 'NA', 'NB'];
    const list = [author(1), author(2, 'Month-end batch'), author(3), author(4), author(5), author(6)];
    const of = (type: string) => list.filter((_, i) => types[i] === type);
    const { numbers, provenance } = await inTx(async (c) => {
      // What the caller had named for its own rows is its own again afterwards.
      await c.query(`SELECT set_config('cifra.row_provenance', '{"x": {}}', true)`);
      const n = await numbersFor(c, types, list);
      const p = await c.query(`SELECT current_setting('cifra.row_provenance') AS p`);
      return { numbers: n, provenance: p.rows[0].p };
    });
    expect(numbers).toEqual([
      'NB-2026-000001',
      'NA-2026-000001',
      'NB-2026-000002',
      'NC-2026-000001',
      'NA-2026-000002',
      'NB-2026-000003',
    ]);
    expect(provenance).toBe('{"x": {}}');
    await inTx(async (c) => {
      for (const type of ['A', 'B', 'C']) await oneByOne(c, `M${type}`, of(`N${type}`));
    });
    for (const type of ['A', 'B', 'C']) {
      const [reference, group] = [await history(`M${type}`), await history(`N${type}`)];
      expect(shape(group)).toEqual(shape(reference));
    }
    // Each opened by its first number's posting, each number's version naming its own.
    expect((await history('NB')).map((v) => [v.op, v.next_value, v.request, v.open])).toEqual([
      ['INSERT', 1, 'req-1', false],
      ['UPDATE', 2, 'req-1', false],
      ['UPDATE', 3, 'req-3', false],
      ['UPDATE', 4, 'req-6', true],
    ]);
    expect((await history('NC')).map((v) => [v.op, v.next_value, v.request, v.open])).toEqual([
      ['INSERT', 1, 'req-4', false],
      ['UPDATE', 2, 'req-4', true],
    ]);
  });

  it('gives groups of several kinds and single runs, all at once, disjoint numbers without a gap', async () => {
    const kinds = [['QA', 'QB', 'QA'], ['QB', 'QA'], ['QA'], ['QB', 'QB', 'QA', 'QC'], ['QC', 'QA']];
    const taken = await Promise.all(
      Array.from({ length: 10 }, (_, k) => {
        const types = kinds[k % kinds.length] as string[];
        return inTx((c) =>
          numbersFor(
            c,
            types,
            types.map((_, i) => author(100 + 10 * k + i)),
          ),
        );
      }),
    );
    const numbers = taken.flat();
    for (const type of ['QA', 'QB', 'QC']) {
      const of = numbers.filter((n) => n.startsWith(`${type}-`)).map((n) => Number(n.slice(-6)));
      expect(of.sort((a, b) => a - b)).toEqual(Array.from({ length: of.length }, (_, i) => i + 1));
      const h = await history(type);
      expect(h.filter((v) => v.open)).toHaveLength(1);
      expect(h.map((v) => v.next_value)).toEqual(Array.from({ length: of.length + 1 }, (_, i) => i + 1));
    }
  });

  it('does not let the application write a number’s version itself', async () => {
    await expect(
      inTx((c) =>
        c.query(
          `INSERT INTO number_sequences_history (hist_entity_id, valid_from, hist_operation, hist_db_role)
           VALUES ('JE:2026', now(), 'UPDATE', current_user)`,
        ),
      ),
    ).rejects.toThrow(/permission denied/);
  });
});
