import { createTestControlDatabase, type TestDatabase } from '@cifra/testing';
import { describe, expect, it } from 'vitest';
import { inTransaction, pg, recordAuditEvent, tenantDb, withClient } from '../src/index.ts';
import { actor, databasesOfThisFile, recomputed, verify } from './audit-chain-checks.ts';

const { made, freshTenant } = databasesOfThisFile();

/** Writes `n` events as the application role, each in its own transaction through the shared helper. */
async function writeEvents(db: TestDatabase, n: number, prefix = 'thing'): Promise<void> {
  const pool = new pg.Pool({ connectionString: db.appUrl, max: 1 });
  try {
    for (let i = 0; i < n; i++) {
      await inTransaction(tenantDb(pool), actor, (tx) =>
        recordAuditEvent(tx, actor, {
          action: `${prefix}.changed`,
          entityType: 'Thing',
          entityId: String(i),
          before: { n: i },
          after: { n: i + 1, note: 'ñandú 😀' },
        }),
      );
    }
  } finally {
    await pool.end();
  }
}

/** Runs statements as the superuser with the append-only guard lifted: what a rogue DBA could do. */
const tamper = (db: TestDatabase, ...statements: string[]) =>
  withClient(db.adminUrl, async (c) => {
    await c.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
    for (const s of statements) await c.query(s);
    await c.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
  });

