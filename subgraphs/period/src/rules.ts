import { can, Permissions as P, type RuleMap, signedIn } from '@cifra/permissions';
import { yearEndRules } from './year-end/rules.ts';

const read = can(P.Period.Read);
// The firm's view spans clients: it needs the firm-scoped dashboard permission, and every service
// behind it also checks the caller's own role on each client it shows or acts on.
const firm = can(P.Firm.Dashboard);

/** Every field of this subgraph, mapped to the permission it needs (deny by default). */
export const rules: RuleMap = {
  Query: {
    periods: read,
    fiscalYears: read,
    fiscalYearsConnection: read,
    closeBoard: firm,
    batchOperation: firm,
    batchOperations: firm,
    closeExceptions: firm,
    periodCloseStatus: read,
    periodClose: read,
    ...yearEndRules.Query,
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
    markYearAudited: can(P.Year.Audit),
    ...yearEndRules.Mutation,
  },
  PostingPeriod: read,
  FiscalYear: read,
  FiscalYearConnection: read,
  FiscalYearEdge: read,
  ClientRef: firm,
  CloseBoard: firm,
  CloseBoardClientConnection: firm,
  CloseBoardClientEdge: firm,
  PageInfo: signedIn,
  CloseStageCount: firm,
  CloseBoardClient: firm,
  PeriodTransition: firm,
  CloseChecklistItem: firm,
  BatchOperation: firm,
  BatchOperationCounts: firm,
  BatchOperationItem: firm,
  BatchMonthState: firm,
  CloseException: firm,
  PeriodClose: read,
  PeriodChecklistItem: read,
  PeriodCloseStatus: read,
  PeriodStateTransition: read,
  ...yearEndRules.types,
};
