import { type Page, pageRows } from '@cifra/context';
import { Constraints, inTransaction, isUniqueViolation, recordAuditEvent, type TenantDb } from '@cifra/db';
import { checkPeriodMove, DomainError, requireReason } from '@cifra/domain';
import { postEntry } from '@cifra/engine';
import { Permissions as P } from '@cifra/permissions';
import { type PeriodActor, requirePermission, requireUser } from '../services/actor.ts';
import {
  fiscalYearRow,
  holdFiscalYears,
  type PostingPeriodRow,
  periodLabel,
  recordTransition,
  refuse,
  setPeriodState,
  type TenantTx,
  yearPeriodsForUpdate,
} from '../services/store.ts';
import { refuseIfNotReversible } from './readiness.ts';
import {
  approvedClose,
  closeForUpdate,
  entryLines,
  insertReversalRequest,
  reversalRequest,
  reversalRequestsOfYear,
  setFiscalYearState,
  updateClose,
  updateReversalRequest,
  type YearEndCloseRow,
  type YearEndReversalRow,
} from './store.ts';

/**
 * Ask to reverse an approved year-end close (`PostingPeriod.ReverseClose`, a reason of at least 20
 * characters). Nothing moves until a different person approves it.
 */
export async function requestYearEndCloseReversal(
  db: TenantDb,
  actor: PeriodActor,
  args: { fiscalYear: number; reason: string },
): Promise<YearEndReversalRow> {
  requirePermission(actor, P.PostingPeriod.ReverseClose);
  const userId = requireUser(actor);
  const reason = requireReason(args.reason);
  const reasoned = { ...actor, reason };
  try {
    return await inTransaction(db, reasoned, async (tx) => {
      const year = await fiscalYearRow(tx, args.fiscalYear, true);
      await refuseIfNotReversible(tx, year);
      const close = await approvedClose(tx, year.year);
      if (!close) {
        throw new DomainError('NOT_FOUND', `Fiscal ${year.year} has no approved year-end close to reverse`, {
          fiscalYear: year.year,
        });
      }
      const request = await insertReversalRequest(tx, {
        fiscalYear: year.year,
        yearEndCloseId: close.id,
        reason,
        requestedBy: userId,
        requestedByEmail: actor.email,
      });
      await recordAuditEvent(tx, reasoned, {
        action: 'year_end_close.reversal_requested',
        entityType: 'YearEndCloseReversal',
        entityId: request.id,
        after: { fiscalYear: year.year, yearEndCloseId: close.id, status: 'PENDING' },
        reason,
      });
      return request;
    });
  } catch (err) {
    if (isUniqueViolation(err, Constraints.yearEndReversalOnePending)) {
      throw new DomainError(
        'CONFLICT',
        `A reversal of fiscal ${args.fiscalYear}'s close is already waiting for approval`,
        { fiscalYear: args.fiscalYear },
      );
    }
    throw err;
  }
}

/**
 * The request to approve, its year and periods, locked in the order every transition takes them
 * (the years first); refused unless it is PENDING, the approver is not the requester and the next
 * year is OPEN.
 */
async function lockApprovableRequest(tx: TenantTx, requestId: string, userId: string) {
  await holdFiscalYears(tx);
  const found = await reversalRequest(tx, requestId);
  if (!found) throw new DomainError('NOT_FOUND', `No reversal request ${requestId}`, { requestId });
  const periods = await yearPeriodsForUpdate(tx, found.fiscalYear);
  const year = await fiscalYearRow(tx, found.fiscalYear, true);
  const request = (await reversalRequest(tx, requestId, true))!;
  const details = { requestId: request.id, fiscalYear: year.year, status: request.status };
  if (request.status !== 'PENDING') {
    throw new DomainError(
      'INVALID_TRANSITION',
      `This reversal request is already ${request.status}`,
      details,
    );
  }
  if (request.requestedBy === userId) {
    throw new DomainError(
      'SAME_PERSON',
      'A year-end close reversal must be approved by a different person than the one who requested it',
      { ...details, requestedBy: request.requestedByEmail },
    );
  }
  await refuseIfNotReversible(tx, year);
  return { request, year, periods };
}

/** The twelve periods go back CLOSED → LOCKED, each transition recorded with the request's reason. */
async function reopenPeriods(
  tx: TenantTx,
  actor: PeriodActor,
  periods: PostingPeriodRow[],
  request: YearEndReversalRow,
  closeId: string,
) {
  for (const period of periods) {
    const refusal = checkPeriodMove('REVERSE_YEAR_END_CLOSE', period.state, 'LOCKED');
    if (refusal) refuse(refusal, { period: periodLabel(period) });
    await setPeriodState(tx, period.id, 'LOCKED');
    await recordTransition(tx, actor, {
      action: 'REVERSE_YEAR_END_CLOSE',
      period,
      toState: 'LOCKED',
      reason: request.reason,
      details: { requestId: request.id, yearEndCloseId: closeId },
    });
  }
}

