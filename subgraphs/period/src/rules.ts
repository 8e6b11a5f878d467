import { can, Permissions as P, type RuleMap } from '@cifra/permissions';

const read = can(P.Period.Read);

/** Every field of this subgraph, mapped to the permission it needs (deny by default). */
export const rules: RuleMap = {
  Query: { periods: read, fiscalYears: read },
  PostingPeriod: read,
  FiscalYear: read,
};
