import { Constraints, inTransaction, isUniqueViolation, recordAuditEvent, type TenantDb } from '@cifra/db';
import { checkPeriodMove, DomainError } from '@cifra/domain';
import { loadCompany, type PostingLine, postEntry } from '@cifra/engine';
import { Permissions as P } from '@cifra/permissions';
import { type PeriodActor, requirePermission, requireUser } from '../services/actor.ts';
import { ensureFiscalYear } from '../services/fiscal-year.service.ts';
import {
  type FiscalYearRow,
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
import { refuseIfNotReady, refuseIfYearNotOpen } from './readiness.ts';
import {
  closeForUpdate,
  closeLines,
  type FxVarianceMode,
  findClose,
  fingerprintYear,
  setFiscalYearState,
  updateClose,
  type YearEndCloseLineRow,
  type YearEndCloseRow,
} from './store.ts';

export interface YearEndCloseResult {
  close: YearEndCloseRow;
  closingEntryId: string | null;
  accrualReversalEntryIds: string[];
  nextYear: FiscalYearRow;
}

/** The closing lines under 'CLOSING', each accrual's reversal under the id of the entry it reverses. */
function groupLines(lines: YearEndCloseLineRow[]) {
  const groups = new Map<string, YearEndCloseLineRow[]>();
  for (const l of lines) {
    const key = l.group === 'CLOSING' ? 'CLOSING' : l.reversesEntryId!;
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  return groups;
}

const toPosting = (l: YearEndCloseLineRow): PostingLine => ({
  accountId: l.accountId,
  amountMinor: l.amountMinor,
  originalCurrency: l.originalCurrency,
  originalAmountMinor: l.originalAmountMinor,
  memo: l.explanation.slice(0, 500),
});

/**
 * The draft to approve, its year and periods, locked in the order every transition takes them
 * (the years, the periods, the year, then the draft); refused unless it is the current DRAFT, the
 * books have not changed since it was prepared and the year before is not OPEN.
 */
async function lockApprovableDraft(tx: TenantTx, draftId: string, mode: FxVarianceMode, now: Date) {
  await holdFiscalYears(tx);
  const found = await findClose(tx, { draftId });
  if (!found) throw new DomainError('NOT_FOUND', `No year-end close draft ${draftId}`, { draftId });
  const periods = await yearPeriodsForUpdate(tx, found.fiscalYear);
  const year = await fiscalYearRow(tx, found.fiscalYear, true);
  const draft = await closeForUpdate(tx, draftId);
  const details = { draftId: draft.id, fiscalYear: year.year, status: draft.status };
  if (draft.status === 'SUPERSEDED') {
    throw new DomainError(
      'DRAFT_STALE',
      'A newer preparation replaced this draft: review and approve that one',
      details,
    );
  }
  if (draft.status !== 'DRAFT') {
    throw new DomainError('INVALID_TRANSITION', `This year-end close is already ${draft.status}`, details);
  }
  refuseIfYearNotOpen(year);
  if ((await fingerprintYear(tx, year.year, mode)) !== draft.fingerprint) {
    throw new DomainError(
      'DRAFT_STALE',
      `The books of fiscal ${year.year} changed since this draft was prepared (a posting, reversal, reopened month, account role or FX policy): prepare the year-end close again`,
      details,
    );
  }
  await refuseIfNotReady(tx, year, periods, { now, timezone: (await loadCompany(tx)).timezone });
  return { draft, year, periods };
}

/** Posts exactly the approved lines: each accrual's reversal, then the closing entry. */
async function postApprovedLines(
  tx: TenantTx,
  actor: PeriodActor,
  draft: YearEndCloseRow,
  fiscalYear: number,
) {
  const groups = groupLines(await closeLines(tx, draft.id));
  const accrualReversalEntryIds: string[] = [];
  for (const [key, group] of groups) {
    if (key === 'CLOSING') continue;
    const entry = await postEntry(tx, actor, {
      kind: 'REVERSAL',
      postingDate: group[0]!.postingDate,
      memo: `Auto-reversal of an accrual of fiscal ${fiscalYear} (year-end close)`,
      sourceId: draft.id,
      reversesEntryId: key,
      lines: group.map(toPosting),
    });
    accrualReversalEntryIds.push(entry.id);
  }
  let closingEntryId: string | null = null;
  const closing = groups.get('CLOSING');
  if (closing && closing.length > 0) {
    const entry = await postEntry(tx, actor, {
      kind: 'YEAR_END_CLOSE',
      postingDate: draft.closingDate,
      memo: `Year-end close of fiscal ${fiscalYear}: income and expenses closed into retained earnings`,
      sourceId: draft.id,
      lines: closing.map(toPosting),
    });
    closingEntryId = entry.id;
  }
  return { closingEntryId, accrualReversalEntryIds };
}

/** The twelve periods go LOCKED → CLOSED, each transition recorded. */
async function closePeriods(tx: TenantTx, actor: PeriodActor, periods: PostingPeriodRow[], draftId: string) {
  for (const period of periods) {
    const refusal = checkPeriodMove('YEAR_END_CLOSE', period.state, 'CLOSED');
    if (refusal) refuse(refusal, { period: periodLabel(period) });
    await setPeriodState(tx, period.id, 'CLOSED');
    await recordTransition(tx, actor, {
      action: 'YEAR_END_CLOSE',
      period,
      toState: 'CLOSED',
      details: { yearEndCloseId: draftId },
    });
  }
}

/**
 * Step 3 (`Year.Close`), in one transaction: posts exactly the approved draft (the closing entry,
 * kind YEAR_END_CLOSE, into the last period, which is LOCKED; each accrual reversal, kind REVERSAL,
 * on the first day of the next year), moves the twelve periods to CLOSED and the year to CLOSED, and
 * creates the next year's twelve UNLOCKED periods if they are missing. Refused with DRAFT_STALE,
 * writing nothing, if the books changed since preparation; YEAR_NOT_READY before the year has
 * ended by `now` (the clock's reading).
 */
export async function approveYearEndClose(
  db: TenantDb,
  actor: PeriodActor,
  args: { draftId: string; fxVarianceMode: FxVarianceMode; now?: Date },
): Promise<YearEndCloseResult> {
  requirePermission(actor, P.Year.Close);
  requireUser(actor);
  try {
    return await inTransaction(db, actor, async (tx) => {
      const { draft, year, periods } = await lockApprovableDraft(
        tx,
        args.draftId,
        args.fxVarianceMode,
        args.now ?? new Date(),
      );
      const next = await ensureFiscalYear(tx, actor, year.year + 1);
      const posted = await postApprovedLines(tx, actor, draft, year.year);
      await closePeriods(tx, actor, periods, draft.id);
      await setFiscalYearState(tx, year.year, 'CLOSED');
      const approved = await updateClose(tx, draft.id, {
        status: 'APPROVED',
        approvedBy: actor.userId,
        approvedByEmail: actor.email,
        approvedAt: new Date(),
        closingEntryId: posted.closingEntryId,
      });
      await recordAuditEvent(tx, actor, {
        action: 'fiscal_year.closed',
        entityType: 'FiscalYear',
        entityId: String(year.year),
        before: { year: year.year, state: year.state },
        after: {
          year: year.year,
          state: 'CLOSED',
          yearEndCloseId: draft.id,
          fingerprint: draft.fingerprint,
          ...posted,
          nextYearCreated: next.created,
        },
      });
      return { close: approved, ...posted, nextYear: next.year };
    });
  } catch (err) {
    if (isUniqueViolation(err, Constraints.yearEndCloseOneApproved)) {
      throw new DomainError('INVALID_TRANSITION', 'This fiscal year already has an approved year-end close', {
        draftId: args.draftId,
      });
    }
    throw err;
  }
}
