import { randomUUID } from 'node:crypto';
import type { TestDatabase } from '@cifra/testing';
import { describe, expect, it } from 'vitest';
import { inTransaction, pg, recordAuditEvent, tenantDb, withClient } from '../src/index.ts';
import { actor, databasesOfThisFile, recomputed, verify } from './audit-chain-checks.ts';

/**
 * cifra_append_audit_events (tenant migration 0059): a list of events chained in one pass by the
 * database's own code, where the row trigger chains other writers' events one by one. The two must
 * make one chain that the verification and an outside recomputation accept, under concurrency and
 * across rolled-back savepoints.
 */
const { freshTenant } = databasesOfThisFile();

interface Event {
  action: string;
  entityType?: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

/** Appends `events` in one call, as the application role's connection `c`. */
function append(c: pg.ClientBase, events: Event[]) {
  const each = <T>(v: T) => events.map(() => v);
  return c.query(
    `SELECT cifra_append_audit_events($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[],
       $7::jsonb[], $8::text[], $9::text[], $10::text[], $11::text[])`,
    [
      each(actor.userId),
      each(actor.email),
      events.map((e) => e.action),
      events.map((e) => e.entityType ?? 'Thing'),
      events.map((e) => e.entityId),
      events.map((e) => json(e.before)),
      events.map((e) => json(e.after)),
      each(null),
      each(actor.requestId),
      each(actor.clientName),
      each(actor.clientVersion),
    ],
  );
}

/** One event through the row trigger, in the transaction of `c`. */
const oneByTrigger = (c: pg.ClientBase, entityId: string) =>
  c.query(`INSERT INTO audit_events (action, entity_type, entity_id) VALUES ('thing.changed', 'Thing', $1)`, [
    entityId,
  ]);

const rows = (db: TestDatabase) =>
  withClient(db.adminUrl, async (c) => {
    const r = await c.query(
      `SELECT chain_seq::int AS seq, action, entity_id, actor_email, request_id, client_name, client_version,
              after, occurred_at
         FROM audit_events ORDER BY chain_seq`,
    );
    return r.rows;
  });

describe('cifra_append_audit_events', () => {
  it('chains events given together exactly as the trigger chains them one by one', async () => {
    const db = await freshTenant();
    await withClient(db.appUrl, async (c) => {
      await c.query('BEGIN');
      await oneByTrigger(c, 'first');
      await append(c, [
        { action: 'a.one', entityId: 'x', before: { n: 1 }, after: { n: 2, note: 'ñandú 😀' } },
        { action: 'a.two', entityId: 'not a uuid' },
        { action: 'a.three', entityType: 'JournalEntry', entityId: 'y', after: { linesDigest: 'kept' } },
      ]);
      await oneByTrigger(c, 'last');
      await c.query('COMMIT');
    });
    expect(await verify(db)).toMatchObject({ checked: '5', problem: null });
    for (const h of await recomputed(db.adminUrl)) expect(h.outside).toBe(h.stored);
    const r = await rows(db);
    expect(r.map((e) => [e.seq, e.action, e.entity_id])).toEqual([
      [1, 'thing.changed', 'first'],
      [2, 'a.one', 'x'],
      [3, 'a.two', 'not a uuid'],
      [4, 'a.three', 'y'],
      [5, 'thing.changed', 'last'],
    ]);
    expect(r[1]).toMatchObject({
      actor_email: actor.email,
      request_id: actor.requestId,
      client_name: actor.clientName,
      client_version: actor.clientVersion,
      after: { n: 2, note: 'ñandú 😀' },
    });
    // Only a posting's event gets a digest; another event's `after` is the writer's.
    expect(r[3].after).toEqual({ linesDigest: 'kept' });
    // One transaction, one recorded time, whichever way its events were chained.
    expect(new Set(r.map((e) => (e.occurred_at as Date).toISOString())).size).toBe(1);
  });

  it('gives a posting’s event its entry’s digest, whatever the writer put there', async () => {
    const db = await freshTenant();
    const [entry, missing] = [randomUUID(), randomUUID()];
    await withClient(db.adminUrl, async (c) => {
      // The entry behind the triggers' back (only the digest is under test here).
      await c.query('SET session_replication_role = replica');
      await c.query(
        `INSERT INTO journal_entries (id, number, fiscal_year, period_id, posting_date, source_kind, memo, posted_by)
         VALUES ($1, 'JE-2026-000001', 2026, gen_random_uuid(), '2026-03-02', 'MANUAL', 'm', gen_random_uuid())`,
        [entry],
      );
      await c.query(
        `INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor, original_currency,
                               original_amount_minor)
         VALUES ($1, 1, gen_random_uuid(), '2026-03-02', 500, 'USD', 500),
                ($1, 2, gen_random_uuid(), '2026-03-02', -500, 'USD', -500)`,
        [entry],
      );
    });
    await withClient(db.appUrl, (c) =>
      append(c, [
        {
          action: 'journal_entry.posted',
          entityType: 'JournalEntry',
          entityId: entry,
          after: { number: 'JE-2026-000001', linesDigest: 'forged' },
        },
        { action: 'journal_entry.posted', entityType: 'JournalEntry', entityId: missing },
      ]),
    );
    const stored = await withClient(db.adminUrl, async (c) => {
      const r = await c.query(
        `SELECT after->>'number' AS number, after->>'linesDigest' = cifra_entry_digest(entity_id::uuid) AS digest_ok,
                after->>'linesDigest' AS digest
           FROM audit_events ORDER BY chain_seq`,
      );
      return r.rows;
    });
    expect(stored).toMatchObject([
      { number: 'JE-2026-000001', digest_ok: true },
      { number: null, digest_ok: true },
    ]);
    expect(stored[0].digest).not.toBe('forged');
    expect(await verify(db)).toMatchObject({ checked: '2', problem: null });
  });

  it('takes back with a rolled-back savepoint what it appended there', async () => {
    const db = await freshTenant();
    await withClient(db.appUrl, async (c) => {
      await c.query('BEGIN');
      await append(c, [
        { action: 'kept.one', entityId: '1' },
        { action: 'kept.two', entityId: '2' },
      ]);
      await c.query('SAVEPOINT posting');
      await append(c, [
        { action: 'undone.one', entityId: '3' },
        { action: 'undone.two', entityId: '4' },
      ]);
      await c.query('ROLLBACK TO SAVEPOINT posting');
      await append(c, [{ action: 'kept.three', entityId: '5' }]);
      await oneByTrigger(c, '6');
      await c.query('COMMIT');
    });
    expect(await verify(db)).toMatchObject({ checked: '4', problem: null });
    expect((await rows(db)).map((e) => e.action)).toEqual([
      'kept.one',
      'kept.two',
      'kept.three',
      'thing.changed',
    ]);
    const head = await withClient(db.appUrl, (c) =>
      c.query('SELECT chain_seq::int AS seq FROM audit_chain_head'),
    );
    expect(head.rows[0].seq).toBe(4);
  });

  it('makes one chain with concurrent writers of both kinds', async () => {
    const db = await freshTenant();
    const pool = new pg.Pool({ connectionString: db.appUrl, max: 6 });
    try {
      const byFunction = (w: number) =>
        (async () => {
          for (let i = 0; i < 8; i++) {
            const c = await pool.connect();
            try {
              await c.query('BEGIN');
              await append(
                c,
                Array.from({ length: 4 }, (_, k) => ({ action: `f${w}.appended`, entityId: `${i}.${k}` })),
              );
              await c.query('COMMIT');
            } finally {
              c.release();
            }
          }
        })();
      const byTrigger = (w: number) =>
        (async () => {
          for (let i = 0; i < 8; i++) {
            await inTransaction(tenantDb(pool), actor, (tx) =>
              recordAuditEvent(tx, actor, {
                action: `t${w}.changed`,
                entityType: 'Thing',
                entityId: String(i),
              }),
            );
          }
        })();
      await Promise.all([
        byFunction(0),
        byFunction(1),
        byFunction(2),
        byTrigger(0),
        byTrigger(1),
        byTrigger(2),
      ]);
    } finally {
      await pool.end();
    }
    // 3 × 8 × 4 appended and 3 × 8 one by one.
    expect(await verify(db)).toMatchObject({ checked: '120', problem: null });
    for (const h of await recomputed(db.adminUrl)) expect(h.outside).toBe(h.stored);
  });

  it('writes nothing for an empty list', async () => {
    const db = await freshTenant();
    await withClient(db.appUrl, (c) => append(c, []));
    expect(await verify(db)).toMatchObject({ checked: '0', problem: null });
  });
});
