import {
  control,
  INVESTIGATOR_TEMP_FILE_LIMIT,
  investigatorRole,
  quoteIdent,
  withClient,
  withDatabase,
} from '@cifra/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The investigator console's limits through the gateway, with real tokens: the statement timeout
 * and the row cap are enforced by the database session the investigation runs in, and both
 * outcomes land in the client's audit trail.
 */

let harness: TestStack;

beforeAll(async () => {
  harness = await startTestStack();
});

afterAll(() => harness?.close());

const INVESTIGATE = `mutation I($sql: String!, $maxRows: Int) {
  investigate(sql: $sql, maxRows: $maxRows) {
    outcome rowCount truncated error { sqlState message } auditEvent { id action actorEmail after }
  }
}`;
type Investigation = {
  investigate: {
    outcome: string;
    rowCount: number;
    truncated: boolean;
    error: { sqlState: string | null; message: string } | null;
    auditEvent: { id: string; action: string; actorEmail: string; after: Record<string, unknown> };
  };
};

const investigations = async () =>
  (
    await harness.tenantSql<{ id: string; action: string; after: Record<string, unknown> }>(
      'cafe-boquete',
      `SELECT id::text, action, after FROM audit_events WHERE entity_type = 'Investigation' ORDER BY id`,
    )
  ).map((e) => ({ id: e.id, action: e.action, outcome: e.after.outcome, rowCount: e.after.rowCount }));

