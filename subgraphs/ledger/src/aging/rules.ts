import { can, Permissions as P } from '@cifra/permissions';

const read = can(P.GL.Read);

/** The agings: anyone who reads the books reads them. */
export const agingRules = {
  Query: { arAging: read, apAging: read },
  types: { AgingReport: read, AgingRow: read, AgingBuckets: read, AgingInvoice: read },
};
