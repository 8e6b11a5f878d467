import { randomUUID } from 'node:crypto';
import {
  type ControlDb,
  control,
  controlDb,
  inTransaction,
  pg,
  recordAuditEvent,
  TenantRegistry,
} from '@cifra/db';
import { permissionsOf } from '@cifra/permissions';
import {
  createTestControlDatabase,
  type TestDatabase,
  testServerUrl,
  testServiceSecrets,
} from '@cifra/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientPeriodPort } from '../src/services/client-period.ts';
import {
  BatchItemRetry,
  itemRequestId,
  runBatchItem,
  UNAVAILABLE_ATTEMPTS,
} from '../src/services/run-batch-item.service.ts';
import { type Books, openBooks } from './support.ts';

// A batch item whose worker died after the client's transition committed, before the control
// plane recorded it, is retaken: it is DONE without applying again, and says what it found before.
// One whose worker was stopping (its pools closed under it) records no outcome: retaken, it is DONE.
let database: TestDatabase;
let pool: pg.Pool;
let db: ControlDb;
let registry: TenantRegistry;
let books: Books;
let tenantId: string;
let user: { id: string; email: string };

beforeAll(async () => {
  database = await createTestControlDatabase();
  books = await openBooks([2026]);
  pool = new pg.Pool({ connectionString: database.adminUrl, max: 2 });
  db = controlDb(pool);
  await db.insert(control.currencies).values({ code: 'PAB', name: 'Balboa', minorUnits: 2 });
  const [firm] = await db.insert(control.firms).values({ slug: 'retake-firm', name: 'Retake' }).returning();
  const [server] = await db
    .insert(control.dbServers)
    .values({ name: 'r', adminUrl: testServerUrl() })
    .returning();
  const [t] = await db
    .insert(control.tenants)
    .values({
      firmId: firm!.id,
      slug: 'retaken',
      name: 'Retaken',
      region: 'PA',
      baseCurrency: 'PAB',
      timezone: 'America/Panama',
      serverId: server!.id,
      databaseName: books.db.name,
      status: 'ACTIVE',
    })
    .returning();
  tenantId = t!.id;
  const [u] = await db
    .insert(control.users)
    .values({ email: 'senior@retake.test', displayName: 'S' })
    .returning();
  user = { id: u!.id, email: u!.email };
  await db.insert(control.firmMemberships).values({ firmId: firm!.id, userId: user.id, firmRole: 'Senior' });
  registry = new TenantRegistry({ control: db, secrets: testServiceSecrets, maxPools: 1, poolSize: 2 });
});

afterAll(async () => {
  await registry?.close();
  await pool?.end();
  await books?.close();
  await database?.drop();
});

async function runningBatch(month: number, dedupeKey: string) {
  const [firm] = await db.select().from(control.firms);
  const [batch] = await db
    .insert(control.periodBatches)
    .values({
      firmId: firm!.id,
      action: 'LOCK_SALES',
      year: 2026,
      month,
      status: 'RUNNING',
      requestedBy: user.id,
      requestedByEmail: user.email,
      dedupeKey,
    })
    .returning();
  return batch!;
}

/** A PENDING item on the test client, of a new running batch for `month`. */
async function pendingItem(month: number, dedupeKey: string) {
  const batch = await runningBatch(month, dedupeKey);
  const [item] = await db
    .insert(control.periodBatchItems)
    .values({ batchId: batch.id, tenantId, status: 'PENDING' })
    .returning();
  return { batch, item: item! };
}

const itemRow = async (id: string) =>
  (await db.select().from(control.periodBatchItems).where(eq(control.periodBatchItems.id, id)))[0];

describe('a batch item retaken after its worker died', () => {
  it('is DONE with the month as it was before the transition the dead worker committed', async () => {
    const batch = await runningBatch(3, 'retake');
    // The first attempt took the item and committed the client's transition, then its worker died
    // before recording anything in the control plane.
    const [item] = await db
      .insert(control.periodBatchItems)
      .values({ batchId: batch.id, tenantId, status: 'RUNNING', attempts: 1 })
      .returning();
    await clientPeriodPort.apply(
      books.app,
      {
        userId: user.id,
        email: user.email,
        requestId: itemRequestId(item!.id),
        permissions: permissionsOf(['Senior']),
      },
      { year: 2026, month: 3, action: 'LOCK_SALES' },
    );

    await runBatchItem({ control: db, registry, port: clientPeriodPort }, item!.id);

    expect(await itemRow(item!.id)).toMatchObject({
      status: 'DONE',
      attempts: 2,
      stateBefore: 'UNLOCKED',
      stateAfter: 'LOCK_SALES',
    });
  });
});

