import type { Actor, TenantDb, TxOf } from '@cifra/db';
import type { CloseStage, CloseStatus, PeriodState } from '@cifra/domain';
import type { Permission } from '@cifra/permissions';

/**
 * The narrow seam between the firm's view (close board, batch operations, exceptions) and one
 * client's period machine. The firm's view never touches a client's period tables except through
 * these two functions, so the per-client rules (state machine, four eyes, checklist) stay in one
 * place and the fan-out code stays about fan-out.
 */

export const BatchActions = [
  'LOCK_SALES',
  'LOCK_PURCHASING',
  'LOCK_SALES_AND_PURCHASING',
  'START_CLOSE',
  'SUBMIT_CLOSE',
  'APPROVE_CLOSE',
] as const;
export type BatchAction = (typeof BatchActions)[number];

export interface ClientTransition {
  action: string;
  actorId: string | null;
  actorEmail: string | null;
  at: Date;
}

export interface ClientChecklistItem {
  code: string;
  description: string;
}

/** One client's line on the close board for one month. */
export interface ClientCloseRow {
  /** Null when the client has no period for that month (its fiscal year is not open yet). */
  periodId: string | null;
  periodState: PeriodState | null;
  /** The month-end close's status (DRAFT, PENDING_APPROVAL, …), null when none was started. */
  closeStatus: CloseStatus | null;
  stage: CloseStage | null;
  lastTransition: ClientTransition | null;
  openChecklistItems: ClientChecklistItem[];
  /** Every bank account reconciled through month end (checklist BANK_ACCOUNTS_RECONCILED); null: not checked. */
  banksReconciled: boolean | null;
}

/** One posting period of a client, as the close board's read model keeps it. */
export interface ClientMonth {
  year: number;
  month: number;
  /** The month's last day (YYYY-MM-DD): the overdue clock of the exceptions inbox starts there. */
  endDate: string;
  /** When the month's live close was submitted, for the approval clock; null when not submitted. */
  submittedAt: Date | null;
  /** Entries posted in the month on a fallback or overridden rate (the firm's stale-rate view). */
  staleRateEntries: number;
  row: ClientCloseRow;
}

/** Every month of a client read in one snapshot, with the outbox rows that snapshot covers. */
export interface ClientMonths {
  changes: bigint[];
  asOf: Date;
  months: ClientMonth[];
}

export interface YearMonth {
  year: number;
  month: number;
}

/** A client database handle, or a transaction on one. */
export type TenantReader = TenantDb | TxOf<TenantDb>;

/** Who acts on a client, with their permissions there (the client's services check them). */
export interface ClientActor extends Actor {
  permissions: readonly Permission[];
}

export interface ClientPeriodPort {
  readCloseRow(db: TenantDb, actor: ClientActor, at: YearMonth): Promise<ClientCloseRow>;
  /** Every month of the client in one snapshot (the close board's projector; no actor: a system read). */
  readClientMonths(db: TenantDb): Promise<ClientMonths>;
  /** Apply one forward transition in one audited transaction; refusals are DomainErrors. */
  apply(db: TenantDb, actor: ClientActor, args: YearMonth & { action: BatchAction }): Promise<void>;
  /**
   * The transition `apply` would make, if `actor` already made it under its request id: the
   * month's state before it, as that transition's audit event recorded it; null when it was not
   * made. Only that event counts — the action's own, on that month, by that actor with that
   * request id — never another event that merely carries the request id.
   */
  appliedEarlier(
    db: TenantDb,
    actor: ClientActor,
    args: YearMonth & { action: BatchAction },
  ): Promise<{ before: Pick<ClientCloseRow, 'periodState' | 'closeStatus'> | null } | null>;
  /** Closes submitted and still waiting for approval, with when they were submitted. */
  pendingApprovals(
    db: TenantReader,
  ): Promise<(YearMonth & { submittedAt: Date; submittedBy: string | null })[]>;
}

const PAST_LOCK: Record<'LOCK_SALES' | 'LOCK_PURCHASING' | 'LOCK_SALES_AND_PURCHASING', PeriodState[]> = {
  LOCK_SALES: ['LOCK_SALES', 'LOCK_SALES_AND_PURCHASING', 'LOCKED', 'CLOSED'],
  LOCK_PURCHASING: ['LOCK_PURCHASING', 'LOCK_SALES_AND_PURCHASING', 'LOCKED', 'CLOSED'],
  LOCK_SALES_AND_PURCHASING: ['LOCK_SALES_AND_PURCHASING', 'LOCKED', 'CLOSED'],
};

/**
 * Whether a client is already where the action would take it, so a batch reports SKIPPED instead
 * of asking the state machine for a move it would refuse. Anything else is left to the machine.
 */
export function alreadyDone(action: BatchAction, row: ClientCloseRow): boolean {
  const state = row.periodState;
  if (state === null) return false;
  const finished = state === 'LOCKED' || state === 'CLOSED';
  switch (action) {
    case 'LOCK_SALES':
    case 'LOCK_PURCHASING':
    case 'LOCK_SALES_AND_PURCHASING':
      return PAST_LOCK[action].includes(state);
    case 'START_CLOSE':
      return finished || row.closeStatus === 'DRAFT' || row.closeStatus === 'PENDING_APPROVAL';
    case 'SUBMIT_CLOSE':
      return finished || row.closeStatus === 'PENDING_APPROVAL';
    case 'APPROVE_CLOSE':
      return finished;
  }
}
