import { BATCH_ITEM_REQUEST_ID_PREFIX } from '@cifra/context';
import {
  type Actor,
  ARCHIVED_READ_ONLY,
  announceClientChanges,
  type ControlDb,
  control,
  isArchived,
  recordAuditEvent,
  type TenantDb,
  type TenantRegistry,
  tenantAccess,
  translateDbError,
} from '@cifra/db';
import { DomainError } from '@cifra/domain';
import { permissionsOf } from '@cifra/permissions';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { missingForBatch } from './batch-period-operation.service.ts';
import {
  alreadyDone,
  type ClientActor,
  type ClientCloseRow,
  type ClientPeriodPort,
} from './client-period.port.ts';
import { unavailable } from './fan-out.ts';

const { periodBatches, periodBatchItems } = control;

export interface BatchRunnerDeps {
  control: ControlDb;
  registry: TenantRegistry;
  port: ClientPeriodPort;
  /**
   * Aborted when the worker stops. A client's books failing then (its pool closed under the item)
   * are no outcome of the client's: the item is left RUNNING, nothing recorded, and retaken.
   */
  stopping?: AbortSignal | undefined;
  /** Attempts at a client whose books cannot be reached before its item fails (`UNAVAILABLE_ATTEMPTS`). */
  unavailableAttempts?: number | undefined;
}

type Outcome = {
  status: 'DONE' | 'SKIPPED' | 'FAILED';
  errorCode?: string;
  errorMessage?: string;
  stateBefore?: string | null;
  stateAfter?: string | null;
};

/**
 * The request id every tenant-side audit event of this item carries. A caller's `x-request-id`
 * never takes this form (the gateway replaces it: SERVICE_REQUEST_ID_PREFIXES), and an earlier
 * attempt is recognised only by its transition's own event (`ClientPeriodPort.appliedEarlier`).
 */
export const itemRequestId = (itemId: string) => `${BATCH_ITEM_REQUEST_ID_PREFIX}${itemId}`;

/**
 * A client whose books cannot be reached is tried this many times before its item is FAILED
 * `TENANT_UNAVAILABLE`: the job runs again after Agenda's backoff (1 s, 2 s, 4 s in the worker), so
 * a restart or failover of the client's server is ridden out instead of failing the item at once.
 */
export const UNAVAILABLE_ATTEMPTS = 4;

/**
 * Thrown by `runBatchItem` when the client's books could not be reached and the item has attempts
 * left: nothing was recorded (the item stays RUNNING, its attempt counted) and the job should run
 * again later. A transition that committed before the connection was lost is found then
 * (`appliedEarlier`), never applied twice.
 */
export class BatchItemRetry extends Error {
  constructor(
    readonly itemId: string,
    readonly tenantId: string,
    readonly attempt: number,
    readonly of: number,
    readonly reason: string,
  ) {
    super(
      `The client's books could not be reached (attempt ${attempt} of ${of}): ${reason}; the item runs again`,
    );
    this.name = 'BatchItemRetry';
  }
}

const describe = (row: Pick<ClientCloseRow, 'periodState' | 'closeStatus'> | null) =>
  row ? [row.periodState ?? 'NO_PERIOD', row.closeStatus].filter(Boolean).join('/') : null;

/**
 * Apply one batch item to its client, exactly once, however often the job runs.
 *
 * 1. Mark the item RUNNING (visible to `batchOperation`) and count the attempt; a finished item is left alone.
 * 2. In one control-plane transaction, hold the item row FOR UPDATE while acting, so two workers
 *    (one whose lock Agenda thought expired) never act on one item at once.
 * 3. On a retry, look for the audit event of this item's transition in the client's books (its
 *    action, on its month, by the batch's user, with this item's request id): if the transition
 *    committed before a worker died, it is DONE, not re-applied.
 * 4. Re-read the client's state: already there → SKIPPED; else apply it through the client's own
 *    state machine, which audits it and refuses what it must (→ FAILED with its code).
 * 5. Record the outcome and a firm-level audit event; the last item to finish closes the batch.
 *
 * Only a control-plane failure throws (Agenda then retries the job with backoff), and a client whose
 * books cannot be reached while the item has attempts left (`BatchItemRetry`, retried the same way);
 * at its last attempt such an item is FAILED `TENANT_UNAVAILABLE`.
 */
