import { createHash } from 'node:crypto';
import {
  type Actor,
  accessibleTenants,
  Constraints,
  type ControlDb,
  control,
  type Caller as DbCaller,
  inTransaction,
  isUniqueViolation,
  recordAuditEvent,
  type TenantRow,
  visibleClients,
} from '@cifra/db';
import { badInput, DomainError, idempotencyKeyReused, isUuid } from '@cifra/domain';
import { type Permission, Permissions, permissionsOf, type RoleCluster } from '@cifra/permissions';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { BatchQueue } from './batch-queue.ts';
import { type BatchAction, BatchActions } from './client-period.port.ts';
import { checkYearMonth } from './year-month.ts';

const { periodBatches, periodBatchItems, tenants } = control;

export type BatchRow = typeof periodBatches.$inferSelect;
export type BatchItemRow = typeof periodBatchItems.$inferSelect & {
  tenantSlug: string;
  tenantName: string;
  tenantSandbox: boolean;
  tenantArchived: boolean;
};
export interface BatchView {
  batch: BatchRow;
  items: BatchItemRow[];
}

/** What each action needs on each client, besides Period.Batch. */
export const ACTION_PERMISSION: Record<BatchAction, Permission> = {
  LOCK_SALES: Permissions.Period.Lock,
  LOCK_PURCHASING: Permissions.Period.Lock,
  LOCK_SALES_AND_PURCHASING: Permissions.Period.Lock,
  START_CLOSE: Permissions.Period.PrepareClose,
  SUBMIT_CLOSE: Permissions.Period.PrepareClose,
  APPROVE_CLOSE: Permissions.Period.Close,
};

/** The permissions a role lacks on one client to run `action` there in a batch. */
export function missingForBatch(role: RoleCluster, action: BatchAction): Permission[] {
  return missingOf(permissionsOf([role]), action);
}

const missingOf = (granted: readonly Permission[], action: BatchAction) =>
  [Permissions.Period.Batch, ACTION_PERMISSION[action]].filter((p) => !granted.includes(p));

/** The actions a batch may run on one client for a caller holding `granted` there. */
export const batchActionsAllowed = (granted: readonly Permission[]): BatchAction[] =>
  BatchActions.filter((action) => missingOf(granted, action).length === 0);

export const MAX_BATCH_CLIENTS = 5_000;

export interface StartBatchInput {
  tenants: readonly string[];
  year: number;
  month: number;
  action: BatchAction;
  idempotencyKey?: string | null;
}

export interface Caller extends DbCaller {
  email: string;
  firmId: string;
  actor: Actor;
}

/**
 * What makes two requests the same batch: the person, the action, the month and the set of
 * clients. The person is part of it because a batch acts as whoever asked (their role, and the
 * four-eyes rule: an approval by someone other than the preparer), so another person's identical
 * request is a batch of their own, never folded into the first one's.
 */
function dedupeKey(
  requestedBy: string,
  action: BatchAction,
  year: number,
  month: number,
  tenantIds: readonly string[],
): string {
  return createHash('sha256')
    .update([requestedBy, action, year, month, ...[...tenantIds].sort()].join('|'))
    .digest('hex');
}

/**
 * Start one period transition on many clients. Every client must be one the caller may run that
 * transition on (else FORBIDDEN and nothing is written). Idempotent: the same idempotency key from
 * the same user returns the same batch, and the same request by the same person while a batch for
 * it is still running returns that batch (another person's is a batch of their own, acting as them). The items are enqueued after the batch commits; re-asking re-enqueues
 * whatever is unfinished (one job per item at most), so a crash between the two loses nothing.
 */
export async function startBatchPeriodOperation(
  deps: { control: ControlDb; queue: BatchQueue },
  caller: Caller,
  input: StartBatchInput,
): Promise<BatchView> {
  checkYearMonth(input);
  if (!BatchActions.includes(input.action)) throw badInput(`Unknown action ${input.action}`);
  const slugs = [...new Set(input.tenants)];
  if (slugs.length === 0) throw badInput('Name at least one client');
  if (slugs.length > MAX_BATCH_CLIENTS) throw badInput(`At most ${MAX_BATCH_CLIENTS} clients per batch`);
  const key = input.idempotencyKey?.trim() || null;
  if (key !== null && key.length > 200) throw badInput('idempotencyKey is too long (200 characters at most)');

  // A batch is a person's act: it runs later, on the worker, as the person who asked for it. An
  // integration granted the firm dashboard follows batches but does not start them.
  if (caller.integration)
    throw new DomainError('FORBIDDEN', 'Batch operations are started by a person of the firm', {});
  const access = new Map(
    (await accessibleTenants(deps.control, caller.userId)).map((a) => [a.tenant.slug, a] as const),
  );
  const chosen: TenantRow[] = [];
  for (const slug of slugs) {
    const a = access.get(slug);
    // An unknown slug and a client the caller is not a member of get the same answer.
    if (!a) throw new DomainError('FORBIDDEN', `You have no access to client ${slug}`, { tenant: slug });
    const missing = missingForBatch(a.role, input.action);
    if (missing.length > 0) {
      throw new DomainError('FORBIDDEN', `Missing permission ${missing.join(', ')} on client ${slug}`, {
        tenant: slug,
        permission: missing[0],
      });
    }
    chosen.push(a.tenant);
  }
  const dedupe = dedupeKey(
    caller.userId,
    input.action,
    input.year,
    input.month,
    chosen.map((t) => t.id),
  );

  const existing = await findExisting(deps.control, caller, key, dedupe);
  if (existing) return resume(deps, existing);

  let batchId: string;
  try {
    batchId = await inTransaction(deps.control, caller.actor, async (tx) => {
      const [batch] = await tx
        .insert(periodBatches)
        .values({
          firmId: caller.firmId,
          action: input.action,
          year: input.year,
          month: input.month,
          requestedBy: caller.userId,
          requestedByEmail: caller.email,
          idempotencyKey: key,
          dedupeKey: dedupe,
          requestId: caller.actor.requestId ?? null,
        })
        .returning();
      if (!batch) throw new Error('batch insert returned nothing');
      await tx.insert(periodBatchItems).values(chosen.map((t) => ({ batchId: batch.id, tenantId: t.id })));
      await recordAuditEvent(tx, caller.actor, {
        action: 'period_batch.started',
        entityType: 'PeriodBatch',
        entityId: batch.id,
        after: {
          action: input.action,
          year: input.year,
          month: input.month,
          clients: chosen.map((t) => t.slug),
          idempotencyKey: key,
        },
        tenantId: null,
      });
      return batch.id;
    });
  } catch (err) {
    // Two identical requests raced: the loser returns the winner's batch.
    if (
      isUniqueViolation(err, Constraints.periodBatchIdempotency) ||
      isUniqueViolation(err, Constraints.periodBatchOneRunning)
    ) {
      const raced = await findExisting(deps.control, caller, key, dedupe);
      if (raced) return resume(deps, raced);
    }
    throw err;
  }
  const view = await loadBatch(deps.control, batchId);
  await deps.queue.enqueue(view.items.map((i) => i.id));
  return view;
}

