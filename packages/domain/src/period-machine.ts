import type { ErrorCode } from './errors.ts';
import type { PeriodState } from './periods.ts';

/**
 * The period close state machine, as data. Nothing here does I/O: the period services look a move
 * up in these tables before they write anything, and the database re-checks the same graph in a
 * trigger on `posting_periods` (migration `0006_periods_guards`).
 *
 * Every edge of the graph is reached by exactly one operation:
 *  - LOCK                    `lockPeriod`: the asymmetric forward locks, one step at a time;
 *  - APPROVE_CLOSE           `approvePeriodClose`: any open state → LOCKED, only through an approved close;
 *  - YEAR_END_CLOSE          `approveYearEndClose`: LOCKED → CLOSED, all twelve periods at once;
 *  - REOPEN                  `reopenPeriod`: any move back short of CLOSED (needs a reason);
 *  - REVERSE_YEAR_END_CLOSE  `approveYearEndCloseReversal`: CLOSED → LOCKED (four eyes).
 */
export const PeriodMoves = [
  'LOCK',
  'APPROVE_CLOSE',
  'YEAR_END_CLOSE',
  'REOPEN',
  'REVERSE_YEAR_END_CLOSE',
] as const;
export type PeriodMove = (typeof PeriodMoves)[number];

export interface PeriodEdge {
  from: PeriodState;
  to: PeriodState;
  move: PeriodMove;
}

const edge = (from: PeriodState, to: PeriodState, move: PeriodMove): PeriodEdge => ({ from, to, move });

/** Every allowed change of a period's posting state. Anything not listed is refused. */
export const PERIOD_EDGES: readonly PeriodEdge[] = [
  edge('UNLOCKED', 'LOCK_SALES', 'LOCK'),
  edge('UNLOCKED', 'LOCK_PURCHASING', 'LOCK'),
  edge('LOCK_SALES', 'LOCK_SALES_AND_PURCHASING', 'LOCK'),
  edge('LOCK_PURCHASING', 'LOCK_SALES_AND_PURCHASING', 'LOCK'),

  edge('UNLOCKED', 'LOCKED', 'APPROVE_CLOSE'),
  edge('LOCK_SALES', 'LOCKED', 'APPROVE_CLOSE'),
  edge('LOCK_PURCHASING', 'LOCKED', 'APPROVE_CLOSE'),
  edge('LOCK_SALES_AND_PURCHASING', 'LOCKED', 'APPROVE_CLOSE'),

  edge('LOCKED', 'CLOSED', 'YEAR_END_CLOSE'),
  edge('CLOSED', 'LOCKED', 'REVERSE_YEAR_END_CLOSE'),

  edge('LOCK_SALES', 'UNLOCKED', 'REOPEN'),
  edge('LOCK_PURCHASING', 'UNLOCKED', 'REOPEN'),
  edge('LOCK_SALES_AND_PURCHASING', 'LOCK_SALES', 'REOPEN'),
  edge('LOCK_SALES_AND_PURCHASING', 'LOCK_PURCHASING', 'REOPEN'),
  edge('LOCK_SALES_AND_PURCHASING', 'UNLOCKED', 'REOPEN'),
  edge('LOCKED', 'LOCK_SALES_AND_PURCHASING', 'REOPEN'),
  edge('LOCKED', 'LOCK_SALES', 'REOPEN'),
  edge('LOCKED', 'LOCK_PURCHASING', 'REOPEN'),
  edge('LOCKED', 'UNLOCKED', 'REOPEN'),
];

/** Which operation, if any, moves a period from one state to another. */
export function periodMoveBetween(from: PeriodState, to: PeriodState): PeriodMove | null {
  return PERIOD_EDGES.find((e) => e.from === from && e.to === to)?.move ?? null;
}

export interface Refusal {
  code: ErrorCode;
  message: string;
}

/** States in which a month is still open for its month-end close (a close can start or be approved). */
export function isOpenForClose(state: PeriodState): boolean {
  return state !== 'LOCKED' && state !== 'CLOSED';
}

/**
 * Whether `operation` may move a period from `from` to `to`; when not, the refusal says which
 * operation would (or that none can).
 */
export function checkPeriodMove(operation: PeriodMove, from: PeriodState, to: PeriodState): Refusal | null {
  const move = periodMoveBetween(from, to);
  if (move === operation) return null;
  if (from === to) {
    return { code: 'INVALID_TRANSITION', message: `The period is already ${from}` };
  }
  switch (move) {
    case 'APPROVE_CLOSE':
      return {
        code: 'CLOSE_REQUIRED',
        message: `A period moves from ${from} to LOCKED only when its month-end close is approved (startPeriodClose, submitPeriodClose, approvePeriodClose)`,
      };
    case 'YEAR_END_CLOSE':
      return {
        code: 'YEAR_CLOSE_REQUIRED',
        message: 'A period becomes CLOSED only through the year-end close of its fiscal year',
      };
    case 'REVERSE_YEAR_END_CLOSE':
    case null:
      if (from === 'CLOSED') {
        return {
          code: 'YEAR_CLOSED',
          message:
            'The period is CLOSED by its year-end close: only reversing that close (requestYearEndCloseReversal, approved by a second person) reopens it',
        };
      }
      if (to === 'CLOSED') {
        return {
          code: 'YEAR_CLOSE_REQUIRED',
          message: `A period reaches CLOSED only from LOCKED, through the year-end close; this one is ${from}`,
        };
      }
      if (to === 'LOCKED') {
        return {
          code: 'CLOSE_REQUIRED',
          message: `A period moves from ${from} to LOCKED only when its month-end close is approved`,
        };
      }
      return {
        code: 'INVALID_TRANSITION',
        message: `No step leads from ${from} to ${to}: ${describeNextSteps(from)}`,
      };
    case 'LOCK':
      return {
        code: 'INVALID_TRANSITION',
        message: `${from} → ${to} is a forward lock: use lockPeriod`,
      };
    case 'REOPEN':
      return {
        code: 'INVALID_TRANSITION',
        message: `${from} → ${to} is a move back: use reopenPeriod, with a reason`,
      };
  }
}