describe('the audit hash chain', () => {
  it('links every event to the previous one, computed by the database', async () => {
    const db = await freshTenant();
    await writeEvents(db, 5);
    const rows = await withClient(db.adminUrl, async (c) => {
      const r = await c.query(
        `SELECT id, chain_seq, prev_hash, hash, actor_email, request_id, client_name, client_version,
                hash = cifra_audit_event_hash(e) AS hash_ok
           FROM audit_events e ORDER BY chain_seq`,
      );
      return r.rows;
    });
    expect(rows.map((r) => Number(r.chain_seq))).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0].prev_hash).toBeNull();
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    for (const r of rows) {
      expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.hash_ok).toBe(true);
      expect([r.actor_email, r.request_id, r.client_name, r.client_version]).toEqual([
        'senior@demo.firm',
        'req-1',
        'web',
        '1.2.3',
      ]);
    }
    expect(await verify(db)).toMatchObject({ checked: '5', broken_seq: null, problem: null });
  });

  it('hashes the documented content: recomputed outside the database, every hash matches', async () => {
    const db = await freshTenant();
    await writeEvents(db, 3);
    const hashes = await recomputed(db.adminUrl);
    expect(hashes).toHaveLength(3);
    for (const h of hashes) expect(h.outside).toBe(h.stored);
  });

  it.each([
    ['chain_seq', '1'],
    ['prev_hash', `'abc'`],
    ['hash', `'def'`],
    ['occurred_at', `'2001-01-01T00:00:00Z'`],
  ])('refuses the application role a %s of its own (the database sets it)', async (column, value) => {
    const db = await freshTenant();
    await writeEvents(db, 1);
    await expect(
      withClient(db.appUrl, (c) =>
        c.query(`INSERT INTO audit_events (action, entity_type, entity_id, ${column})
                 VALUES ('forged', 'Thing', 'x', ${value})`),
      ),
    ).rejects.toMatchObject({ code: '42501' });
    expect(await verify(db)).toMatchObject({ checked: '1', problem: null });
  });

  it('chains a bulk insert of many events in one statement', async () => {
    const db = await freshTenant();
    await writeEvents(db, 2);
    await withClient(db.appUrl, (c) =>
      c.query(`INSERT INTO audit_events (action, entity_type, entity_id)
               SELECT 'bulk.posted', 'JournalEntry', g::text FROM generate_series(1, 500) g`),
    );
    expect(await verify(db)).toMatchObject({ checked: '502', problem: null });
    const head = await withClient(db.appUrl, (c) => c.query('SELECT chain_seq FROM audit_chain_head'));
    expect(head.rows[0].chain_seq).toBe('502');
  });

  it('stays one unbroken chain under concurrent writers', async () => {
    const db = await freshTenant();
    await Promise.all(Array.from({ length: 6 }, (_, w) => writeEvents(db, 15, `w${w}`)));
    expect(await verify(db)).toMatchObject({ checked: '90', problem: null });
  });

  it('finds an edited event (HASH_MISMATCH), even when the tamperer is a superuser', async () => {
    const db = await freshTenant();
    await writeEvents(db, 6);
    await tamper(db, `UPDATE audit_events SET reason = 'nothing happened' WHERE chain_seq = 4`);
    expect(await verify(db)).toMatchObject({ checked: '4', broken_seq: '4', problem: 'HASH_MISMATCH' });
  });

  it('finds an edited event whose own hash was recomputed, at the next link', async () => {
    const db = await freshTenant();
    await writeEvents(db, 6);
    await tamper(
      db,
      `UPDATE audit_events SET actor_email = 'someone@else'  WHERE chain_seq = 3`,
      `UPDATE audit_events e SET hash = cifra_audit_event_hash(e) WHERE chain_seq = 3`,
    );
    expect(await verify(db)).toMatchObject({ broken_seq: '4', problem: 'PREVIOUS_HASH_MISMATCH' });
  });

  it('finds a deleted event (SEQUENCE_GAP) and a deleted last event (HEAD_MISMATCH)', async () => {
    const middle = await freshTenant();
    await writeEvents(middle, 5);
    await tamper(middle, 'DELETE FROM audit_events WHERE chain_seq = 2');
    expect(await verify(middle)).toMatchObject({ broken_seq: '3', problem: 'SEQUENCE_GAP' });

    const tail = await freshTenant();
    await writeEvents(tail, 5);
    await tamper(tail, 'DELETE FROM audit_events WHERE chain_seq = 5');
    expect(await verify(tail)).toMatchObject({ checked: '4', broken_seq: '4', problem: 'HEAD_MISMATCH' });
  });

  it('finds an event slipped in with the triggers bypassed (session_replication_role)', async () => {
    const db = await freshTenant();
    await writeEvents(db, 3);
    await withClient(db.adminUrl, async (c) => {
      await c.query('SET session_replication_role = replica');
      await c.query(`INSERT INTO audit_events (action, entity_type, entity_id, chain_seq, hash)
                     VALUES ('backdated', 'Thing', 'x', 4, repeat('0', 64))`);
    });
    expect(await verify(db)).toMatchObject({ broken_seq: '4', problem: 'HASH_MISMATCH' });
  });

  it.each([
    'UPDATE audit_chain_head SET chain_seq = 0',
    'DELETE FROM audit_chain_head',
    'UPDATE audit_events SET hash = hash',
    'DELETE FROM audit_events',
    'TRUNCATE audit_events',
    `INSERT INTO audit_chain_head VALUES (false, 0, null)`,
  ])('the application role cannot run %s', async (statement) => {
    const db = await freshTenant();
    await writeEvents(db, 2);
    await expect(withClient(db.appUrl, (c) => c.query(statement))).rejects.toThrow(
      /permission denied|append-only/,
    );
    expect(await verify(db)).toMatchObject({ checked: '2', problem: null });
  });

  it('the owner cannot move the head backwards or delete it', async () => {
    const db = await freshTenant();
    await writeEvents(db, 2);
    for (const s of ['UPDATE audit_chain_head SET chain_seq = 1', 'DELETE FROM audit_chain_head']) {
      await expect(withClient(db.adminUrl, (c) => c.query(s))).rejects.toThrow(/only moves forward/);
    }
    await expect(withClient(db.adminUrl, (c) => c.query('TRUNCATE audit_chain_head'))).rejects.toThrow(
      /append-only/,
    );
  });
});

describe('the control plane keeps the same chain', () => {
  it('chains firm-level events and finds a tampered one', async () => {
    const db = await createTestControlDatabase();
    made.push(db);
    const pool = new pg.Pool({ connectionString: db.adminUrl, max: 2 });
    try {
      for (let i = 0; i < 4; i++) {
        await inTransaction(tenantDb(pool), actor, (tx) =>
          recordAuditEvent(tx, actor, {
            action: 'membership.changed',
            entityType: 'FirmMembership',
            entityId: String(i),
            tenantId: '22222222-2222-4222-8222-222222222222',
          }),
        );
      }
    } finally {
      await pool.end();
    }
    expect(await verify(db, db.adminUrl)).toMatchObject({ checked: '4', problem: null });
    const firm = ` || CASE WHEN firm_id IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(firm_id) END`;
    const hashes = await recomputed(db.adminUrl, firm);
    expect(hashes).toHaveLength(4);
    for (const h of hashes) expect(h.outside).toBe(h.stored);
    await tamper(db, `UPDATE audit_events SET tenant_id = null WHERE chain_seq = 2`);
    expect(await verify(db, db.adminUrl)).toMatchObject({ broken_seq: '2', problem: 'HASH_MISMATCH' });
  });
});
