import { can, Permissions as P, type RuleMap } from '@cifra/permissions';

const read = can(P.Period.Read);
// The firm's view spans clients: it needs the firm-scoped dashboard permission, and every service
// behind it also checks the caller's own role on each client it shows or acts on.
const firm = can(P.Firm.Dashboard);

/** Every field of this subgraph, mapped to the permission it needs (deny by default). */
export const rules: RuleMap = {
  Query: {
    periods: read,
    fiscalYears: read,
    closeBoard: firm,
    batchOperation: firm,
    batchOperations: firm,
    closeExceptions: firm,
  },
  Mutation: { startBatchPeriodOperation: firm },
  PostingPeriod: read,
  FiscalYear: read,
  ClientRef: firm,
  CloseBoard: firm,
  CloseStageCount: firm,
  CloseBoardClient: firm,
  PeriodTransition: firm,
  CloseChecklistItem: firm,
  BatchOperation: firm,
  BatchOperationCounts: firm,
  BatchOperationItem: firm,
  CloseException: firm,
};