async function findExisting(
  db: ControlDb,
  caller: Caller,
  key: string | null,
  dedupe: string,
): Promise<BatchRow | null> {
  if (key !== null) {
    const [byKey] = await db
      .select()
      .from(periodBatches)
      .where(
        and(
          eq(periodBatches.firmId, caller.firmId),
          eq(periodBatches.requestedBy, caller.userId),
          eq(periodBatches.idempotencyKey, key),
        ),
      );
    if (byKey) {
      if (byKey.dedupeKey !== dedupe) {
        throw idempotencyKeyReused(key, byKey.createdAt, { batchId: byKey.id });
      }
      return byKey;
    }
  }
  const [running] = await db
    .select()
    .from(periodBatches)
    .where(
      and(
        eq(periodBatches.firmId, caller.firmId),
        eq(periodBatches.dedupeKey, dedupe),
        eq(periodBatches.status, 'RUNNING'),
      ),
    );
  return running ?? null;
}

async function resume(deps: { control: ControlDb; queue: BatchQueue }, batch: BatchRow): Promise<BatchView> {
  const view = await loadBatch(deps.control, batch.id);
  const unfinished = view.items.filter((i) => i.status === 'PENDING' || i.status === 'RUNNING');
  if (unfinished.length > 0) await deps.queue.enqueue(unfinished.map((i) => i.id));
  return view;
}

export async function loadBatch(db: ControlDb, batchId: string): Promise<BatchView> {
  const [batch] = await db.select().from(periodBatches).where(eq(periodBatches.id, batchId));
  if (!batch) throw new DomainError('NOT_FOUND', 'No such batch operation');
  const items = await db
    .select({
      item: periodBatchItems,
      tenantSlug: tenants.slug,
      tenantName: tenants.name,
      tenantSandbox: tenants.sandbox,
      tenantArchivedAt: tenants.archivedAt,
    })
    .from(periodBatchItems)
    .innerJoin(tenants, eq(tenants.id, periodBatchItems.tenantId))
    .where(eq(periodBatchItems.batchId, batchId))
    .orderBy(asc(tenants.name));
  return {
    batch,
    items: items.map((r) => ({
      ...r.item,
      tenantSlug: r.tenantSlug,
      tenantName: r.tenantName,
      tenantSandbox: r.tenantSandbox,
      tenantArchived: r.tenantArchivedAt !== null,
    })),
  };
}

/**
 * A batch of the caller's firm, showing only the clients the caller may still see; null for an
 * unknown id or another firm's batch (the same answer).
 */
export async function batchForCaller(
  db: ControlDb,
  caller: Caller,
  batchId: string,
): Promise<BatchView | null> {
  if (!isUuid(batchId)) return null;
  const [batch] = await db
    .select({ id: periodBatches.id })
    .from(periodBatches)
    .where(and(eq(periodBatches.id, batchId), eq(periodBatches.firmId, caller.firmId)));
  if (!batch) return null;
  const view = await loadBatch(db, batch.id);
  const visible = new Set((await visibleClients(db, caller)).map((a) => a.tenant.id));
  return { ...view, items: view.items.filter((i) => visible.has(i.tenantId)) };
}

/** The firm's most recent batches, newest first. */
export async function recentBatches(db: ControlDb, caller: Caller, limit: number): Promise<BatchView[]> {
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw badInput('limit: 1 to 100', { field: 'limit' });
  const rows = await db
    .select({ id: periodBatches.id })
    .from(periodBatches)
    .where(eq(periodBatches.firmId, caller.firmId))
    .orderBy(sql`${periodBatches.createdAt} DESC`)
    .limit(limit);
  const views: BatchView[] = [];
  for (const r of rows) {
    const v = await batchForCaller(db, caller, r.id);
    if (v) views.push(v);
  }
  return views;
}