describe('a batch item retaken with a forged proof of work in the client’s books', () => {
  it('is applied: only its own transition, by the batch’s identity, on its month, counts as done', async () => {
    const batch = await runningBatch(6, 'forged');
    // Taken once by a worker that died before acting: nothing of it is in the client's books.
    const [item] = await db
      .insert(control.periodBatchItems)
      .values({ batchId: batch.id, tenantId, status: 'RUNNING', attempts: 1 })
      .returning();
    const forged = itemRequestId(item!.id);
    const requester = { userId: user.id, email: user.email, requestId: forged, clientName: 'cifra-batch' };
    // Events under the item's request id that are no transition of it: anyone's event (what a
    // caller's own x-request-id put on an investigation, say), the requester's own of another
    // kind, and the same move by the requester on another month.
    for (const actor of [
      { userId: randomUUID(), email: 'client@retake.test', requestId: forged, clientName: 'cifra-batch' },
      requester,
    ]) {
      await inTransaction(books.app, actor, (tx) =>
        recordAuditEvent(tx, actor, {
          action: 'investigation.started',
          entityType: 'Investigation',
          entityId: randomUUID(),
          after: { sql: 'SELECT 1' },
        }),
      );
    }
    await clientPeriodPort.apply(
      books.app,
      { ...requester, permissions: permissionsOf(['Senior']) },
      { year: 2026, month: 7, action: 'LOCK_SALES' },
    );

    await runBatchItem({ control: db, registry, port: clientPeriodPort }, item!.id);

    expect(await itemRow(item!.id)).toMatchObject({
      status: 'DONE',
      attempts: 2,
      stateBefore: 'UNLOCKED',
      stateAfter: 'LOCK_SALES',
    });
    // Applied, not taken as done: the month moved, and its transition is the batch's.
    const { rows } = await books.owner.query(
      `SELECT p.state, (SELECT count(*)::int FROM audit_events e
          WHERE e.action = 'period.locked' AND e.before->>'periodId' = p.id::text
            AND e.request_id = $1 AND e.actor_id = $2) AS transitions
        FROM posting_periods p WHERE p.year = 2026 AND p.month = 6`,
      [forged, user.id],
    );
    expect(rows).toEqual([{ state: 'LOCK_SALES', transitions: 1 }]);
  });
});

describe('a batch item whose worker is stopping', () => {
  it('records no outcome when the client’s books fail under it (its pools closing), and is DONE when retaken', async () => {
    const { item } = await pendingItem(4, 'stopping');
    const stopping = new AbortController();
    // What pg says of a pool closed by the shutdown, once the stop has begun.
    const closing = {
      ...clientPeriodPort,
      apply: async () => {
        stopping.abort();
        throw new Error('Cannot use a pool after calling end on the pool');
      },
    };
    await expect(
      runBatchItem({ control: db, registry, port: closing, stopping: stopping.signal }, item.id),
    ).rejects.toThrow('Cannot use a pool after calling end on the pool');
    expect(await itemRow(item.id)).toMatchObject({
      status: 'RUNNING',
      attempts: 1,
      errorCode: null,
      finishedAt: null,
    });

    // The same failure while the worker runs is the client's books being unavailable: retried,
    // then FAILED at the last attempt (below, "a batch item whose client cannot be reached").
    const running = {
      ...clientPeriodPort,
      apply: async () => {
        throw new Error('Cannot use a pool after calling end on the pool');
      },
    };
    const { item: other } = await pendingItem(5, 'running');
    await expect(
      runBatchItem(
        { control: db, registry, port: running, stopping: new AbortController().signal },
        other.id,
      ),
    ).rejects.toBeInstanceOf(BatchItemRetry);
    expect(await itemRow(other.id)).toMatchObject({ status: 'RUNNING', attempts: 1, errorCode: null });

    await runBatchItem({ control: db, registry, port: clientPeriodPort }, item.id);
    expect(await itemRow(item.id)).toMatchObject({
      status: 'DONE',
      attempts: 2,
      stateBefore: 'UNLOCKED',
      stateAfter: 'LOCK_SALES',
    });
  });
});