export async function runBatchItem(deps: BatchRunnerDeps, itemId: string): Promise<void> {
  const [claimed] = await deps.control
    .update(periodBatchItems)
    .set({
      status: 'RUNNING',
      attempts: sql`${periodBatchItems.attempts} + 1`,
      startedAt: sql`coalesce(${periodBatchItems.startedAt}, now())`,
    })
    .where(and(eq(periodBatchItems.id, itemId), inArray(periodBatchItems.status, ['PENDING', 'RUNNING'])))
    .returning();
  if (!claimed) return;

  await deps.control.transaction(async (tx) => {
    const [item] = await tx
      .select()
      .from(periodBatchItems)
      .where(eq(periodBatchItems.id, itemId))
      .for('update');
    if (!item || (item.status !== 'PENDING' && item.status !== 'RUNNING')) return;
    const [batch] = await tx.select().from(periodBatches).where(eq(periodBatches.id, item.batchId));
    if (!batch) return;
    const actor: Actor = {
      userId: batch.requestedBy,
      email: batch.requestedByEmail,
      requestId: itemRequestId(item.id),
      clientName: 'cifra-batch',
      clientVersion: null,
    };
    const outcome = await decide(deps, batch, item, actor);
    // With the item's outcome: once the batch reports it, the close board shows it or marks it BEHIND.
    if (outcome.status === 'DONE') await announceClientChanges(tx, [item.tenantId]);
    await tx
      .update(periodBatchItems)
      .set({
        status: outcome.status,
        errorCode: outcome.errorCode ?? null,
        errorMessage: outcome.errorMessage ?? null,
        stateBefore: outcome.stateBefore ?? null,
        stateAfter: outcome.stateAfter ?? null,
        finishedAt: sql`now()`,
      })
      .where(eq(periodBatchItems.id, item.id));
    await recordAuditEvent(tx, actor, {
      action: `period_batch.item_${outcome.status.toLowerCase()}`,
      entityType: 'PeriodBatchItem',
      entityId: item.id,
      before: { status: item.status, state: outcome.stateBefore ?? null },
      after: {
        batchId: batch.id,
        action: batch.action,
        year: batch.year,
        month: batch.month,
        status: outcome.status,
        state: outcome.stateAfter ?? null,
        errorCode: outcome.errorCode ?? null,
        attempts: item.attempts,
      },
      tenantId: item.tenantId,
    });
    // The batch row serialises the last items to finish, so exactly one of them closes the batch.
    await tx
      .select({ id: periodBatches.id })
      .from(periodBatches)
      .where(eq(periodBatches.id, batch.id))
      .for('update');
    const [left] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(periodBatchItems)
      .where(
        and(
          eq(periodBatchItems.batchId, batch.id),
          ne(periodBatchItems.id, item.id),
          inArray(periodBatchItems.status, ['PENDING', 'RUNNING']),
        ),
      );
    if ((left?.n ?? 0) === 0) {
      const [closed] = await tx
        .update(periodBatches)
        .set({ status: 'FINISHED', finishedAt: sql`now()` })
        .where(and(eq(periodBatches.id, batch.id), eq(periodBatches.status, 'RUNNING')))
        .returning({ id: periodBatches.id });
      if (closed) {
        const counts = await tx
          .select({ status: periodBatchItems.status, n: sql<number>`count(*)::int` })
          .from(periodBatchItems)
          .where(eq(periodBatchItems.batchId, batch.id))
          .groupBy(periodBatchItems.status);
        await recordAuditEvent(tx, actor, {
          action: 'period_batch.finished',
          entityType: 'PeriodBatch',
          entityId: batch.id,
          after: Object.fromEntries(counts.map((c) => [c.status, c.n])),
          tenantId: null,
        });
      }
    }
  });
}

async function decide(
  deps: BatchRunnerDeps,
  batch: typeof periodBatches.$inferSelect,
  item: typeof periodBatchItems.$inferSelect,
  actor: Actor,
): Promise<Outcome> {
  // The batch acts as the user who started it, with their role on this client as it is now.
  const access = await tenantAccess(deps.control, batch.requestedBy, { id: item.tenantId });
  if (!access)
    return { status: 'FAILED', errorCode: 'FORBIDDEN', errorMessage: 'No access to this client any more' };
  const missing = missingForBatch(access.role, batch.action);
  if (missing.length > 0) {
    return {
      status: 'FAILED',
      errorCode: 'FORBIDDEN',
      errorMessage: `Missing permission ${missing.join(', ')}`,
    };
  }
  const at = { year: batch.year, month: batch.month };
  const onClient: ClientActor = { ...actor, permissions: permissionsOf([access.role]) };
  let db: TenantDb;
  let before: ClientCloseRow | null = null;
  try {
    db = await deps.registry.db(item.tenantId);
    const earlier =
      item.attempts > 1
        ? await deps.port.appliedEarlier(db, onClient, { ...at, action: batch.action })
        : null;
    if (earlier) {
      const now = await deps.port.readCloseRow(db, onClient, at);
      return {
        status: 'DONE',
        stateBefore: item.stateBefore ?? describe(earlier.before),
        stateAfter: describe(now),
      };
    }
    before = await deps.port.readCloseRow(db, onClient, at);
    if (before.periodId === null) {
      return {
        status: 'FAILED',
        errorCode: 'PERIOD_NOT_FOUND',
        errorMessage: `The client has no period for ${batch.year}-${String(batch.month).padStart(2, '0')}`,
      };
    }
    if (alreadyDone(batch.action, before)) {
      return { status: 'SKIPPED', stateBefore: describe(before), stateAfter: describe(before) };
    }
    await deps.port.apply(db, onClient, { ...at, action: batch.action });
    const after = await deps.port.readCloseRow(db, onClient, at);
    return { status: 'DONE', stateBefore: describe(before), stateAfter: describe(after) };
  } catch (err) {
    // The refusal a request would have got: a domain error, or a database error translated the one
    // way every path translates it (an archived client's read-only books are TENANT_READ_ONLY, not
    // an outage); only what is neither is the database being unavailable.
    const refusal = err instanceof DomainError ? err : translateDbError(err);
    if (refusal) {
      const archived = refusal.code === 'TENANT_READ_ONLY' && (await isArchived(deps.control, item.tenantId));
      return {
        status: 'FAILED',
        errorCode: refusal.code,
        errorMessage: archived ? ARCHIVED_READ_ONLY : refusal.message,
        stateBefore: describe(before),
      };
    }
    // The worker stopping closed the pools under this item: the retake finds what committed
    // (`appliedEarlier`), so nothing is recorded now rather than a FAILED the client did not cause.
    if (deps.stopping?.aborted) throw err;
    const why = unavailable(err);
    const attempts = deps.unavailableAttempts ?? UNAVAILABLE_ATTEMPTS;
    if (item.attempts < attempts)
      throw new BatchItemRetry(item.id, item.tenantId, item.attempts, attempts, why.reason);
    return {
      status: 'FAILED',
      errorCode: 'TENANT_UNAVAILABLE',
      errorMessage: `${why.reason} (after ${item.attempts} attempts)`,
      stateBefore: describe(before),
    };
  }
}
