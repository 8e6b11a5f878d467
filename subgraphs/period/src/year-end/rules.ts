import { can, Permissions as P } from '@cifra/permissions';

const read = can(P.Period.Read);

/** The year-end close's fields and the permission each needs (the use cases check them again). */
export const yearEndRules = {
  Query: {
    yearEndCloseDraft: read,
    yearEndCloseReversals: read,
    yearEndCloseReversalsConnection: read,
  },
  Mutation: {
    prepareYearEndClose: can(P.Period.PrepareClose),
    approveYearEndClose: can(P.Year.Close),
    requestYearEndCloseReversal: can(P.PostingPeriod.ReverseClose),
    approveYearEndCloseReversal: can(P.PostingPeriod.ReverseClose),
  },
  types: {
    YearEndClose: read,
    YearEndCloseLine: read,
    YearEndCloseReversal: read,
    YearEndCloseReversalConnection: read,
    YearEndCloseReversalEdge: read,
  },
};
