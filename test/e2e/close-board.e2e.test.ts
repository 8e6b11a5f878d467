import { rm } from 'node:fs/promises';
import { control } from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import { type Stack, startStack } from '@cifra/ops';
import {
  BOOKS_YEAR,
  createEmptyDatabase,
  makeTestDir,
  TEST_APP_PASSWORD,
  type TestDatabase,
} from '@cifra/testing';
import { and, eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBooksYears } from '../support/books-year.ts';
import { codes, gql, type Nodes, nodes } from '../support/client.ts';
import { countInClient } from '../support/clients.ts';
import { closeStack } from '../support/stack.ts';

/**
 * The firm's view through the gateway with real tokens: the close board, batch period operations
 * run by the in-process worker, the exceptions inbox, and a client whose database is down.
 */

let db: TestDatabase;
let dataDir: string;
let stack: Stack;
const token: Record<string, string> = {};
const SLUGS = ['cafe-boquete', 'ferreteria-colon', 'clinica-costa', 'logistica-canal', 'panaderia-valle'];
// January of the tests' year: over, whatever the day the test runs (books-year.ts).
const YEAR = BOOKS_YEAR;
const MONTH = 1;

beforeAll(async () => {
  db = await createEmptyDatabase();
  dataDir = await makeTestDir('cifra-board-');
  stack = await startStack({
    dataDir,
    port: 0,
    databaseUrl: db.adminUrl,
    appPassword: TEST_APP_PASSWORD,
    log: pino({ level: 'silent' }),
    fanOut: { concurrency: 4, timeoutMs: 3_000 },
    // A batch item at a client that is down is retried until the test brings it back (never on time).
    jobs: {
      processEveryMs: 250,
      lockLifetimeMs: 5_000,
      periodBatchConcurrency: 2,
      periodBatchUnavailableAttempts: 1_000,
    },
  });
  await openBooksYears(stack.control.db, stack.registry);
  for (const who of ['admin', 'senior', 'junior', 'reviewer', 'client']) {
    token[who] = await signLocalToken(stack.authPrivateJwk, `${who}@demo.firm`);
  }
});

afterAll(async () => {
  await closeStack(stack, db);
  await rm(dataDir, { recursive: true, force: true });
});

const as = (who: string, tenant?: string) => gql(stack.gatewayUrl, token[who], tenant);

const BOARD = `query Board($year: Int!, $month: Int!) {
  closeBoard(year: $year, month: $month) {
    year month unavailableCount behindCount stageCounts { stage count }
    clientsConnection(first: 50) { edges { node { client { slug name } availability unavailableCode
      unavailableReason periodState stage closeStatus lastTransition { action byEmail at } openChecklistItems { code checkCode }
      asOf freshness } }
      pageInfo { hasNextPage } }
  }
}`;
const REFRESH = `mutation Refresh($client: String!, $year: Int!, $month: Int!) {
  refreshCloseBoardClient(client: $client, year: $year, month: $month) {
    client { slug } availability unavailableCode periodState stage asOf freshness
  }
}`;
const START = `mutation Start($input: StartBatchPeriodOperationInput!) {
  startBatchPeriodOperation(input: $input) { id status action items { client { slug } status } }
}`;
const BATCH = `query Batch($id: ID!) {
  batchOperation(id: $id) {
    id status requestedByEmail counts { pending running done failed skipped }
    items { client { slug } status attempts failureCode errorMessage stateBefore stateAfter
      monthBefore { periodState closeStatus } monthAfter { periodState closeStatus } }
  }
}`;

type BoardClient = {
  client: { slug: string };
  availability: string;
  unavailableCode: string | null;
  periodState: string | null;
  stage: string | null;
  lastTransition: { action: string; byEmail: string } | null;
  freshness: 'CURRENT' | 'BEHIND';
};
type Board = {
  closeBoard: {
    clientsConnection: Nodes<BoardClient> & { pageInfo: { hasNextPage: boolean } };
    unavailableCount: number;
    behindCount: number;
  };
};
type BatchItem = {
  client: { slug: string };
  status: string;
  attempts: number;
  failureCode: string | null;
  stateBefore: string | null;
  stateAfter: string | null;
  monthBefore: { periodState: string | null; closeStatus: string | null } | null;
  monthAfter: { periodState: string | null; closeStatus: string | null } | null;
};
type Batch = { id: string; status: string; requestedByEmail: string; items: BatchItem[] };

