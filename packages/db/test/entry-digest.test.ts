import { createHash, randomUUID } from 'node:crypto';
import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient } from '../src/index.ts';

/**
 * An entry's digest (tenant migration 0023), which the audit chain's trigger puts in every posting's
 * event: the documented canonical text hashed, and since 0054 always on its generic plan (its
 * queries reach the entry and its lines by key; planned call by call, it cost a group of 32
 * postings about 2 ms). Its set version, cifra_entry_digests (0059), is what a group's events are
 * given (cifra_append_audit_events): the same text, one row an entry asked for.
 */
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestTenantDatabase();
});
afterAll(async () => {
  await db.drop();
});

/** The canonical text as 0023 writes it: concat_ws's, a NULL field left out, a boolean as its output (t, f). */
const fields = (...values: (string | number | boolean | null)[]) =>
  values.filter((v) => v !== null).map((v) => (typeof v === 'boolean' ? (v ? 't' : 'f') : String(v)));

describe('cifra_entry_digest', () => {
  it('is the SHA-256 of the entry’s and its lines’ canonical text, whatever plan reaches them', async () => {
    const [entry, missing] = [randomUUID(), randomUUID()];
    const [a1, a2, party] = [randomUUID(), randomUUID(), randomUUID()];
    const digests = await withClient(db.adminUrl, async (c) => {
      // Written behind the triggers' back (the owner, replication role): only the digest is under test.
      await c.query('SET session_replication_role = replica');
      await c.query(
        `INSERT INTO journal_entries (id, number, fiscal_year, period_id, posting_date, source_kind, memo, posted_by)
         VALUES ($1, 'JE-2026-000007', 2026, gen_random_uuid(), '2026-03-02', 'MANUAL', 'm', gen_random_uuid())`,
        [entry],
      );
      await c.query(
        `INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor, original_currency,
                               original_amount_minor, party_id)
         VALUES ($1, 2, $3, '2026-03-02', -1234, 'USD', -1234, $4), ($1, 1, $2, '2026-03-02', 1234, 'USD', 1234, NULL)`,
        [entry, a1, a2, party],
      );
      // More calls than the plan cache's five custom plans, in one session.
      const r = await c.query('SELECT cifra_entry_digest($1) AS d FROM generate_series(1, 12)', [entry]);
      // And the set version (0059), an entry asked twice and one that does not exist among them.
      const set = await c.query('SELECT entry, digest FROM cifra_entry_digests($1::uuid[])', [
        [entry, missing, entry],
      ]);
      return { one: r.rows.map((x) => x.d as string), set: set.rows };
    });
    const text = [
      fields(entry, 'JE-2026-000007', '2026-03-02', 'MANUAL', null, null).join('|'),
      [
        fields(1, a1, 1234, 'USD', 1234, null, null, false).join('|'),
        fields(2, a2, -1234, 'USD', -1234, party, null, false).join('|'),
      ].join(';'),
    ].join('#');
    const sha = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex');
    const expected = sha(text);
    expect(new Set(digests.one)).toEqual(new Set([expected]));
    expect(digests.set).toHaveLength(2);
    expect(Object.fromEntries(digests.set.map((r) => [r.entry, r.digest]))).toEqual({
      [entry]: expected,
      [missing]: sha('#'),
    });
  });

  it('is set to its generic plan', async () => {
    const config = await withClient(db.adminUrl, async (c) => {
      const r = await c.query(
        `SELECT proconfig FROM pg_proc WHERE oid = 'cifra_entry_digest(uuid)'::regprocedure`,
      );
      return r.rows[0].proconfig as string[];
    });
    expect(config).toContain('plan_cache_mode=force_generic_plan');
    expect(config.some((s) => s.startsWith('search_path='))).toBe(true);
  });
});
