import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { control, pg, TENANT_DB_SECRET, withDatabase } from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import { type Stack, startStack } from '@cifra/ops';
import { permissionsOf } from '@cifra/permissions';
import { clientPeriodPort, itemRequestId, runBatchItem } from '@cifra/subgraph-period';
import {
  BOOKS_YEAR,
  createEmptyDatabase,
  makeTestDir,
  TEST_APP_PASSWORD,
  type TestDatabase,
} from '@cifra/testing';
import { and, eq, inArray, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBooksYears } from '../support/books-year.ts';
import { gql } from '../support/client.ts';
import { cloneClients, countInClient } from '../support/clients.ts';
import { closeStack } from '../support/stack.ts';

/**
 * A batch survives its worker being killed mid-way: the worker runs in a child process, is killed
 * with SIGKILL while transitions are in flight, a second worker takes over, and every client ends
 * with its transition applied exactly once (counted in each client's own audit trail).
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = path.join(ROOT, 'ops/src/cli/worker.ts');

let db: TestDatabase;
let dataDir: string;
let stack: Stack;
let senior: string;
const YEAR = BOOKS_YEAR;
const MONTH = 2;
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await createEmptyDatabase();
  dataDir = await makeTestDir('cifra-kill-');
  // No worker in this process: the workers are the child processes below.
  stack = await startStack({
    dataDir,
    port: 0,
    databaseUrl: db.adminUrl,
    appPassword: TEST_APP_PASSWORD,
    log: pino({ level: 'silent' }),
    worker: false,
  });
  await openBooksYears(stack.control.db, stack.registry);
  senior = await signLocalToken(stack.authPrivateJwk, 'senior@demo.firm');
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await closeStack(stack, db);
  await rm(dataDir, { recursive: true, force: true });
});

/** Start a worker process; resolves once it is taking jobs. */
async function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  // Node itself with tsx as a loader (not the tsx launcher, which would leave its child alive on SIGKILL).
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    cwd: ROOT,
    env: {
      ...process.env,
      CONTROL_DATABASE_URL: stack.control.url,
      TENANT_DB_SECRET: stack.serviceSecrets[TENANT_DB_SECRET]!,
      LOG_LEVEL: 'silent',
      JOB_PROCESS_EVERY_MS: '200',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('worker ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
  return child;
}

const items = (batchId: string) =>
  stack.control.db
    .select()
    .from(control.periodBatchItems)
    .where(eq(control.periodBatchItems.batchId, batchId));

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('a worker killed mid-batch', () => {
  it('resumes on another worker and applies every transition exactly once', async () => {
    const clones = await cloneClients(stack, db.adminUrl, 'panaderia-valle', 15, 'kill');
    const tenants = await stack.control.db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.status, 'ACTIVE'));
    expect(tenants).toHaveLength(20);
    expect(clones).toHaveLength(15);

    // Two clients are busy (their period table is locked by someone else): their transitions will
    // be in flight, holding their batch items, when the worker dies.
    const blocked = tenants.slice(0, 2);
    const blockers = await Promise.all(
      blocked.map(async (t) => {
        const c = new pg.Client({ connectionString: withDatabase(db.adminUrl, t.databaseName) });
        await c.connect();
        await c.query('BEGIN');
        await c.query('LOCK TABLE posting_periods IN EXCLUSIVE MODE');
        return c;
      }),
    );

    const start = await gql(stack.gatewayUrl, senior)<{ startBatchPeriodOperation: { id: string } }>(
      `mutation($input: StartBatchPeriodOperationInput!) { startBatchPeriodOperation(input: $input) { id } }`,
      { input: { tenants: tenants.map((t) => t.slug), year: YEAR, month: MONTH, action: 'LOCK_SALES' } },
    );
    expect(start.errors).toBeUndefined();
    const batchId = start.data!.startBatchPeriodOperation.id;
    expect((await items(batchId)).every((i) => i.status === 'PENDING')).toBe(true);

    // Worker A: a long lock lifetime, so it never retakes its own stuck jobs.
    const a = await startWorkerProcess({ BATCH_CONCURRENCY: '4', JOB_LOCK_LIFETIME_MS: '600000' });
    const blockedIds = new Set(blocked.map((t) => t.id));
    await until(async () => {
      const now = await items(batchId);
      return now.every((i) =>
        blockedIds.has(i.tenantId) ? i.status === 'RUNNING' : i.status === 'DONE' || i.status === 'SKIPPED',
      );
    });
    a.kill('SIGKILL');
    await new Promise((resolve) => a.once('exit', resolve));
    for (const c of blockers) {
      await c.query('ROLLBACK');
      await c.end();
    }
    const midway = await items(batchId);
    expect(midway.filter((i) => i.status === 'RUNNING')).toHaveLength(2);

    // Worker B retakes the dead worker's jobs once their lock expires.
    const b = await startWorkerProcess({ BATCH_CONCURRENCY: '4', JOB_LOCK_LIFETIME_MS: '1500' });
    await until(async () => {
      const [batch] = await stack.control.db
        .select()
        .from(control.periodBatches)
        .where(eq(control.periodBatches.id, batchId));
      return batch!.status === 'FINISHED';
    });
    // Gone before the next test starts a batch of its own, which it must not take.
    const exited = new Promise((resolve) => b.once('exit', resolve));
    if (b.exitCode === null && b.signalCode === null) {
      b.kill('SIGTERM');
      await exited;
    }

    const final = await items(batchId);
    expect(final.map((i) => i.status)).toEqual(final.map(() => 'DONE'));
    for (const i of final) expect(i.attempts).toBe(blockedIds.has(i.tenantId) ? 2 : 1);
    for (const t of tenants) {
      const item = final.find((i) => i.tenantId === t.id)!;
      const events = await countInClient(
        db.adminUrl,
        t.databaseName,
        `SELECT count(*)::int AS n FROM audit_events a JOIN posting_periods p ON p.id::text = a.entity_id
          WHERE a.entity_type = 'PostingPeriod' AND p.year = $1 AND p.month = $2`,
        [YEAR, MONTH],
      );
      expect(events, t.slug).toBe(1);
      const mine = await countInClient(
        db.adminUrl,
        t.databaseName,
        'SELECT count(*)::int AS n FROM audit_events WHERE request_id = $1',
        [itemRequestId(item.id)],
      );
      expect(mine, t.slug).toBe(1);
      const state = await countInClient(
        db.adminUrl,
        t.databaseName,
        `SELECT count(*)::int AS n FROM posting_periods WHERE year = $1 AND month = $2 AND state = 'LOCK_SALES'`,
        [YEAR, MONTH],
      );
      expect(state, t.slug).toBe(1);
    }
    // The firm's trail: one outcome event per client, one start and one finish for the batch.
    const firmEvents = await stack.control.db
      .select({ action: control.controlAuditEvents.action, n: sql<number>`count(*)::int` })
      .from(control.controlAuditEvents)
      .where(inArray(control.controlAuditEvents.entityType, ['PeriodBatch', 'PeriodBatchItem']))
      .groupBy(control.controlAuditEvents.action);
    expect(Object.fromEntries(firmEvents.map((e) => [e.action, e.n]))).toEqual({
      'period_batch.started': 1,
      'period_batch.item_done': 20,
      'period_batch.finished': 1,
    });
    // Fifteen clones, two worker processes and a lock lifetime to outwait: minutes on a busy
    // machine. Nothing here is timed; the limit only stops a hang.
  }, 600_000);

  it('reports DONE, without applying it again, a transition that committed before the worker died', async () => {
    const [t] = await stack.control.db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.slug, 'cafe-boquete'));
    const start = await gql(stack.gatewayUrl, senior)<{ startBatchPeriodOperation: { id: string } }>(
      `mutation($input: StartBatchPeriodOperationInput!) { startBatchPeriodOperation(input: $input) { id } }`,
      { input: { tenants: ['cafe-boquete'], year: YEAR, month: MONTH, action: 'LOCK_SALES_AND_PURCHASING' } },
    );
    // LOCK_SALES → LOCK_SALES_AND_PURCHASING is the next step after the batch above.
    const [item] = await items(start.data!.startBatchPeriodOperation.id);
    // A first attempt took the item and committed the client's transition, then its worker died
    // before recording the outcome in the control plane.
    await stack.control.db
      .update(control.periodBatchItems)
      .set({ status: 'RUNNING', attempts: 1 })
      .where(eq(control.periodBatchItems.id, item!.id));
    const tenantDb = await stack.registry.db(t!.id);
    const [user] = await stack.control.db
      .select()
      .from(control.users)
      .where(eq(control.users.email, 'senior@demo.firm'));
    await clientPeriodPort.apply(
      tenantDb,
      {
        userId: user!.id,
        email: user!.email,
        requestId: itemRequestId(item!.id),
        permissions: permissionsOf(['Senior']),
      },
      { year: YEAR, month: MONTH, action: 'LOCK_SALES_AND_PURCHASING' },
    );

    await runBatchItem(
      { control: stack.control.db, registry: stack.registry, port: clientPeriodPort },
      item!.id,
    );

    const [after] = await stack.control.db
      .select()
      .from(control.periodBatchItems)
      .where(and(eq(control.periodBatchItems.id, item!.id)));
    expect(after).toMatchObject({ status: 'DONE', attempts: 2 });
    const events = await countInClient(
      db.adminUrl,
      t!.databaseName,
      'SELECT count(*)::int AS n FROM audit_events WHERE request_id = $1',
      [itemRequestId(item!.id)],
    );
    expect(events).toBe(1);
  });
});