/**
 * The board once every line shows its client's latest change: a change is announced before its
 * mutation (or batch item) reports, so until the worker's projector reads the client its line says
 * BEHIND; waiting for none is waiting for an event, not for a time. The counts and the page are
 * separate statements, so a projection saved between them can make the counts say none behind
 * while a line read a moment earlier still says BEHIND: both must agree before the board is used.
 */
async function board(who = 'senior') {
  for (;;) {
    const r = await as(who)<Board>(BOARD, { year: YEAR, month: MONTH });
    expect(r.errors).toBeUndefined();
    // One page holds the demo firm's clients.
    expect(r.data!.closeBoard.clientsConnection.pageInfo.hasNextPage).toBe(false);
    const clients = nodes(r.data!.closeBoard.clientsConnection);
    if (r.data!.closeBoard.behindCount === 0 && clients.every((c) => c.freshness === 'CURRENT'))
      return { ...r.data!.closeBoard, clients };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function startBatch(who: string, input: Record<string, unknown>) {
  return as(who)<{ startBatchPeriodOperation: Batch }>(START, {
    input: { year: YEAR, month: MONTH, ...input },
  });
}

/** Poll the batch until it finishes (the worker runs in the background). */
async function finished(id: string, who = 'senior'): Promise<Batch> {
  for (;;) {
    const r = await as(who)<{ batchOperation: Batch }>(BATCH, { id });
    expect(r.errors).toBeUndefined();
    if (r.data!.batchOperation.status === 'FINISHED') return r.data!.batchOperation;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A client's row in the control plane. */
async function tenantOf(slug: string) {
  const [t] = await stack.control.db.select().from(control.tenants).where(eq(control.tenants.slug, slug));
  return t!;
}

async function clientDb(slug: string): Promise<string> {
  return (await tenantOf(slug)).databaseName;
}

/** Lock transitions recorded in a client's own audit trail for a month (the test month). */
async function lockEvents(slug: string, month = MONTH): Promise<number> {
  return countInClient(
    db.adminUrl,
    await clientDb(slug),
    `SELECT count(*)::int AS n FROM audit_events a JOIN posting_periods p ON p.id::text = a.entity_id
      WHERE a.entity_type = 'PostingPeriod' AND p.year = $1 AND p.month = $2`,
    [YEAR, month],
  );
}

async function batchRows(): Promise<number> {
  const [r] = await stack.control.db.select({ n: sql<number>`count(*)::int` }).from(control.periodBatches);
  return r!.n;
}

describe('the close board', () => {
  it('shows every client the caller may see, each with its state for the month', async () => {
    const b = await board();
    expect(b.clients.map((c) => c.client.slug).sort()).toEqual([...SLUGS].sort());
    expect(b.unavailableCount).toBe(0);
    for (const c of b.clients) {
      expect(c).toMatchObject({ availability: 'AVAILABLE', periodState: 'UNLOCKED', stage: 'OPEN' });
    }
  });

  it('says how fresh each line is, and reads a client again on demand', async () => {
    const b = await board();
    for (const c of b.clients) expect(c).toMatchObject({ freshness: 'CURRENT', asOf: expect.any(String) });
    const before = b.clients.find((c) => c.client.slug === 'cafe-boquete') as BoardClient & { asOf: string };
    const r = await as('senior')<{ refreshCloseBoardClient: BoardClient & { asOf: string } }>(REFRESH, {
      client: 'cafe-boquete',
      year: YEAR,
      month: MONTH,
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.refreshCloseBoardClient).toMatchObject({
      client: { slug: 'cafe-boquete' },
      availability: 'AVAILABLE',
      periodState: 'UNLOCKED',
      freshness: 'CURRENT',
    });
    expect(Date.parse(r.data!.refreshCloseBoardClient.asOf)).toBeGreaterThanOrEqual(Date.parse(before.asOf));
  });

  it('refreshes only a client whose periods the caller may read; any other slug is FORBIDDEN', async () => {
    for (const client of ['no-such-client', 'cafe-boquete']) {
      const who = client === 'cafe-boquete' ? 'client' : 'senior';
      const r = await as(who)(REFRESH, { client, year: YEAR, month: MONTH });
      expect(codes(r)).toEqual(['FORBIDDEN']);
    }
    expect(codes(await as('senior')(REFRESH, { client: 'cafe-boquete', year: YEAR, month: 0 }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('refuses a caller without the firm dashboard, and bad input', async () => {
    const client = await as('client')(BOARD, { year: YEAR, month: MONTH });
    expect(codes(client)).toEqual(['FORBIDDEN']);
    const bad = await as('senior')(BOARD, { year: YEAR, month: 13 });
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    // The same month refused the same way by a client's own close status, and a batch list out of its bounds.
    for (const month of [0, 13]) {
      const status = await as('senior', SLUGS[0])(
        'query($m: Int!) { periodCloseStatus(year: 2026, month: $m) { stage } }',
        {
          m: month,
        },
      );
      expect(codes(status)).toEqual(['BAD_USER_INPUT']);
    }
    for (const limit of [0, 101]) {
      const list = await as('senior')('query($l: Int) { batchOperations(limit: $l) { id } }', { l: limit });
      expect(codes(list)).toEqual(['BAD_USER_INPUT']);
    }
  });
});

describe('the batch actions each line offers', () => {
  const ALL_ACTIONS = [
    'LOCK_SALES',
    'LOCK_PURCHASING',
    'LOCK_SALES_AND_PURCHASING',
    'START_CLOSE',
    'SUBMIT_CLOSE',
    'APPROVE_CLOSE',
  ];
  type Offered = { client: { slug: string }; batchActions: string[] };
  const offeredTo = async (who: string) => {
    const r = await as(who)<{ closeBoard: { clientsConnection: Nodes<Offered> } }>(
      `query($year: Int!, $month: Int!) { closeBoard(year: $year, month: $month) {
        clientsConnection(first: 50) { edges { node { client { slug } batchActions } } } } }`,
      { year: YEAR, month: MONTH },
    );
    expect(r.errors).toBeUndefined();
    return new Map(nodes(r.data!.closeBoard.clientsConnection).map((c) => [c.client.slug, c.batchActions]));
  };

  it("are what the caller's role there allows, as starting a batch decides", async () => {
    for (const who of ['admin', 'senior']) {
      const offered = await offeredTo(who);
      expect([...offered.keys()].sort()).toEqual([...SLUGS].sort());
      for (const actions of offered.values()) expect(actions).toEqual(ALL_ACTIONS);
    }
    // A Junior reads the board and prepares closes but starts no batch: offered none, refused each.
    const before = await batchRows();
    const junior = await offeredTo('junior');
    expect(junior.size).toBeGreaterThan(0);
    for (const actions of junior.values()) expect(actions).toEqual([]);
    for (const action of ALL_ACTIONS) {
      const refused = await startBatch('junior', { tenants: [[...junior.keys()][0]], action });
      expect(codes(refused)).toEqual(['FORBIDDEN']);
    }
    expect(await batchRows()).toBe(before);
  });
});

describe('batch period operations', () => {
  it('locks sales for three clients, audits each transition once in each client and once in the firm', async () => {
    const three = SLUGS.slice(0, 3);
    const r = await startBatch('senior', {
      tenants: three,
      action: 'LOCK_SALES',
      idempotencyKey: 'jan-sales',
    });
    expect(r.errors).toBeUndefined();
    const done = await finished(r.data!.startBatchPeriodOperation.id);
    expect(done.items.map((i) => i.status)).toEqual(['DONE', 'DONE', 'DONE']);
    // The month before and after, typed (monthBefore/monthAfter) and as the deprecated text.
    for (const i of done.items) {
      expect(i).toMatchObject({
        stateBefore: 'UNLOCKED',
        stateAfter: 'LOCK_SALES',
        monthBefore: { periodState: 'UNLOCKED', closeStatus: null },
        monthAfter: { periodState: 'LOCK_SALES', closeStatus: null },
      });
    }
    for (const slug of three) expect(await lockEvents(slug)).toBe(1);
    for (const slug of SLUGS.slice(3)) expect(await lockEvents(slug)).toBe(0);

    const b = await board();
    for (const c of b.clients) {
      if (three.includes(c.client.slug)) {
        expect(c).toMatchObject({
          periodState: 'LOCK_SALES',
          lastTransition: { byEmail: 'senior@demo.firm' },
        });
      } else {
        expect(c).toMatchObject({ periodState: 'UNLOCKED', lastTransition: null });
      }
    }
    const firmEvents = await stack.control.db
      .select()
      .from(control.controlAuditEvents)
      .where(eq(control.controlAuditEvents.entityType, 'PeriodBatchItem'));
    expect(firmEvents).toHaveLength(3);
    expect(new Set(firmEvents.map((e) => e.tenantId)).size).toBe(3);
  });

  it('returns the same batch for a reused idempotency key and applies nothing again', async () => {
    const before = await batchRows();
    const r = await startBatch('senior', {
      tenants: SLUGS.slice(0, 3),
      action: 'LOCK_SALES',
      idempotencyKey: 'jan-sales',
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.startBatchPeriodOperation.status).toBe('FINISHED');
    expect(await batchRows()).toBe(before);
    for (const slug of SLUGS.slice(0, 3)) expect(await lockEvents(slug)).toBe(1);

    const reused = await startBatch('senior', {
      tenants: SLUGS.slice(0, 2),
      action: 'LOCK_SALES',
      idempotencyKey: 'jan-sales',
    });
    expect(codes(reused)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(await batchRows()).toBe(before);
  });

  it('skips clients already in the target state and applies the rest', async () => {
    const r = await startBatch('senior', { tenants: SLUGS.slice(0, 4), action: 'LOCK_SALES' });
    const done = await finished(r.data!.startBatchPeriodOperation.id);
    const bySlug = Object.fromEntries(done.items.map((i) => [i.client.slug, i.status]));
    expect(bySlug).toEqual({
      [SLUGS[0]!]: 'SKIPPED',
      [SLUGS[1]!]: 'SKIPPED',
      [SLUGS[2]!]: 'SKIPPED',
      [SLUGS[3]!]: 'DONE',
    });
    for (const slug of SLUGS.slice(0, 4)) expect(await lockEvents(slug)).toBe(1);
  });

  it('reports a refused transition as FAILED with the refusal code, and lists it as an exception', async () => {
    // Straight from UNLOCKED to both locks skips a step: the state machine refuses it.
    const r = await startBatch('senior', { tenants: [SLUGS[4]], action: 'LOCK_SALES_AND_PURCHASING' });
    const done = await finished(r.data!.startBatchPeriodOperation.id);
    expect(done.items).toHaveLength(1);
    expect(done.items[0]).toMatchObject({
      status: 'FAILED',
      stateBefore: 'UNLOCKED',
      monthBefore: { periodState: 'UNLOCKED', closeStatus: null },
    });
    expect(done.items[0]!.failureCode).toMatch(/^[A-Z_]+$/);
    expect(await lockEvents(SLUGS[4]!)).toBe(0);

    const ex = await as('senior')<{
      closeExceptions: { kind: string; client: { slug: string }; batchId: string }[];
    }>('{ closeExceptions { kind client { slug } batchId failureCode message } }');
    expect(ex.errors).toBeUndefined();
    const failed = ex.data!.closeExceptions.filter((e) => e.kind === 'BATCH_ITEM_FAILED');
    expect(failed).toEqual([expect.objectContaining({ client: { slug: SLUGS[4] }, batchId: done.id })]);
  });

  it('refuses a batch naming a client the caller may not act on, and writes nothing', async () => {
    const before = await batchRows();
    const junior = await startBatch('junior', { tenants: [SLUGS[4]], action: 'LOCK_SALES' });
    expect(codes(junior)).toEqual(['FORBIDDEN']);
    const unknown = await startBatch('senior', {
      tenants: [SLUGS[4], 'no-such-client'],
      action: 'LOCK_SALES',
    });
    expect(codes(unknown)).toEqual(['FORBIDDEN']);
    const client = await startBatch('client', { tenants: ['cafe-boquete'], action: 'LOCK_SALES' });
    expect(codes(client)).toEqual(['FORBIDDEN']);
    const empty = await startBatch('senior', { tenants: [], action: 'LOCK_SALES' });
    expect(codes(empty)).toEqual(['BAD_USER_INPUT']);
    expect(await batchRows()).toBe(before);
    expect(await lockEvents(SLUGS[4]!)).toBe(0);
  });

  it('shows another firm member the batch but not a made-up id', async () => {
    const [any] = await stack.control.db.select().from(control.periodBatches).limit(1);
    const seen = await as('admin')<{ batchOperation: Batch | null }>(BATCH, { id: any!.id });
    expect(seen.data!.batchOperation?.id).toBe(any!.id);
    const none = await as('admin')<{ batchOperation: Batch | null }>(BATCH, {
      id: '00000000-0000-4000-8000-000000000000',
    });
    expect(none.data!.batchOperation).toBeNull();
  });
});

describe('the exceptions inbox', () => {
  it('lists months still open N days after month end, per client, with the threshold as an argument', async () => {
    const asOf = `${YEAR}-02-20`;
    const r = await as('senior')<{
      closeExceptions: {
        kind: string;
        client: { slug: string };
        year: number;
        month: number;
        daysOverdue: number;
      }[];
    }>(
      'query Ex($asOf: Date) { closeExceptions(asOf: $asOf, overdueDays: 10) { kind client { slug } year month daysOverdue } }',
      {
        asOf,
      },
    );
    expect(r.errors).toBeUndefined();
    const open = r.data!.closeExceptions.filter((e) => e.kind === 'MONTH_OPEN_OVERDUE');
    // January ended 20 days before; every client still has it open (a lock is not a close).
    expect(open.map((e) => e.client.slug).sort()).toEqual([...SLUGS].sort());
    for (const e of open) expect(e).toMatchObject({ year: YEAR, month: 1, daysOverdue: 20 });
    const tight = await as('senior')<{ closeExceptions: { kind: string }[] }>(
      'query Ex($asOf: Date) { closeExceptions(asOf: $asOf, overdueDays: 25) { kind } }',
      { asOf },
    );
    expect(tight.data!.closeExceptions.filter((e) => e.kind === 'MONTH_OPEN_OVERDUE')).toHaveLength(0);
  });
});

describe('the month-end close in batches, with four eyes', () => {
  const two = SLUGS.slice(0, 2);
  const stages = async () =>
    Object.fromEntries(
      (await board()).clients
        .filter((c) => two.includes(c.client.slug))
        .map((c) => [c.client.slug, [c.stage, c.periodState, (c as { closeStatus?: string }).closeStatus]]),
    );

  it('starts and submits closes, shows them on the board and in the inbox once overdue', async () => {
    const started = await finished(
      (await startBatch('senior', { tenants: two, action: 'START_CLOSE' })).data!.startBatchPeriodOperation
        .id,
    );
    expect(started.items.map((i) => [i.status, i.failureCode])).toEqual([
      ['DONE', null],
      ['DONE', null],
    ]);
    expect(Object.values(await stages())).toEqual([
      ['DRAFT', 'LOCK_SALES', 'DRAFT'],
      ['DRAFT', 'LOCK_SALES', 'DRAFT'],
    ]);
    const submitted = await finished(
      (await startBatch('senior', { tenants: two, action: 'SUBMIT_CLOSE' })).data!.startBatchPeriodOperation
        .id,
    );
    expect(submitted.items.map((i) => i.status)).toEqual(['DONE', 'DONE']);
    expect(submitted.items.map((i) => [i.stateAfter, i.monthAfter])).toEqual([
      ['LOCK_SALES/PENDING_APPROVAL', { periodState: 'LOCK_SALES', closeStatus: 'PENDING_APPROVAL' }],
      ['LOCK_SALES/PENDING_APPROVAL', { periodState: 'LOCK_SALES', closeStatus: 'PENDING_APPROVAL' }],
    ]);
    expect(Object.values(await stages())).toEqual([
      ['PENDING_APPROVAL', 'LOCK_SALES', 'PENDING_APPROVAL'],
      ['PENDING_APPROVAL', 'LOCK_SALES', 'PENDING_APPROVAL'],
    ]);
    const later = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const ex = await as('senior')<{
      closeExceptions: { kind: string; client: { slug: string }; daysOverdue: number }[];
    }>(
      'query($asOf: Date) { closeExceptions(asOf: $asOf, approvalOverdueDays: 1) { kind client { slug } daysOverdue } }',
      { asOf: later },
    );
    expect(ex.errors).toBeUndefined();
    const waiting = ex.data!.closeExceptions.filter((e) => e.kind === 'APPROVAL_OVERDUE');
    expect(waiting.map((e) => e.client.slug).sort()).toEqual([...two].sort());

    // Days waited are the client's days: a close submitted at 20:30 in Panama (01:30 UTC the next
    // day) has waited since that Panama day. Three days after "tomorrow" in UTC is four after it.
    const today = new Date().toISOString().slice(0, 10);
    const [first] = two;
    const t0 = await tenantOf(first!);
    await stack.control.db
      .update(control.clientCloseMonths)
      .set({ submittedAt: new Date(`${today}T01:30:00Z`) })
      .where(and(eq(control.clientCloseMonths.tenantId, t0.id), eq(control.clientCloseMonths.month, MONTH)));
    const threeDays = await as('senior')<{
      closeExceptions: { kind: string; client: { slug: string }; daysOverdue: number }[];
    }>(
      'query($asOf: Date) { closeExceptions(asOf: $asOf, approvalOverdueDays: 3) { kind client { slug } daysOverdue } }',
      { asOf: new Date(Date.parse(`${today}T12:00:00Z`) + 3 * 86_400_000).toISOString().slice(0, 10) },
    );
    expect(
      threeDays.data!.closeExceptions.filter((e) => e.kind === 'APPROVAL_OVERDUE' && e.client.slug === first),
    ).toEqual([{ kind: 'APPROVAL_OVERDUE', client: { slug: first }, daysOverdue: 4 }]);
  });

  it('refuses to let the submitter batch-approve, and approves as another person', async () => {
    const own = await finished(
      (await startBatch('senior', { tenants: two, action: 'APPROVE_CLOSE' })).data!.startBatchPeriodOperation
        .id,
    );
    expect(own.items.map((i) => [i.status, i.failureCode])).toEqual([
      ['FAILED', 'SAME_PERSON'],
      ['FAILED', 'SAME_PERSON'],
    ]);
    expect(Object.values(await stages())).toEqual([
      ['PENDING_APPROVAL', 'LOCK_SALES', 'PENDING_APPROVAL'],
      ['PENDING_APPROVAL', 'LOCK_SALES', 'PENDING_APPROVAL'],
    ]);
    const inbox = await as('senior')<{ closeExceptions: { kind: string; failureCode: string | null }[] }>(
      '{ closeExceptions { kind failureCode } }',
    );
    expect(inbox.data!.closeExceptions.filter((e) => e.failureCode === 'SAME_PERSON')).toHaveLength(2);
    const other = await finished(
      (await startBatch('admin', { tenants: two, action: 'APPROVE_CLOSE' })).data!.startBatchPeriodOperation
        .id,
      'admin',
    );
    expect(other.items.map((i) => [i.status, i.failureCode])).toEqual([
      ['DONE', null],
      ['DONE', null],
    ]);
    const b = await board();
    for (const c of b.clients.filter((x) => two.includes(x.client.slug))) {
      expect(c).toMatchObject({
        stage: 'CLOSED',
        periodState: 'LOCKED',
        lastTransition: { byEmail: 'admin@demo.firm' },
      });
    }
    // The senior's failed approvals stop being exceptions once another batch approved those closes.
    const ex = await as('senior')<{ closeExceptions: { kind: string; failureCode: string | null }[] }>(
      '{ closeExceptions { kind failureCode } }',
    );
    expect(ex.data!.closeExceptions.filter((e) => e.failureCode === 'SAME_PERSON')).toEqual([]);
    const again = await finished(
      (await startBatch('admin', { tenants: two, action: 'APPROVE_CLOSE' })).data!.startBatchPeriodOperation
        .id,
      'admin',
    );
    expect(again.items.map((i) => i.status)).toEqual(['SKIPPED', 'SKIPPED']);
  });

  it('stops listing a failed approval once the close is approved on the client itself', async () => {
    const one = { tenants: [two[1]], month: MONTH + 1 };
    for (const action of ['START_CLOSE', 'SUBMIT_CLOSE']) {
      const b = await finished(
        (await startBatch('senior', { ...one, action })).data!.startBatchPeriodOperation.id,
      );
      expect(b.items.map((i) => i.status)).toEqual(['DONE']);
    }
    const own = await finished(
      (await startBatch('senior', { ...one, action: 'APPROVE_CLOSE' })).data!.startBatchPeriodOperation.id,
    );
    expect(own.items.map((i) => [i.status, i.failureCode])).toEqual([['FAILED', 'SAME_PERSON']]);
    const failedHere = async () => {
      const r = await as('senior')<{
        closeExceptions: {
          kind: string;
          client: { slug: string };
          month: number | null;
          batchId: string | null;
        }[];
      }>('{ closeExceptions(first: 500) { kind client { slug } month batchId } }');
      expect(r.errors).toBeUndefined();
      return r.data!.closeExceptions.filter((e) => e.kind === 'BATCH_ITEM_FAILED' && e.batchId === own.id);
    };
    expect(await failedHere()).toEqual([
      { kind: 'BATCH_ITEM_FAILED', client: { slug: two[1] }, month: MONTH + 1, batchId: own.id },
    ]);

    // Another person approves it on the client, not by a batch: nothing is left to do there.
    const status = await as('admin', two[1])<{ periodCloseStatus: { close: { id: string } } }>(
      'query($y: Int!, $m: Int!) { periodCloseStatus(year: $y, month: $m) { close { id } } }',
      { y: YEAR, m: MONTH + 1 },
    );
    const approved = await as('admin', two[1])<{ approvePeriodClose: { status: string } }>(
      'mutation($id: ID!) { approvePeriodClose(closeId: $id) { status } }',
      { id: status.data!.periodCloseStatus.close.id },
    );
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approvePeriodClose.status).toBe('APPROVED');
    // Once the firm's read model has the approval (the board current again), the item is not listed.
    await board();
    expect(await failedHere()).toEqual([]);
  });

  it('gives two people asking the same at once a batch each, each acting as its own person', async () => {
    const one = { tenants: [two[0]], month: MONTH + 1 };
    for (const action of ['START_CLOSE', 'SUBMIT_CLOSE']) {
      const b = await finished(
        (await startBatch('senior', { ...one, action })).data!.startBatchPeriodOperation.id,
      );
      expect(b.items.map((i) => [i.status, i.failureCode])).toEqual([['DONE', null]]);
    }
    // The preparer and another person approve at the same moment: never one batch for both.
    const asked = await Promise.all(
      ['senior', 'admin'].map((who) => startBatch(who, { ...one, action: 'APPROVE_CLOSE' })),
    );
    const [bySenior, byAdmin] = asked.map((r) => r.data!.startBatchPeriodOperation.id) as [string, string];
    expect(bySenior).not.toBe(byAdmin);
    const [senior, admin] = await Promise.all([finished(bySenior), finished(byAdmin, 'admin')]);
    expect([senior.requestedByEmail, admin.requestedByEmail]).toEqual([
      'senior@demo.firm',
      'admin@demo.firm',
    ]);
    // The admin's approval is the one that counts, whichever ran first. The preparer's is refused
    // (four eyes), or finds the close approved: skipped if it looked after, refused if during.
    expect(admin.items.map((i) => [i.status, i.failureCode])).toEqual([['DONE', null]]);
    const own = senior.items.map((i) => [i.status, i.failureCode])[0];
    expect([
      ['FAILED', 'SAME_PERSON'],
      ['FAILED', 'INVALID_TRANSITION'],
      ['SKIPPED', null],
    ]).toContainEqual(own);
  });
});

describe('a client whose database is down', () => {
  it('shows that client UNAVAILABLE with a reason while the others still answer', async () => {
    const down = await tenantOf('clinica-costa');
    // Move the client to a server that is not there (a closed port), as if its server had died.
    const [dead] = await stack.control.db
      .insert(control.dbServers)
      .values({
        name: 'dead',
        adminUrl: 'postgres://nobody:nothing@127.0.0.1:1/postgres',
        acceptsNewTenants: false,
      })
      .returning();
    await stack.control.db
      .update(control.tenants)
      .set({ serverId: dead!.id })
      .where(eq(control.tenants.id, down.id));
    stack.registry.forget(down.id);

    // Read on demand (the worker's sweep would find it within a minute).
    const refreshed = await as('senior')<{ refreshCloseBoardClient: BoardClient }>(REFRESH, {
      client: 'clinica-costa',
      year: YEAR,
      month: MONTH,
    });
    expect(refreshed.errors).toBeUndefined();
    expect(refreshed.data!.refreshCloseBoardClient).toMatchObject({
      availability: 'UNAVAILABLE',
      unavailableCode: 'CONNECTION_REFUSED',
      stage: null,
    });
    const b = await board();
    expect(b.unavailableCount).toBe(1);
    for (const c of b.clients) {
      if (c.client.slug === 'clinica-costa') {
        expect(c).toMatchObject({
          availability: 'UNAVAILABLE',
          unavailableCode: 'CONNECTION_REFUSED',
          stage: null,
        });
      } else {
        expect(c).toMatchObject({ availability: 'AVAILABLE' });
        expect(c.stage).not.toBeNull();
      }
    }
    expect(await clientDb('clinica-costa')).toBe(down.databaseName);
  });

  it('retries its batch item while it is down, and applies it once when it is back', async () => {
    // Still on the dead server (the test above). Month 3: no other test of this file moves it.
    const started = await startBatch('senior', {
      tenants: ['clinica-costa', 'panaderia-valle'],
      action: 'LOCK_SALES',
      month: 3,
    });
    expect(started.errors).toBeUndefined();
    const id = started.data!.startBatchPeriodOperation.id;
    const costa = async () => {
      const r = await as('senior')<{ batchOperation: Batch }>(BATCH, { id });
      expect(r.errors).toBeUndefined();
      return r.data!.batchOperation.items.find((i) => i.client.slug === 'clinica-costa') as BatchItem;
    };
    // The worker has tried it twice (Agenda's backoff between) and recorded nothing: not FAILED.
    for (let item = await costa(); item.attempts < 2; item = await costa()) {
      expect(item.status).not.toBe('FAILED');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await costa()).toMatchObject({ status: 'RUNNING', failureCode: null });

    // Its server back: the client's location restored (on the server of the firm's other clients).
    const [back] = await stack.control.db
      .update(control.tenants)
      .set({ serverId: (await tenantOf('panaderia-valle')).serverId })
      .where(eq(control.tenants.slug, 'clinica-costa'))
      .returning();
    stack.registry.forget(back!.id);
    const done = await finished(id);
    expect(done.items.map((i) => [i.client.slug, i.status, i.failureCode]).sort()).toEqual([
      ['clinica-costa', 'DONE', null],
      ['panaderia-valle', 'DONE', null],
    ]);
    const costaDone = done.items.find((i) => i.client.slug === 'clinica-costa');
    expect(costaDone).toMatchObject({ stateBefore: 'UNLOCKED', stateAfter: 'LOCK_SALES' });
    expect(costaDone!.attempts).toBeGreaterThanOrEqual(3);
    // Applied once: one lock of month 3 in the client's own trail.
    expect(await lockEvents('clinica-costa', 3)).toBe(1);
  });
});
