import type { BatchItemStatus, BatchPeriodAction } from '../../__generated__/graphql.ts';

export const ACTIONS: readonly { action: BatchPeriodAction; label: string; hint: string }[] = [
  { action: 'LOCK_SALES', label: 'Lock sales', hint: 'UNLOCKED → LOCK_SALES' },
  { action: 'LOCK_PURCHASING', label: 'Lock purchasing', hint: 'UNLOCKED → LOCK_PURCHASING' },
  {
    action: 'LOCK_SALES_AND_PURCHASING',
    label: 'Lock sales and purchasing',
    hint: 'from one lock to both',
  },
  { action: 'START_CLOSE', label: 'Start the month-end close', hint: 'a close in DRAFT' },
  { action: 'SUBMIT_CLOSE', label: 'Submit the close for approval', hint: 'DRAFT → PENDING_APPROVAL' },
  {
    action: 'APPROVE_CLOSE',
    label: 'Approve the close',
    hint: 'never one you submitted; the month becomes LOCKED',
  },
];

export const actionLabel = (a: BatchPeriodAction) => ACTIONS.find((x) => x.action === a)?.label ?? a;

export const ITEM_STATUS: Record<BatchItemStatus, string> = {
  PENDING: 'Waiting',
  RUNNING: 'Running',
  DONE: 'Done',
  FAILED: 'Failed',
  SKIPPED: 'Skipped (already there)',
};

/**
 * An idempotency key for one intent to start a batch: random, and made with getRandomValues
 * (crypto.randomUUID exists only in secure contexts, and the console may be served over plain
 * HTTP on a firm's network).
 */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `console-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
