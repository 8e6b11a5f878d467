import type { TenantDb } from '@cifra/db';
import { DomainError, fiscalYearOf, todayIn } from '@cifra/domain';
import { loadCompany } from '@cifra/engine';
import { Permissions as P } from '@cifra/permissions';
import { type PeriodActor, requirePermission } from '../services/actor.ts';
import type { TenantTx } from '../services/store.ts';
import {
  closeLinesWithAccounts,
  type FxVarianceMode,
  findClose,
  fingerprintYear,
  type YearEndCloseLineRow,
  type YearEndCloseRow,
} from './store.ts';

export interface YearEndCloseDraft {
  close: YearEndCloseRow;
  lines: (YearEndCloseLineRow & { accountCode: string; accountName: string })[];
  /** Whether the books changed since preparation (approval would be refused with DRAFT_STALE). */
  stale: boolean;
}

/** Which close: one draft, or a fiscal year's latest (the client's current one, `now` on its clock, when none is named). */
export type WhichClose = { draftId: string } | { fiscalYear?: number | null; now?: Date };

/** The fiscal year holding the client's today, in its own time zone and fiscal calendar. */
async function currentFiscalYear(tx: TenantTx, now = new Date()): Promise<number> {
  const company = await loadCompany(tx);
  return fiscalYearOf(todayIn(company.timezone, now), company.fiscalYearStartMonth);
}

/**
 * Step 2 (`Period.Read`): the draft, line by line with its explanations, and whether the books
 * changed since it was prepared. By id, or the latest draft or approved close of a fiscal year.
 */
export async function yearEndCloseDraft(
  db: TenantDb,
  actor: PeriodActor,
  args: WhichClose & { fxVarianceMode?: FxVarianceMode },
): Promise<YearEndCloseDraft> {
  requirePermission(actor, P.Period.Read);
  return db.transaction(
    async (tx) => {
      const which =
        'draftId' in args
          ? { draftId: args.draftId }
          : { fiscalYear: args.fiscalYear ?? (await currentFiscalYear(tx, args.now)) };
      const close = await findClose(tx, which);
      if (!close) {
        throw new DomainError(
          'NOT_FOUND',
          'draftId' in which
            ? `No year-end close ${which.draftId}`
            : `No year-end close has been prepared for fiscal ${which.fiscalYear}`,
          which,
        );
      }
      const lines = await closeLinesWithAccounts(tx, close.id);
      const mode = (args.fxVarianceMode ?? close.fxVarianceMode) as FxVarianceMode;
      const stale =
        close.status === 'SUPERSEDED' ||
        (close.status === 'DRAFT' &&
          (await fingerprintYear(tx, close.fiscalYear, mode)) !== close.fingerprint);
      return { close, lines, stale };
    },
    { accessMode: 'read only', isolationLevel: 'repeatable read' },
  );
}
