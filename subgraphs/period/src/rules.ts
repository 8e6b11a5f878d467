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
    periodCloseStatus: read,
    periodClose: read,
    yearEndCloseDraft: read,
    yearEndCloseReversals: read,
  },
  Mutation: {
    startBatchPeriodOperation: firm,
    refreshCloseBoardClient: firm,
    // The services check the same permissions again (batch jobs call them outside GraphQL).
    lockPeriod: can(P.Period.Lock),
    reopenPeriod: can(P.PostingPeriod.ReverseClose),
    startPeriodClose: can(P.Period.PrepareClose),
    submitPeriodClose: can(P.Period.PrepareClose),
    approvePeriodClose: can(P.Period.Close),
    rejectPeriodClose: can(P.Period.Close),
    openFiscalYear: can(P.Year.Open),
    prepareYearEndClose: can(P.Period.PrepareClose),
    approveYearEndClose: can(P.Year.Close),
    markYearAudited: can(P.Year.Audit),
    requestYearEndCloseReversal: can(P.PostingPeriod.ReverseClose),
    approveYearEndCloseReversal: can(P.PostingPeriod.ReverseClose),
  },
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
  PeriodClose: read,
  PeriodChecklistItem: read,
  PeriodCloseStatus: read,
  PeriodStateTransition: read,
  YearEndClose: read,
  YearEndCloseLine: read,
  YearEndCloseReversal: read,
};