function describeNextSteps(from: PeriodState): string {
  const next = PERIOD_EDGES.filter((e) => e.from === from).map((e) => `${e.to} (${e.move})`);
  return next.length ? `from ${from} the period may go to ${next.join(', ')}` : `${from} is final`;
}

/* ---------------------------------------------------------------- month-end close workflow */

/**
 * A month-end close (seed 000: Open → Draft → PendingApproval → Closed). REOPENED is the terminal
 * status of an approved close whose period was later reopened; a new close then starts from DRAFT.
 */
export const CloseStatuses = ['DRAFT', 'PENDING_APPROVAL', 'APPROVED', 'REOPENED'] as const;
export type CloseStatus = (typeof CloseStatuses)[number];

export const CloseActions = ['SUBMIT', 'APPROVE', 'REJECT', 'REOPEN'] as const;
export type CloseAction = (typeof CloseActions)[number];

export const CLOSE_EDGES: readonly { from: CloseStatus; action: CloseAction; to: CloseStatus }[] = [
  { from: 'DRAFT', action: 'SUBMIT', to: 'PENDING_APPROVAL' },
  { from: 'PENDING_APPROVAL', action: 'APPROVE', to: 'APPROVED' },
  { from: 'PENDING_APPROVAL', action: 'REJECT', to: 'DRAFT' },
  { from: 'APPROVED', action: 'REOPEN', to: 'REOPENED' },
];

export function closeStatusAfter(from: CloseStatus, action: CloseAction): CloseStatus | Refusal {
  const e = CLOSE_EDGES.find((x) => x.from === from && x.action === action);
  if (e) return e.to;
  const needs = CLOSE_EDGES.filter((x) => x.action === action).map((x) => x.from);
  return {
    code: 'INVALID_TRANSITION',
    message: `Cannot ${action.toLowerCase()} a close that is ${from}; only a close that is ${needs.join(' or ')}`,
  };
}

/* ---------------------------------------------------------------- fiscal year */

export const FiscalYearStates = ['OPEN', 'CLOSED', 'AUDITED'] as const;
export type FiscalYearState = (typeof FiscalYearStates)[number];

export const YearMoves = ['YEAR_END_CLOSE', 'MARK_AUDITED', 'REVERSE_YEAR_END_CLOSE'] as const;
export type YearMove = (typeof YearMoves)[number];

export const YEAR_EDGES: readonly { from: FiscalYearState; move: YearMove; to: FiscalYearState }[] = [
  { from: 'OPEN', move: 'YEAR_END_CLOSE', to: 'CLOSED' },
  { from: 'CLOSED', move: 'MARK_AUDITED', to: 'AUDITED' },
  { from: 'CLOSED', move: 'REVERSE_YEAR_END_CLOSE', to: 'OPEN' },
];

export function yearStateAfter(from: FiscalYearState, move: YearMove): FiscalYearState | Refusal {
  const e = YEAR_EDGES.find((x) => x.from === from && x.move === move);
  if (e) return e.to;
  if (from === 'AUDITED') {
    return {
      code: 'YEAR_AUDITED',
      message: 'The fiscal year is AUDITED: an external reviewer signed it off and it can no longer change',
    };
  }
  if (from === 'OPEN') {
    return { code: 'YEAR_NOT_READY', message: 'The fiscal year is still OPEN: close it first' };
  }
  return { code: 'YEAR_CLOSED', message: 'The fiscal year is already CLOSED' };
}

/* ---------------------------------------------------------------- dashboard stage */

/** The stage a client's month shows on the firm's board (seed 000). */
export const CloseStages = [
  'OPEN',
  'DRAFT',
  'PENDING_APPROVAL',
  'CLOSED',
  'YEAR_CLOSED',
  'YEAR_AUDITED',
] as const;
export type CloseStage = (typeof CloseStages)[number];

/**
 * Derived, never stored: the year's state wins, then the period's, then the close workflow's.
 * CLOSED on the board means the month is LOCKED (its close approved).
 */
export function deriveCloseStage(input: {
  periodState: PeriodState;
  closeStatus: CloseStatus | null;
  yearState: FiscalYearState;
}): CloseStage {
  if (input.yearState === 'AUDITED') return 'YEAR_AUDITED';
  if (input.yearState === 'CLOSED' || input.periodState === 'CLOSED') return 'YEAR_CLOSED';
  if (input.periodState === 'LOCKED') return 'CLOSED';
  if (input.closeStatus === 'PENDING_APPROVAL') return 'PENDING_APPROVAL';
  if (input.closeStatus === 'DRAFT') return 'DRAFT';
  return 'OPEN';
}
