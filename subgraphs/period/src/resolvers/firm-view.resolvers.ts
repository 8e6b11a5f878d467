import { ERROR_CATALOGUE } from '@cifra/domain';
import type {
  BatchOperationItemResolvers,
  BatchOperationResolvers,
  ClientUnavailableCode,
  CloseBoardClientResolvers,
  CloseBoardResolvers,
  CloseChecklistItemResolvers,
  CloseExceptionResolvers,
  ErrorCode,
  PeriodTransitionResolvers,
} from '../__generated__/resolvers.ts';
import { batchMonthState } from '../services/batch-month-state.ts';
import { batchActionsAllowed } from '../services/batch-period-operation.service.ts';
import { closeCheckCode } from '../services/checklist.ts';
import { boardPage, boardPageQuery } from './board-page.ts';

/**
 * A stored code as the ErrorCode enum. Items keep their code as text; one the catalogue no longer
 * holds (written by an older version) reads as null here, and stays readable in `errorCode`.
 */
const asErrorCode = (code: string | null | undefined): ErrorCode | null =>
  code != null && Object.hasOwn(ERROR_CATALOGUE, code) ? (code as ErrorCode) : null;

const UNAVAILABLE_CODES: readonly string[] = [
  'TIMEOUT',
  'CONNECTION_REFUSED',
  'DATABASE_NOT_FOUND',
  'LOGIN_REFUSED',
  'ERROR',
];

const CloseBoard: CloseBoardResolvers = {
  clients: (board) => board.allLines(),
  // The page's clients are cut in SQL; only their lines are read.
  clientsConnection: async (board, args) => {
    const { lines, more } = await board.page(boardPageQuery(args));
    return boardPage(lines, more, args.after);
  },
  stageCounts: async (board) => (await board.counts()).stageCounts,
  unavailableCount: async (board) => (await board.counts()).unavailableCount,
  behindCount: async (board) => (await board.counts()).behindCount,
};

const CloseBoardClient: CloseBoardClientResolvers = {
  client: (e) => e.client,
  availability: (e) => e.availability,
  unavailableCode: (e) => (e.availability === 'UNAVAILABLE' ? e.code : null),
  unavailableReason: (e) => (e.availability === 'UNAVAILABLE' ? e.reason : null),
  periodId: (e) => (e.availability === 'AVAILABLE' ? e.row.periodId : null),
  periodState: (e) => (e.availability === 'AVAILABLE' ? e.row.periodState : null),
  closeStatus: (e) => (e.availability === 'AVAILABLE' ? e.row.closeStatus : null),
  stage: (e) => (e.availability === 'AVAILABLE' ? e.row.stage : null),
  lastTransition: (e) => (e.availability === 'AVAILABLE' ? e.row.lastTransition : null),
  openChecklistItems: (e) => (e.availability === 'AVAILABLE' ? e.row.openChecklistItems : null),
  banksReconciled: (e) => (e.availability === 'AVAILABLE' ? e.row.banksReconciled : null),
  lastVerifiedBackupAt: (e) => e.backup?.lastVerifiedAt ?? null,
  noRecentVerifiedBackup: (e) => e.backup?.overdue ?? true,
  asOf: (e) => e.asOf,
  freshness: (e) => (e.behind ? 'BEHIND' : 'CURRENT'),
  // Batches are a person's act on writable books (startBatchPeriodOperation refuses integrations).
  batchActions: (e, _args, ctx) =>
    ctx.request.integration || e.client.archived ? [] : batchActionsAllowed(e.client.permissions),
};

const PeriodTransition: PeriodTransitionResolvers = {
  byUserId: (t) => t.actorId,
  byEmail: (t) => t.actorEmail,
};

const BatchOperation: BatchOperationResolvers = {
  id: (v) => v.batch.id,
  action: (v) => v.batch.action,
  year: (v) => v.batch.year,
  month: (v) => v.batch.month,
  status: (v) => v.batch.status,
  requestedByEmail: (v) => v.batch.requestedByEmail,
  createdAt: (v) => v.batch.createdAt,
  finishedAt: (v) => v.batch.finishedAt,
  items: (v) => v.items,
  counts: (v) => {
    const n = (s: string) => v.items.filter((i) => i.status === s).length;
    return {
      pending: n('PENDING'),
      running: n('RUNNING'),
      done: n('DONE'),
      failed: n('FAILED'),
      skipped: n('SKIPPED'),
    };
  },
};

const BatchOperationItem: BatchOperationItemResolvers = {
  client: (i) => ({
    id: i.tenantId,
    slug: i.tenantSlug,
    name: i.tenantName,
    sandbox: i.tenantSandbox,
    archived: i.tenantArchived,
  }),
  failureCode: (i) => (i.status === 'FAILED' ? asErrorCode(i.errorCode) : null),
  monthBefore: (i) => batchMonthState(i.stateBefore),
  monthAfter: (i) => batchMonthState(i.stateAfter),
};

const CloseChecklistItem: CloseChecklistItemResolvers = {
  checkCode: (i) => closeCheckCode(i.code),
};

const CloseException: CloseExceptionResolvers = {
  since: (e) => e.since,
  // A client that did not answer keeps its ClientUnavailableCode in the model's errorCode.
  failureCode: (e) =>
    e.kind === 'CLIENT_UNAVAILABLE'
      ? 'TENANT_UNAVAILABLE'
      : e.kind === 'BATCH_ITEM_FAILED'
        ? asErrorCode(e.errorCode)
        : null,
  unavailableCode: (e) =>
    e.kind === 'CLIENT_UNAVAILABLE' && UNAVAILABLE_CODES.includes(e.errorCode ?? '')
      ? (e.errorCode as ClientUnavailableCode)
      : null,
};

export const firmViewTypes = {
  CloseBoard,
  CloseBoardClient,
  PeriodTransition,
  BatchOperation,
  BatchOperationItem,
  CloseChecklistItem,
  CloseException,
};
