import type { tenant } from '@cifra/db';
import type { BatchItemRow, BatchView } from './services/batch-period-operation.service.ts';
import type { ClientTransition } from './services/client-period.port.ts';
import type { CloseBoardEntry, CloseBoard as CloseBoardModel } from './services/close-board.service.ts';
import type { CloseException as CloseExceptionModel } from './services/close-exceptions.service.ts';

/** The models behind the GraphQL types: rows as the database holds them. */
export type PostingPeriod = typeof tenant.postingPeriods.$inferSelect;
export type FiscalYear = typeof tenant.fiscalYears.$inferSelect;
export type BatchOperation = BatchView;
export type BatchOperationItem = BatchItemRow;
export type CloseBoard = CloseBoardModel;
export type CloseBoardClient = CloseBoardEntry;
export type CloseException = CloseExceptionModel;
export type PeriodTransition = ClientTransition;
export type PeriodClose = import('./services/store.ts').PeriodCloseRow;
export type PeriodChecklistItem = import('./services/checklist.ts').ChecklistItem;
export type PeriodCloseStatus = import('./services/close-status.service.ts').PeriodCloseStatus;
export type PeriodStateTransition = import('./services/store.ts').PeriodTransitionRow;
/** A year-end close with the base currency it is expressed in. */
export type YearEndClose = import('./year-end/review.ts').YearEndCloseDraft & {
  currency: string;
  minorUnits: number;
};
export type YearEndCloseLine = import('./year-end/review.ts').YearEndCloseDraft['lines'][number] & {
  minorUnits: number;
};
export type YearEndCloseReversal = import('./year-end/store.ts').YearEndReversalRow;
export type CloseChecklistItem = import('./services/client-period.port.ts').ClientChecklistItem;
export type BatchMonthState = import('./services/batch-month-state.ts').BatchMonthState;
