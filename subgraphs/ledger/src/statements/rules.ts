import { can, Permissions as P } from '@cifra/permissions';

const read = can(P.GL.Read);

/**
 * Statements: one party's is read like the agings it ends with (GL.Read), as data or as a PDF; the
 * archive of every customer's or vendor's is a bulk export (GL.Export). The download checks again.
 */
export const statementRules = {
  Query: { partyStatement: read },
  Mutation: { renderPartyStatement: read, exportPartyStatementsArchive: can(P.GL.Export) },
  types: {
    PartyStatement: read,
    PartyStatementCurrency: read,
    PartyStatementLine: read,
    RenderedPartyStatement: read,
    PartyStatementsArchive: can(P.GL.Export),
  },
};