/** An entry of kind YEAR_END_CLOSE reversing the closing entry line by line, or null if there was none. */
async function reverseClosingEntry(
  tx: TenantTx,
  actor: PeriodActor,
  close: YearEndCloseRow,
  request: YearEndReversalRow,
  fiscalYear: number,
): Promise<string | null> {
  if (!close.closingEntryId) return null;
  const original = await entryLines(tx, close.closingEntryId);
  const entry = await postEntry(tx, actor, {
    kind: 'YEAR_END_CLOSE',
    postingDate: close.closingDate,
    memo: `Reverses the year-end close of fiscal ${fiscalYear}: ${request.reason}`.slice(0, 1000),
    sourceId: request.id,
    reversesEntryId: close.closingEntryId,
    lines: original.map((l) => ({
      accountId: l.accountId,
      amountMinor: -l.amountMinor,
      originalCurrency: l.originalCurrency,
      originalAmountMinor: -l.originalAmountMinor,
      memo: `Reverses line ${l.lineNumber} of the closing entry`,
    })),
  });
  return entry.id;
}

/**
 * Approve a reversal request (`PostingPeriod.ReverseClose`, a different person than the requester),
 * in one transaction: the twelve periods go back CLOSED → LOCKED, the closing entry is reversed by
 * an entry of kind YEAR_END_CLOSE dated the same last day (LOCKED periods accept only that kind, so
 * the periods move first), and the year returns to OPEN. Accrual reversals posted into the next year
 * stay: they belong to the next year's books and a new year-end close will not repeat them.
 */
export async function approveYearEndCloseReversal(
  db: TenantDb,
  actor: PeriodActor,
  args: { requestId: string },
): Promise<YearEndReversalRow> {
  requirePermission(actor, P.PostingPeriod.ReverseClose);
  const userId = requireUser(actor);
  return inTransaction(db, actor, async (tx) => {
    const { request, year, periods } = await lockApprovableRequest(tx, args.requestId, userId);
    const reasoned = { ...actor, reason: request.reason };
    const close = await closeForUpdate(tx, request.yearEndCloseId);
    await reopenPeriods(tx, reasoned, periods, request, close.id);
    const reversalEntryId = await reverseClosingEntry(tx, reasoned, close, request, year.year);
    await setFiscalYearState(tx, year.year, 'OPEN');
    await updateClose(tx, close.id, { status: 'REVERSED', reversedAt: new Date(), reversalEntryId });
    const approved = await updateReversalRequest(tx, request.id, {
      status: 'APPROVED',
      approvedBy: userId,
      approvedByEmail: actor.email,
      approvedAt: new Date(),
      reversalEntryId,
    });
    await recordAuditEvent(tx, reasoned, {
      action: 'fiscal_year.year_end_close_reversed',
      entityType: 'FiscalYear',
      entityId: String(year.year),
      before: { year: year.year, state: year.state, yearEndCloseId: close.id },
      after: { year: year.year, state: 'OPEN', reversalEntryId, requestedBy: request.requestedByEmail },
      reason: request.reason,
    });
    return approved;
  });
}

/** Requests per page of yearEndCloseReversalsConnection: 100 by default, at most 500. */
export const REVERSAL_PAGE = { default: 100, max: 500 } as const;

/** The latest instant a key can name: newest-first order is ascending order of what is left of it. */
const LAST_MS = 9_999_999_999_999;

/**
 * A page of a fiscal year's reversal requests, newest first then by id (a few per year: read whole,
 * answered a page at a time). The tag names the year, so a cursor of one year is refused for another.
 */
export async function pageYearEndCloseReversals(
  db: TenantDb,
  actor: PeriodActor,
  args: { fiscalYear: number; first?: number | null; after?: string | null },
): Promise<Page<YearEndReversalRow>> {
  const rows = await yearEndCloseReversals(db, actor, args);
  return pageRows(
    rows,
    `year-end-reversal:${args.fiscalYear}`,
    (r) => [String(LAST_MS - r.requestedAt.getTime()).padStart(13, '0'), r.id],
    args,
    REVERSAL_PAGE,
  );
}

/** Reversal requests of a fiscal year, newest first. */
export async function yearEndCloseReversals(
  db: TenantDb,
  actor: PeriodActor,
  args: { fiscalYear: number },
): Promise<YearEndReversalRow[]> {
  requirePermission(actor, P.Period.Read);
  return reversalRequestsOfYear(db, args.fiscalYear);
}
