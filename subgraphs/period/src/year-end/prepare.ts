import { inTransaction, recordAuditEvent, type TenantDb, tenant } from '@cifra/db';
import { addDays, DomainError, type IsoDate, periodAcceptsPosting } from '@cifra/domain';
import { loadCompany } from '@cifra/engine';
import { Permissions as P } from '@cifra/permissions';
import { and, gte, lte } from 'drizzle-orm';
import { type PeriodActor, requirePermission } from '../services/actor.ts';
import { fiscalYearRow, type TenantTx, yearPeriodsForUpdate } from '../services/store.ts';
import { accrualReversalLines, buildClosingLines } from './closing-lines.ts';
import { refuseIfNotReady, refuseIfYearNotOpen } from './readiness.ts';
import { type YearEndCloseDraft, yearEndCloseDraft } from './review.ts';
import {
  bankFeesOnFxVariance,
  type FxVarianceMode,
  fingerprintYear,
  incomeStatementBalances,
  insertDraft,
  pendingAccruals,
  roleAccounts,
} from './store.ts';

/**
 * Step 1 (`Period.PrepareClose`): build the closing entry as a draft, with a plain-language
 * explanation per line, and fingerprint the year's books. Nothing posts. A new preparation
 * supersedes an earlier draft of the same year. `now` is the clock's reading (the year must have
 * ended by it).
 */
export async function prepareYearEndClose(
  db: TenantDb,
  actor: PeriodActor,
  args: { fiscalYear: number; fxVarianceMode: FxVarianceMode; now?: Date },
): Promise<YearEndCloseDraft> {
  requirePermission(actor, P.Period.PrepareClose);
  const closeId = await inTransaction(db, actor, async (tx) => {
    const periods = await yearPeriodsForUpdate(tx, args.fiscalYear);
    const year = await fiscalYearRow(tx, args.fiscalYear, true);
    refuseIfYearNotOpen(year);
    const company = await loadCompany(tx);
    await refuseIfNotReady(tx, year, periods, { now: args.now ?? new Date(), timezone: company.timezone });
    const roles = await roleAccounts(tx);
    const retainedEarnings = roles.get('RetainedEarnings');
    if (!retainedEarnings) {
      throw new DomainError('YEAR_NOT_READY', 'No account is bound to the RetainedEarnings role', {
        fiscalYear: year.year,
      });
    }
    const closingDate = year.endDate;
    const fxVariance = roles.get('FxVarianceBankFees');
    const { lines: closing, netIncomeMinor } = buildClosingLines({
      balances: await incomeStatementBalances(tx, year.year),
      roles,
      company,
      fiscalYear: year.year,
      closingDate,
      mode: args.fxVarianceMode,
      legacyBankFeesMinor:
        args.fxVarianceMode === 'SEPARATED' && fxVariance
          ? await bankFeesOnFxVariance(tx, year.year, fxVariance.id)
          : 0n,
    });
    const reversalDate = addDays(closingDate, 1);
    const accruals = await pendingAccruals(tx, year.year, reversalDate);
    const reversing = accrualReversalLines(accruals, year.year, reversalDate);
    if (accruals.length > 0) await refuseIfReversalsLocked(tx, reversalDate);
    const fingerprint = await fingerprintYear(tx, year.year, args.fxVarianceMode);
    const close = await insertDraft(
      tx,
      {
        fiscalYear: year.year,
        fingerprint,
        fxVarianceMode: args.fxVarianceMode,
        closingDate,
        retainedEarningsAccountId: retainedEarnings.id,
        netIncomeMinor,
        preparedBy: actor.userId,
        preparedByEmail: actor.email,
      },
      [...closing, ...reversing],
    );
    await recordAuditEvent(tx, actor, {
      action: 'year_end_close.prepared',
      entityType: 'YearEndClose',
      entityId: close.id,
      after: {
        fiscalYear: year.year,
        fingerprint,
        fxVarianceMode: args.fxVarianceMode,
        closingLines: closing.length,
        accrualsReversed: accruals.map((a) => a.entry.number),
        netIncomeMinor,
      },
    });
    return close.id;
  });
  return yearEndCloseDraft(db, actor, { draftId: closeId, fxVarianceMode: args.fxVarianceMode });
}

/**
 * The accruals' reversals post on the first day of the next year. A period there that refuses a
 * REVERSAL (locked) would refuse the approval (PERIOD_LOCKED) whatever is done to this year, so the
 * draft is refused now, saying which month to reopen. A next year not opened yet is opened
 * UNLOCKED by the approval.
 */
async function refuseIfReversalsLocked(tx: TenantTx, date: IsoDate): Promise<void> {
  const [p] = await tx
    .select()
    .from(tenant.postingPeriods)
    .where(and(lte(tenant.postingPeriods.startDate, date), gte(tenant.postingPeriods.endDate, date)));
  if (!p || periodAcceptsPosting(p.state, 'REVERSAL')) return;
  const label = `${p.year}-${String(p.month).padStart(2, '0')}`;
  throw new DomainError(
    'PERIOD_LOCKED',
    `The year's accruals are reversed on ${date}, in ${label}, which is ${p.state}: move it back to UNLOCKED, then prepare the close`,
    { periodId: p.id, period: label, state: p.state, sourceKind: 'REVERSAL' },
  );
}
