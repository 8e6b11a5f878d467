import { rm } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { control, withClient, withDatabase } from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import { gatewayInvestigate, runInvestigateConsole, type Stack, startStack } from '@cifra/ops';
import { createEmptyDatabase, makeTestDir, TEST_APP_PASSWORD, type TestDatabase } from '@cifra/testing';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientToday } from '../support/books-year.ts';
import { codes, type GqlResult, type Nodes, nodes } from '../support/client.ts';
import { closeStack } from '../support/stack.ts';

let db: TestDatabase;
let dataDir: string;
let stack: Stack;
const token: Record<string, string> = {};

beforeAll(async () => {
  db = await createEmptyDatabase();
  dataDir = await makeTestDir('cifra-e2e-');
  stack = await startStack({
    dataDir,
    port: 0,
    databaseUrl: db.adminUrl,
    appPassword: TEST_APP_PASSWORD,
    log: pino({ level: 'silent' }),
  });
  for (const who of ['admin', 'senior', 'junior', 'reviewer', 'client']) {
    token[who] = await signLocalToken(stack.authPrivateJwk, `${who}@demo.firm`);
  }
});

afterAll(async () => {
  await closeStack(stack, db);
  await rm(dataDir, { recursive: true, force: true });
});

/** A GraphQL call through the gateway as `who`, on client `tenant`, as client application `app`. */
const as =
  (who: string, tenant = 'cafe-boquete', app = { name: 'e2e-web', version: '9.9.1' }) =>
  async <T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GqlResult<T>> => {
    const res = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token[who]}`,
        'x-tenant': tenant,
        'apollographql-client-name': app.name,
        'apollographql-client-version': app.version,
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, ...((await res.json()) as Omit<GqlResult<T>, 'status'>) };
  };

/** A client database, as its owner: for what only a superuser could do, and to check what was written. */
async function asOwner<T>(slug: string, fn: (c: import('pg').Client) => Promise<T>): Promise<T> {
  const [t] = await stack.control.db.select().from(control.tenants).where(eq(control.tenants.slug, slug));
  return withClient(withDatabase(db.adminUrl, t!.databaseName), fn);
}

const auditCount = (slug: string) =>
  asOwner(
    slug,
    async (c) => (await c.query('SELECT count(*)::int AS n FROM audit_events')).rows[0].n as number,
  );

const today = () => clientToday();

const POST = `mutation Post($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id number } }`;
async function post(who = 'senior', tenant = 'cafe-boquete'): Promise<{ id: string; number: string }> {
  const r = await as(who, tenant)<{ postJournalEntry: { id: string; number: string } }>(POST, {
    input: {
      postingDate: today(),
      memo: 'audit e2e',
      lines: [
        { accountCode: '1110', debit: '12.00' },
        { accountCode: '4101', credit: '12.00' },
      ],
    },
  });
  expect(r.errors).toBeUndefined();
  return r.data!.postJournalEntry;
}

const EVENTS = `query Events($filter: AuditEventFilter, $first: Int, $after: String) {
  auditEvents(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id action actorEmail entityType entityId requestId clientName clientVersion after chainSeq hash previousHash } }
    pageInfo { hasNextPage endCursor }
  }
}`;
interface EventNode {
  id: string;
  action: string;
  actorEmail: string | null;
  entityType: string;
  entityId: string;
  requestId: string | null;
  clientName: string | null;
  clientVersion: string | null;
  after: Record<string, unknown> | null;
  chainSeq: string;
  hash: string;
  previousHash: string | null;
}
type EventPage = {
  auditEvents: {
    edges: { cursor: string; node: EventNode }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};

describe('the audit trail through the gateway', () => {
  it('records a posting with the user, request id and client application from the signed context', async () => {
    const entry = await post();
    const r = await as('senior')<EventPage>(EVENTS, {
      filter: { entityType: 'JournalEntry', entityId: entry.id },
    });
    const [event] = r.data!.auditEvents.edges.map((e) => e.node);
    expect(event).toMatchObject({
      action: 'journal_entry.posted',
      actorEmail: 'senior@demo.firm',
      clientName: 'e2e-web',
      clientVersion: '9.9.1',
    });
    expect(event!.requestId).toBeTruthy();
    expect(event!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(event!.previousHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('resolves JournalEntry.auditEvents and Account.auditEvents through federation', async () => {
    const entry = await post();
    const r = await as('senior')<{
      journalEntry: {
        number: string;
        auditEvents: { edges: { node: { action: string; actorEmail: string } }[] };
      };
      accounts: { code: string; auditEvents: { edges: unknown[] } | null }[];
    }>(
      `query($id: ID!) {
        journalEntry(id: $id) { number auditEvents { edges { node { action actorEmail } } } }
        accounts { code auditEvents(first: 5) { edges { cursor } } }
      }`,
      { id: entry.id },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.journalEntry.number).toBe(entry.number);
    expect(r.data!.journalEntry.auditEvents.edges.map((e) => e.node)).toEqual([
      { action: 'journal_entry.posted', actorEmail: 'senior@demo.firm' },
    ]);
    expect(r.data!.accounts.length).toBeGreaterThan(0);
    expect(r.data!.accounts[0]!.auditEvents).not.toBeNull();
  });

  it('filters by actor, action prefix, entity and time, and pages with cursors', async () => {
    const before = new Date();
    await post('senior', 'ferreteria-colon');
    await post('admin', 'ferreteria-colon');
    await post('senior', 'ferreteria-colon');
    const q = (filter: Record<string, unknown>, first = 50, after?: string) =>
      as('senior', 'ferreteria-colon')<EventPage>(EVENTS, { filter, first, after });

    const bySenior = await q({
      actor: 'SENIOR@demo.firm',
      action: 'journal_entry.',
      from: before.toISOString(),
    });
    expect(bySenior.data!.auditEvents.edges.map((e) => e.node.actorEmail)).toEqual([
      'senior@demo.firm',
      'senior@demo.firm',
    ]);
    const none = await q({
      action: 'journal_entry.posted',
      to: before.toISOString(),
      actor: 'admin@demo.firm',
    });
    expect(none.data!.auditEvents.edges).toEqual([]);

    const page1 = await q({ action: 'journal_entry.posted', from: before.toISOString() }, 2);
    expect(page1.data!.auditEvents.edges).toHaveLength(2);
    expect(page1.data!.auditEvents.pageInfo.hasNextPage).toBe(true);
    const page2 = await q(
      { action: 'journal_entry.posted', from: before.toISOString() },
      2,
      page1.data!.auditEvents.pageInfo.endCursor!,
    );
    expect(page2.data!.auditEvents.edges.map((e) => e.node.actorEmail)).toEqual(['senior@demo.firm']);
    expect(page2.data!.auditEvents.pageInfo.hasNextPage).toBe(false);

    expect(codes(await q({}, 10, 'not-a-cursor'))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await q({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('is refused to roles without Audit.Read', async () => {
    for (const who of ['junior', 'client']) {
      expect(codes(await as(who)(EVENTS, {}))).toContain('FORBIDDEN');
    }
  });
});

const VERIFY = `{ verifyAuditChain { ok checked headSeq headHash firstBrokenLink { chainSeq eventId problem event { action } } } }`;
type Verify = {
  verifyAuditChain: {
    ok: boolean;
    checked: number;
    headSeq: string;
    headHash: string;
    firstBrokenLink: {
      chainSeq: string;
      eventId: string;
      problem: string;
      event: { action: string } | null;
    } | null;
  };
};

describe('verifyAuditChain', () => {
  it('verifies an intact chain, for the external reviewer too', async () => {
    await post('senior', 'clinica-costa');
    const r = await as('reviewer', 'clinica-costa')<Verify>(VERIFY);
    expect(r.errors).toBeUndefined();
    expect(r.data!.verifyAuditChain).toMatchObject({ ok: true, firstBrokenLink: null });
    expect(r.data!.verifyAuditChain.checked).toBe(await auditCount('clinica-costa'));
    expect(r.data!.verifyAuditChain.headHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('finds the event a superuser edited behind the application', async () => {
    const slug = 'logistica-canal';
    const entry = await post('senior', slug);
    expect((await as('senior', slug)<Verify>(VERIFY)).data!.verifyAuditChain.ok).toBe(true);
    const seq = await asOwner(slug, async (c) => {
      await c.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
      const r = await c.query(
        `UPDATE audit_events SET actor_email = 'junior@demo.firm' WHERE entity_id = $1 RETURNING chain_seq`,
        [entry.id],
      );
      await c.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
      return r.rows[0].chain_seq as string;
    });
    const r = await as('senior', slug)<Verify>(VERIFY);
    expect(r.data!.verifyAuditChain).toMatchObject({
      ok: false,
      checked: Number(seq),
      firstBrokenLink: { chainSeq: seq, problem: 'HASH_MISMATCH', event: { action: 'journal_entry.posted' } },
    });
  });
});

const HISTORY = `query H($t: String!, $id: ID!) {
  historyConnection(entityType: $t, entityId: $id) { edges { node {
    entityType entityId operation validFrom validTo actorEmail reason requestId databaseRole data } } }
}`;
type Version = History['history'][number];
/** An entity's versions through historyConnection (one page holds them all here), as a list. */
async function historyOf(who: string, slug: string | undefined, vars: { t: string; id: string }) {
  const r = await as(who, slug)<{ historyConnection: Nodes<Version> }>(HISTORY, vars);
  return { ...r, data: r.data ? { history: nodes(r.data.historyConnection) } : undefined };
}
type History = {
  history: {
    entityType: string;
    entityId: string;
    operation: string;
    validFrom: string;
    validTo: string | null;
    actorEmail: string | null;
    reason: string | null;
    requestId: string | null;
    databaseRole: string | null;
    data: Record<string, unknown>;
  }[];
};

describe('history and "as at" questions', () => {
  it('answers for an account created at provisioning and for a posted entry', async () => {
    const accounts = await as('senior')<{ accounts: { id: string; code: string }[] }>(
      '{ accounts { id code } }',
    );
    const cash = accounts.data!.accounts.find((a) => a.code === '1110')!;
    const account = await historyOf('senior', undefined, { t: 'Account', id: cash.id });
    expect(account.errors).toBeUndefined();
    expect(account.data!.history).toHaveLength(1);
    expect(account.data!.history[0]).toMatchObject({
      entityType: 'Account',
      operation: 'INSERT',
      validTo: null,
      actorEmail: 'system@cifra',
      data: { code: '1110', id: cash.id },
    });

    const entry = await post();
    const je = await historyOf('senior', undefined, { t: 'JournalEntry', id: entry.id });
    expect(je.data!.history).toHaveLength(1);
    expect(je.data!.history[0]).toMatchObject({
      operation: 'INSERT',
      actorEmail: 'senior@demo.firm',
      data: { number: entry.number },
    });
    expect(je.data!.history[0]!.requestId).toBeTruthy();
  });

  it('keeps every version of a period with who and why, and lists the periods as they were', async () => {
    const slug = 'panaderia-valle';
    const year = Number(today().slice(0, 4));
    const PERIODS = `query P($y: Int!, $at: DateTime) { periods(fiscalYear: $y, asAt: $at) { id periodNumber state } }`;
    type Periods = { periods: { id: string; periodNumber: number; state: string }[] };
    const now = await as('senior', slug)<Periods>(PERIODS, { y: year });
    const first = now.data!.periods[0]!;
    expect(first.state).toBe('UNLOCKED');
    const beforeLock = new Date();
    // A change made by another area's service: the history triggers record it whoever writes.
    await asOwner(slug, async (c) => {
      await c.query('BEGIN');
      await c.query(`SELECT set_config('cifra.actor_email', 'senior@demo.firm', true),
                            set_config('cifra.reason', 'Locked for the monthly VAT return', true)`);
      await c.query(`UPDATE posting_periods SET state = 'LOCKED' WHERE id = $1`, [first.id]);
      await c.query('COMMIT');
    });

    const h = await historyOf('senior', slug, { t: 'PostingPeriod', id: first.id });
    expect(
      h.data!.history.map((v) => [v.operation, v.data.state, v.actorEmail, v.reason, v.validTo === null]),
    ).toEqual([
      ['INSERT', 'UNLOCKED', 'system@cifra', 'demo seed', false],
      ['UPDATE', 'LOCKED', 'senior@demo.firm', 'Locked for the monthly VAT return', true],
    ]);

    const then = await as('senior', slug)<Periods>(PERIODS, { y: year, at: beforeLock.toISOString() });
    expect(then.errors).toBeUndefined();
    expect(then.data!.periods.find((p) => p.id === first.id)!.state).toBe('UNLOCKED');
    const later = await as('senior', slug)<Periods>(PERIODS, { y: year, at: new Date().toISOString() });
    expect(later.data!.periods.find((p) => p.id === first.id)!.state).toBe('LOCKED');
    expect(later.data!.periods).toHaveLength(now.data!.periods.length);
    const beforeBooks = await as('senior', slug)<Periods>(PERIODS, { y: year, at: '2001-01-01T00:00:00Z' });
    expect(beforeBooks.data!.periods).toEqual([]);
  });

  it('refuses an entity type that is not versioned', async () => {
    expect(codes(await as('senior')(HISTORY, { t: 'Spaceship', id: '1' }))).toEqual(['BAD_USER_INPUT']);
  });
});

const INVESTIGATE = `mutation I($sql: String!, $maxRows: Int) {
  investigate(sql: $sql, maxRows: $maxRows) {
    outcome columns rows rowCount truncated durationMs error { sqlState message } auditEvent { id action actorEmail after }
  }
}`;
type Investigation = {
  investigate: {
    outcome: string;
    columns: string[];
    rows: unknown[][];
    rowCount: number;
    truncated: boolean;
    durationMs: number;
    error: { sqlState: string; message: string } | null;
    auditEvent: { id: string; action: string; actorEmail: string; after: Record<string, unknown> };
  };
};

describe('investigate', () => {
  it('runs a query as the investigator and records it', async () => {
    const r = await as('senior')<Investigation>(INVESTIGATE, {
      sql: "SELECT code, name FROM accounts WHERE code LIKE '11%' ORDER BY code",
      maxRows: 2,
    });
    expect(r.errors).toBeUndefined();
    const i = r.data!.investigate;
    expect(i).toMatchObject({
      outcome: 'OK',
      columns: ['code', 'name'],
      rowCount: 2,
      truncated: true,
      error: null,
    });
    expect(i.rows.map((r) => String(r[0]).slice(0, 2))).toEqual(['11', '11']);
    expect(i.auditEvent).toMatchObject({
      action: 'investigation.completed',
      actorEmail: 'senior@demo.firm',
      after: {
        sql: "SELECT code, name FROM accounts WHERE code LIKE '11%' ORDER BY code",
        rowCount: 2,
        outcome: 'OK',
      },
    });
  });

  it('has a write refused by the database, writes nothing, and records the failure', async () => {
    const count = () =>
      asOwner(
        'cafe-boquete',
        async (c) => (await c.query('SELECT count(*)::int AS n FROM accounts')).rows[0].n,
      );
    const n = await count();
    for (const sql of [
      'DELETE FROM accounts',
      "UPDATE accounts SET name = 'x'",
      "INSERT INTO audit_events (action, entity_type, entity_id) VALUES ('x', 'y', 'z')",
    ]) {
      const r = await as('senior')<Investigation>(INVESTIGATE, { sql });
      expect(r.data!.investigate).toMatchObject({ outcome: 'ERROR', error: { sqlState: '25006' } });
      expect(r.data!.investigate.auditEvent).toMatchObject({
        action: 'investigation.failed',
        after: { sql },
      });
    }
    const multi = await as('senior')<Investigation>(INVESTIGATE, { sql: 'SELECT 1; DELETE FROM accounts' });
    expect(multi.data!.investigate.outcome).toBe('ERROR');
    expect(await count()).toBe(n);
  });

  it('is refused to anyone without Audit.Investigate, and the attempt is recorded', async () => {
    const n = await auditCount('cafe-boquete');
    for (const who of ['junior', 'reviewer', 'client']) {
      expect(codes(await as(who)(INVESTIGATE, { sql: 'SELECT 1' }))).toContain('FORBIDDEN');
    }
    expect(await auditCount('cafe-boquete')).toBe(n + 3);
    const refused = await asOwner(
      'cafe-boquete',
      async (c) =>
        (
          await c.query(
            `SELECT actor_email, after->>'sql' AS sql FROM audit_events WHERE action = 'investigation.refused' ORDER BY id`,
          )
        ).rows,
    );
    expect(refused.map((e) => e.actor_email)).toEqual([
      'junior@demo.firm',
      'reviewer@demo.firm',
      'client@demo.firm',
    ]);
    expect(refused.every((e) => e.sql === 'SELECT 1')).toBe(true);
  });

  it('the console sends piped statements through the audited path', async () => {
    const n = await auditCount('cafe-boquete');
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk) => {
      printed += chunk.toString();
    });
    input.end(
      "SELECT code, name\n  FROM accounts WHERE code = '1110';\nDELETE FROM accounts;\nSELECT 42 AS answer\n",
    );
    const summary = await runInvestigateConsole({
      input,
      output,
      investigate: gatewayInvestigate({
        url: stack.gatewayUrl,
        token: token.senior!,
        tenant: 'cafe-boquete',
      }),
    });
    expect(summary).toEqual({ statements: 3, failed: 1 });
    expect(printed).toMatch(/ code\s+\| name/);
    expect(printed).toMatch(/1110/);
    expect(printed).toMatch(/ERROR \(25006\)/);
    expect(printed).toMatch(/ answer\n-+\n 42\n\(1 row/);
    // Each statement is recorded before it runs, and its outcome after.
    expect(await auditCount('cafe-boquete')).toBe(n + 6);
    const events = await asOwner(
      'cafe-boquete',
      async (c) =>
        (
          await c.query(
            `SELECT action, client_name, actor_email FROM audit_events WHERE entity_type = 'Investigation' ORDER BY id DESC LIMIT 6`,
          )
        ).rows,
    );
    expect(events.map((e) => [e.action, e.client_name, e.actor_email])).toEqual([
      ['investigation.completed', 'cifra-investigate', 'senior@demo.firm'],
      ['investigation.started', 'cifra-investigate', 'senior@demo.firm'],
      ['investigation.failed', 'cifra-investigate', 'senior@demo.firm'],
      ['investigation.started', 'cifra-investigate', 'senior@demo.firm'],
      ['investigation.completed', 'cifra-investigate', 'senior@demo.firm'],
      ['investigation.started', 'cifra-investigate', 'senior@demo.firm'],
    ]);
  });

  it('the console reports a refusal without stopping', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (c) => {
      printed += c.toString();
    });
    input.end('SELECT 1;\n');
    const summary = await runInvestigateConsole({
      input,
      output,
      investigate: gatewayInvestigate({
        url: stack.gatewayUrl,
        token: token.junior!,
        tenant: 'cafe-boquete',
      }),
    });
    expect(summary).toEqual({ statements: 1, failed: 1 });
    expect(printed).toMatch(/FORBIDDEN/);
  });
});
