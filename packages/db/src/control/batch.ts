import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  pgEnum,
  pgTable,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { firms, tenants, users } from './schema.ts';

/**
 * Batch period operations: the firm applies one period transition (lock, start/submit/approve a
 * close) to many clients at once. The batch and its per-client items live here in the control plane;
 * each client's transition itself happens (and is audited) in that client's own database.
 */

export const batchPeriodAction = pgEnum('batch_period_action', [
  'LOCK_SALES',
  'LOCK_PURCHASING',
  'LOCK_SALES_AND_PURCHASING',
  'START_CLOSE',
  'SUBMIT_CLOSE',
  'APPROVE_CLOSE',
]);

export const batchStatus = pgEnum('batch_status', ['RUNNING', 'FINISHED']);

export const batchItemStatus = pgEnum('batch_item_status', [
  'PENDING',
  'RUNNING',
  'DONE',
  'FAILED',
  'SKIPPED',
]);

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const periodBatches = pgTable(
  'period_batches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    firmId: uuid('firm_id')
      .notNull()
      .references(() => firms.id),
    action: batchPeriodAction('action').notNull(),
    year: integer('year').notNull(),
    month: smallint('month').notNull(),
    status: batchStatus('status').notNull().default('RUNNING'),
    /** The batch acts as this user on every client: their role there, their four-eyes identity. */
    requestedBy: uuid('requested_by')
      .notNull()
      .references(() => users.id),
    requestedByEmail: text('requested_by_email').notNull(),
    /** Client-supplied: the same key from the same user returns the same batch. */
    idempotencyKey: text('idempotency_key'),
    /** sha256 of (action, year, month, sorted client ids): one running batch per such request. */
    dedupeKey: text('dedupe_key').notNull(),
    requestId: text('request_id'),
    createdAt: createdAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    unique('period_batches_idempotency').on(t.firmId, t.requestedBy, t.idempotencyKey),
    uniqueIndex('period_batches_one_running').on(t.firmId, t.dedupeKey).where(sql`${t.status} = 'RUNNING'`),
    index('period_batches_firm_time_idx').on(t.firmId, t.createdAt),
    check('period_batches_month', sql`${t.month} BETWEEN 1 AND 12`),
  ],
);

export const periodBatchItems = pgTable(
  'period_batch_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    batchId: uuid('batch_id')
      .notNull()
      .references(() => periodBatches.id),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    status: batchItemStatus('status').notNull().default('PENDING'),
    /** How many times a worker took this item; more than one means a worker died or a lock expired. */
    attempts: integer('attempts').notNull().default(0),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    /** The client's period state / close status before and after, as the job read them. */
    stateBefore: text('state_before'),
    stateAfter: text('state_after'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    unique('period_batch_items_client').on(t.batchId, t.tenantId),
    index('period_batch_items_status_idx').on(t.status),
    index('period_batch_items_tenant_idx').on(t.tenantId),
  ],
);