describe('a batch item whose client cannot be reached', () => {
  // What pg says when the client's server is down or restarting.
  const refused = () =>
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  const lockedSales = async (month: number) => {
    const { rows } = await books.owner.query(
      `SELECT p.state, (SELECT count(*)::int FROM audit_events e
          WHERE e.action = 'period.locked' AND e.before->>'periodId' = p.id::text) AS transitions
        FROM posting_periods p WHERE p.year = 2026 AND p.month = $1`,
      [month],
    );
    return rows[0];
  };

  it('is retried, recording nothing, and is DONE once the client answers again', async () => {
    const { item } = await pendingItem(8, 'back-again');
    let down = true;
    const restarting = {
      ...clientPeriodPort,
      readCloseRow: async (...args: Parameters<typeof clientPeriodPort.readCloseRow>) => {
        if (down) throw refused();
        return clientPeriodPort.readCloseRow(...args);
      },
    };
    const first = runBatchItem({ control: db, registry, port: restarting }, item.id);
    await expect(first).rejects.toBeInstanceOf(BatchItemRetry);
    await expect(first).rejects.toMatchObject({ attempt: 1, tenantId });
    expect(await itemRow(item.id)).toMatchObject({ status: 'RUNNING', attempts: 1, finishedAt: null });
    expect(await lockedSales(8)).toEqual({ state: 'UNLOCKED', transitions: 0 });

    down = false;
    await runBatchItem({ control: db, registry, port: restarting }, item.id);
    expect(await itemRow(item.id)).toMatchObject({
      status: 'DONE',
      attempts: 2,
      errorCode: null,
      stateBefore: 'UNLOCKED',
      stateAfter: 'LOCK_SALES',
    });
    expect(await lockedSales(8)).toEqual({ state: 'LOCK_SALES', transitions: 1 });
  });

  it('is DONE, not applied twice, when the connection was lost after its transition committed', async () => {
    const { item } = await pendingItem(9, 'lost-after-commit');
    const lostAnswer = {
      ...clientPeriodPort,
      apply: async (...args: Parameters<typeof clientPeriodPort.apply>) => {
        await clientPeriodPort.apply(...args);
        throw Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
      },
    };
    await expect(runBatchItem({ control: db, registry, port: lostAnswer }, item.id)).rejects.toBeInstanceOf(
      BatchItemRetry,
    );
    await runBatchItem({ control: db, registry, port: clientPeriodPort }, item.id);
    expect(await itemRow(item.id)).toMatchObject({ status: 'DONE', attempts: 2, stateAfter: 'LOCK_SALES' });
    expect(await lockedSales(9)).toEqual({ state: 'LOCK_SALES', transitions: 1 });
  });

  it(`is FAILED TENANT_UNAVAILABLE at its ${UNAVAILABLE_ATTEMPTS}th attempt, and closes its batch`, async () => {
    const { batch, item } = await pendingItem(10, 'never-back');
    const gone = {
      ...clientPeriodPort,
      readCloseRow: async () => {
        throw refused();
      },
    };
    for (let attempt = 1; attempt < UNAVAILABLE_ATTEMPTS; attempt++) {
      await expect(runBatchItem({ control: db, registry, port: gone }, item.id)).rejects.toMatchObject({
        attempt,
      });
      expect(await itemRow(item.id)).toMatchObject({ status: 'RUNNING', attempts: attempt });
    }
    await runBatchItem({ control: db, registry, port: gone }, item.id);
    expect(await itemRow(item.id)).toMatchObject({
      status: 'FAILED',
      attempts: UNAVAILABLE_ATTEMPTS,
      errorCode: 'TENANT_UNAVAILABLE',
      errorMessage: `The client's database server refused the connection (after ${UNAVAILABLE_ATTEMPTS} attempts)`,
    });
    const [closed] = await db
      .select()
      .from(control.periodBatches)
      .where(eq(control.periodBatches.id, batch.id));
    expect(closed).toMatchObject({ status: 'FINISHED' });
    expect(await lockedSales(10)).toEqual({ state: 'UNLOCKED', transitions: 0 });
  });
});
