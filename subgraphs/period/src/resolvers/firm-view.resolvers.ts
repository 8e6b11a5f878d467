import type {
  BatchOperationItemResolvers,
  BatchOperationResolvers,
  CloseBoardClientResolvers,
  CloseExceptionResolvers,
  PeriodTransitionResolvers,
} from '../__generated__/resolvers.ts';

const asDate = (v: Date | string | null) =>
  v === null ? null : typeof v === 'string' ? v : v.toISOString().slice(0, 10);

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
  asOf: (e) => e.asOf,
  freshness: (e) => (e.behind ? 'BEHIND' : 'CURRENT'),
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
  client: (i) => ({ id: i.tenantId, slug: i.tenantSlug, name: i.tenantName }),
};

const CloseException: CloseExceptionResolvers = {
  since: (e) => asDate(e.since),
};

export const firmViewTypes = {
  CloseBoardClient,
  PeriodTransition,
  BatchOperation,
  BatchOperationItem,
  CloseException,
};
