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
    outcome rowCount truncated error { sqlState } auditEvent { id action actorEmail after }
  }
}`;
type Investigation = {
  investigate: {
    outcome: string;
    rowCount: number;
    truncated: boolean;
    error: { sqlState: string } | null;
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
    expect(r.data!.auditEvents.edges.map((e) => [e.node.action, e.node.after.outcome])).toEqual([
      ['investigation.completed', 'OK'],
      ['investigation.failed', 'TIMEOUT'],
    ]);
  });
});