describe('investigate(sql) limits through the gateway', () => {
  it('cancels a statement at the statement timeout and records it as TIMEOUT', async () => {
    const r = await harness.as('senior', 'cafe-boquete')<Investigation>(INVESTIGATE, {
      sql: 'SELECT pg_sleep(30)',
    });
    expect(r.errors).toBeUndefined();
    const i = r.data!.investigate;
    expect(i).toMatchObject({ outcome: 'TIMEOUT', rowCount: 0, error: { sqlState: '57014' } });
    // What the person needs: the investigation's limit in seconds, cancelled, and what to do.
    expect(i.error?.message).toMatch(
      /^The investigation ran longer than its limit of 10 seconds and was cancelled: narrow it/,
    );
    expect(i.auditEvent).toMatchObject({
      action: 'investigation.failed',
      actorEmail: 'senior@demo.firm',
      after: {
        sql: 'SELECT pg_sleep(30)',
        outcome: 'TIMEOUT',
        timeoutMs: 10_000,
        error: { sqlState: '57014' },
      },
    });
    expect(await investigations()).toContainEqual({
      // The API's id is scoped to the client (AuditEvent:<client>:<n>); the table numbers it <n>.
      id: i.auditEvent.id.split(':').pop(),
      action: 'investigation.failed',
      outcome: 'TIMEOUT',
      rowCount: 0,
    });
  });

  it('cannot raise its own limits: set_config is refused, SET and DO are no query', async () => {
    // It used to switch its statement timeout off (and answered OK after 80 s), or raise work_mem
    // for the sorts and hashes of the same statement, on the server every client shares.
    for (const [sql, sqlState] of [
      [
        `select g, case when g=1 then set_config('statement_timeout','0',true) end,
          case when g>50 then pg_sleep(4)::text end from generate_series(1,70) g`,
        '42501',
      ],
      ["SELECT set_config('work_mem', '1GB', true), current_setting('work_mem')", '42501'],
      ["SET work_mem = '1GB'", null],
      ["DO $$ BEGIN SET work_mem = '1GB'; END $$", null],
    ] as const) {
      const r = await harness.as('senior', 'clinica-costa')<Investigation>(INVESTIGATE, { sql });
      expect(r.errors).toBeUndefined();
      expect(r.data!.investigate).toMatchObject({ outcome: 'ERROR', rowCount: 0, error: { sqlState } });
      expect(r.data!.investigate.auditEvent).toMatchObject({
        action: 'investigation.failed',
        after: { sql, outcome: 'ERROR', error: { sqlState } },
      });
    }
    const r = await harness.as(
      'senior',
      'clinica-costa',
    )<{ investigate: { rows: string[][] } }>(
      `mutation { investigate(sql: "SELECT current_setting('temp_file_limit')") { rows } }`,
    );
    expect(r.data!.investigate.rows).toEqual([[INVESTIGATOR_TEMP_FILE_LIMIT]]);
  });

  it('refuses a statement past its temporary disk space with QUERY_DISK_LIMIT, recorded', async () => {
    const [t] = await harness.stack.control.db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.slug, 'clinica-costa'));
    // The login's own bound, lowered so that the test writes 1 MB rather than 256 MB.
    const setLimit = (limit: string) =>
      withClient(harness.controlAdminUrl, (admin) =>
        admin.query(
          `ALTER ROLE ${quoteIdent(investigatorRole(t!.databaseName))} SET temp_file_limit = '${limit}'`,
        ),
      );
    await setLimit('1MB');
    try {
      const sql = 'SELECT count(*) FROM (SELECT g FROM generate_series(1, 500000) g ORDER BY g DESC) s';
      const r = await harness.as('senior', 'clinica-costa')(INVESTIGATE, { sql });
      expect(codes(r)).toEqual(['QUERY_DISK_LIMIT']);
      const [failed] = await harness.tenantSql<{ after: Record<string, unknown> }>(
        'clinica-costa',
        `SELECT after FROM audit_events WHERE action = 'investigation.failed' ORDER BY id DESC LIMIT 1`,
      );
      expect(failed!.after).toMatchObject({ sql, outcome: 'DISK_LIMIT', error: { sqlState: '53400' } });
    } finally {
      await setLimit(INVESTIGATOR_TEMP_FILE_LIMIT);
    }
  });

  it('stops reading at the row cap, says so, and records the capped count', async () => {
    const r = await harness.as('senior', 'cafe-boquete')<Investigation>(INVESTIGATE, {
      sql: 'SELECT g FROM generate_series(1, 5000) g',
      maxRows: 1000,
    });
    expect(r.data!.investigate).toMatchObject({
      outcome: 'OK',
      rowCount: 1000,
      truncated: true,
      error: null,
    });
    expect(r.data!.investigate.auditEvent).toMatchObject({
      action: 'investigation.completed',
      after: { outcome: 'OK', rowCount: 1000, truncated: true, maxRows: 1000 },
    });
  });

  it('refuses a cap above the maximum before running anything, writing no event', async () => {
    const before = await investigations();
    const r = await harness.as('senior', 'cafe-boquete')(INVESTIGATE, { sql: 'SELECT 1', maxRows: 1001 });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(await investigations()).toEqual(before);
  });

  it('shows both outcomes in the audit trail to the external reviewer', async () => {
    const r = await harness.as(
      'reviewer',
      'cafe-boquete',
    )<{
      auditEvents: { edges: { node: { action: string; after: { outcome: string } } }[] };
    }>(`{ auditEvents(filter: { entityType: "Investigation" }) { edges { node { action after } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data!.auditEvents.edges.map((e) => [e.node.action, e.node.after.outcome ?? null])).toEqual([
      ['investigation.completed', 'OK'],
      ['investigation.started', null],
      ['investigation.failed', 'TIMEOUT'],
      ['investigation.started', null],
    ]);
  });

  /**
   * Holds a table of its own locked, as the owner of a client's database, so that investigations
   * reading it wait for as long as the test needs: no test here depends on how long anything takes.
   * (Not an advisory lock: investigators may take none, tenant migration 0048.)
   */
  async function withBlocker<T>(
    slug: string,
    fn: (waiting: () => Promise<number>) => Promise<T>,
  ): Promise<T> {
    const [t] = await harness.stack.control.db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.slug, slug));
    return withClient(withDatabase(harness.controlAdminUrl, t!.databaseName), async (owner) => {
      await owner.query('CREATE TABLE IF NOT EXISTS investigation_blocker (x int)');
      await owner.query('BEGIN');
      await owner.query('LOCK TABLE investigation_blocker IN ACCESS EXCLUSIVE MODE');
      try {
        const waiting = async () =>
          Number(
            (
              await owner.query(
                `SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM investigation_blocker%'`,
              )
            ).rows[0].n,
          );
        return await fn(waiting);
      } finally {
        await owner.query('COMMIT');
      }
    });
  }
  const until = async (condition: () => Promise<boolean>) => {
    for (let i = 0; i < 500 && !(await condition()); i++) await new Promise((res) => setTimeout(res, 10));
  };

  it('records the attempt before the statement runs: a statement still running is already in the trail', async () => {
    const sql = 'SELECT count(*) FROM investigation_blocker';
    const pending = await withBlocker('ferreteria-colon', async (waiting) => {
      const request = harness.as('senior', 'ferreteria-colon')<Investigation>(INVESTIGATE, { sql });
      await until(async () => (await waiting()) === 1);
      const started = await harness.tenantSql<{ after: { sql: string } }>(
        'ferreteria-colon',
        `SELECT after FROM audit_events WHERE action = 'investigation.started'`,
      );
      expect(started.map((e) => e.after)).toEqual([expect.objectContaining({ sql })]);
      // Wrapped: an async function returning the promise itself would wait for it, under the lock.
      return { request };
    });
    expect((await pending.request).data!.investigate.outcome).toBe('OK');
  });

  it('refuses an answer larger than its byte cap, and a third investigation of one person at once', async () => {
    const big = await harness.as('senior', 'logistica-canal')(INVESTIGATE, {
      sql: "SELECT repeat('x', 100000) FROM generate_series(1, 60)",
    });
    expect(codes(big)).toEqual(['INVESTIGATION_TOO_LARGE']);
    const sql = 'SELECT count(*) FROM investigation_blocker';
    const held = await withBlocker('logistica-canal', async (waiting) => {
      const two = [1, 2].map(() =>
        harness.as('senior', 'logistica-canal')<Investigation>(INVESTIGATE, { sql }),
      );
      await until(async () => (await waiting()) === 2);
      expect(codes(await harness.as('senior', 'logistica-canal')(INVESTIGATE, { sql: 'SELECT 1' }))).toEqual([
        'INVESTIGATION_LIMIT',
      ]);
      return two;
    });
    for (const r of await Promise.all(held)) expect(r.data!.investigate.outcome).toBe('OK');
  });

  it('answers COPY … TO STDOUT as an ERROR, recorded, and runs the next investigation', async () => {
    // It used to stop the audit subgraph's process: the driver threw on the copy's data.
    const sql = 'COPY audit_events TO STDOUT';
    const r = await harness.as('senior', 'cafe-boquete')<Investigation>(INVESTIGATE, { sql });
    expect(r.errors).toBeUndefined();
    expect(r.data!.investigate).toMatchObject({ outcome: 'ERROR', rowCount: 0, error: { sqlState: null } });
    expect(r.data!.investigate.auditEvent).toMatchObject({
      action: 'investigation.failed',
      after: { sql, outcome: 'ERROR' },
    });
    const next = await harness.as('senior', 'cafe-boquete')<Investigation>(INVESTIGATE, { sql: 'SELECT 1' });
    expect(next.data!.investigate.outcome).toBe('OK');
  });
});
