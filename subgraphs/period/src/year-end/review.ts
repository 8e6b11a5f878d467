import type { TenantDb } from '@cifra/db';
import { DomainError } from '@cifra/domain';
import { Permissions as P } from '@cifra/permissions';
import { type PeriodActor, requirePermission } from '../services/actor.ts';
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

/**
 * Step 2 (`Period.Read`): the draft, line by line with its explanations, and whether the books
 * changed since it was prepared. By id, or the latest draft or approved close of a fiscal year.
 */
export async function yearEndCloseDraft(
  db: TenantDb,
  actor: PeriodActor,
  args: ({ draftId: string } | { fiscalYear: number }) & { fxVarianceMode?: FxVarianceMode },
): Promise<YearEndCloseDraft> {
  requirePermission(actor, P.Period.Read);
  return db.transaction(
    async (tx) => {
      const close = await findClose(tx, args);
      if (!close) {
        throw new DomainError(
          'NOT_FOUND',
          'draftId' in args
            ? `No year-end close ${args.draftId}`
            : `No year-end close has been prepared for fiscal ${args.fiscalYear}`,
          args,
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
