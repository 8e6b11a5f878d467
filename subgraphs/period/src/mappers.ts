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
