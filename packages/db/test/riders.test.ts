import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  pg,
  ride,
  rideNamed,
  ridersAnswered,
  sendRiders,
  simpleQueries,
  type TenantDb,
  tenantDb,
  uuidArray,
} from '../src/index.ts';

/**
 * Riders (docs/architecture/posting.md, "One lane for every kind"): statements asked on a
 * transaction go with its next simple query, ahead of that query's own, in one round trip; or alone
 * once their rows are wanted. A failure fails the rider and the round trip carrying it.
 */
let t: TestDatabase;
let pool: pg.Pool;
let db: TenantDb;
/** The texts the pool's connections send, in order. */
const sent: string[] = [];
beforeAll(async () => {
  t = await createTestTenantDatabase();
  pool = new pg.Pool({ connectionString: t.adminUrl, max: 2 });
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const [first] = args;
      sent.push(typeof first === 'string' ? first : ((first as { text?: string })?.text ?? ''));
      return query(...args);
    };
  });
  db = tenantDb(pool);
  await pool.query('CREATE TABLE riders_kv (k text PRIMARY KEY, v int NOT NULL)');
});
afterAll(async () => {
  await pool?.end();
  await t?.drop();
});

/** The statements sent in `fn`'s transaction, BEGIN and COMMIT (or ROLLBACK) left out. */
async function sentDuring<T>(fn: (tx: Parameters<Parameters<TenantDb['transaction']>[0]>[0]) => Promise<T>) {
  sent.length = 0;
  const result = await db.transaction(fn).then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return { result, texts: sent.filter((q) => !/^(begin|commit|rollback)/i.test(q.trim())) };
}

describe('riders', () => {
  it('go ahead of the next simple query, in the order asked, in its round trip', async () => {
    const { result, texts } = await sentDuring(async (tx) => {
      const first = ride(tx, [
        "INSERT INTO riders_kv VALUES ('a', 1)",
        "SELECT v FROM riders_kv WHERE k = 'a'",
      ]);
      const second = ride(tx, ["SELECT count(*)::int AS n FROM riders_kv WHERE k = 'a'"]);
      const own = await simpleQueries(tx, ["SELECT v + 1 AS w FROM riders_kv WHERE k = 'a'"]);
      return { own, first: await first.rows(), second: await second.rows() };
    });
    expect(result.ok && result.value).toEqual({
      own: [[{ w: 2 }]],
      first: [[], [{ v: 1 }]],
      second: [[{ n: 1 }]],
    });
    expect(texts).toHaveLength(1);
    expect(texts[0]?.indexOf('INSERT')).toBeLessThan(texts[0]?.indexOf('v + 1') ?? -1);
  });

  it('go alone when their rows are wanted first, or when sent, and only once', async () => {
    const { result, texts } = await sentDuring(async (tx) => {
      const asked = ride(tx, ["SELECT 'alone' AS x"]);
      const [rows, again] = await Promise.all([asked.rows(), asked.rows()]);
      sendRiders(tx); // none waits: nothing sent
      const later = ride(tx, ["SELECT 'sent' AS x"]);
      sendRiders(tx);
      await simpleQueries(tx, ["SELECT 'own' AS x"]);
      return [rows, again, await later.rows()];
    });
    expect(result.ok && result.value).toEqual([[[{ x: 'alone' }]], [[{ x: 'alone' }]], [[{ x: 'sent' }]]]);
    expect(texts).toEqual(["SELECT 'alone' AS x", "SELECT 'sent' AS x", "SELECT 'own' AS x"]);
  });

  it("fail with the round trip carrying them, and fail it, with the database's error", async () => {
    const { result } = await sentDuring(async (tx) => {
      const asked = ride(tx, ['SELECT 1 / 0']);
      const carrier = simpleQueries(tx, ["INSERT INTO riders_kv VALUES ('b', 2)"]);
      // Carried already: wanting its rows now sends nothing more.
      const [rider, own] = await Promise.allSettled([asked.rows(), carrier]);
      return { rider, own, after: sent.length };
    });
    expect(result.ok).toBe(true);
    const { rider, own } = result.ok ? result.value : { rider: undefined, own: undefined };
    expect(rider?.status).toBe('rejected');
    expect(own?.status).toBe('rejected');
    const reason = (r: typeof rider) => (r?.status === 'rejected' ? (r.reason as Error) : undefined);
    expect(reason(rider)).toBe(reason(own));
    expect(String(reason(rider)?.cause ?? reason(rider))).toMatch(/division by zero/);
    expect((await pool.query("SELECT count(*)::int AS n FROM riders_kv WHERE k = 'b'")).rows[0].n).toBe(0);
  });

  it('belong to their own transaction: another carries none of them', async () => {
    const { result } = await sentDuring(async (tx) => {
      const asked = ride(tx, ["SELECT 'mine' AS x"]);
      const other = await db.transaction((tx2) => simpleQueries(tx2, ["SELECT 'theirs' AS x"]));
      return [other, await asked.rows()];
    });
    expect(result.ok && result.value).toEqual([[[{ x: 'theirs' }]], [[{ x: 'mine' }]]]);
  });
});

describe('rideNamed', () => {
  it('sends the named statements after the first, leaves out those given empty, and answers each by name', async () => {
    const { result, texts } = await sentDuring(async (tx) => {
      const riding = rideNamed(tx, { one: "SELECT 'one' AS x", none: '', two: "SELECT 'two' AS x" }, [
        "SELECT 'first' AS x",
      ]);
      const { first, of } = await riding.rows();
      return { first, one: of('one'), none: of('none'), two: of('two') };
    });
    expect(result.ok && result.value).toEqual({
      first: [[{ x: 'first' }]],
      one: [{ x: 'one' }],
      none: [],
      two: [{ x: 'two' }],
    });
    expect(texts).toEqual(["SELECT 'first' AS x;\nSELECT 'one' AS x;\nSELECT 'two' AS x"]);
  });
});

describe('ridersAnswered', () => {
  it('resolves once the riders sent alone have answered, at once when none is out', async () => {
    const { result } = await sentDuring(async (tx) => {
      await ridersAnswered(tx);
      const riding = ride(tx, ["SELECT 'carried' AS x"]);
      sendRiders(tx);
      let answered = false;
      void riding.rows().then(() => {
        answered = true;
      });
      await ridersAnswered(tx);
      // Asked now, it runs alone on the connection: the riders' round trip is over.
      return { answered, after: await simpleQueries(tx, ["SELECT 'after' AS x"]) };
    });
    expect(result.ok && result.value).toEqual({ answered: true, after: [[{ x: 'after' }]] });
  });
});

describe('uuidArray', () => {
  it('inlines only UUIDs, each once: anything else names nothing, and no text reaches the statement', async () => {
    const id = '0b6c2a5e-6f0e-4c3a-9d7b-1f2e3d4c5b6a';
    const hostile = ["x'}'::uuid[]; DROP TABLE riders_kv; --", 'not-a-uuid', `${id} `, ''];
    const literal = uuidArray([id, ...hostile, id.toUpperCase(), id]);
    expect(literal).toBe(`'{${id},${id.toUpperCase()}}'::uuid[]`);
    const [rows] = await db.transaction((tx) => simpleQueries(tx, [`SELECT unnest(${literal})::text AS id`]));
    expect(rows).toEqual([{ id }, { id }]);
    expect(await simpleQueries(db, [`SELECT cardinality(${uuidArray(hostile)}) AS n`])).toEqual([[{ n: 0 }]]);
  });
});
