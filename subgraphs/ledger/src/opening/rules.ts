import { can, Permissions as P } from '@cifra/permissions';

const read = can(P.GL.Read);

/**
 * Opening balances: importing (and its dry run) posts the general ledger, voiding voids it; the
 * services check the document permissions of the open items' kinds on top (opening/import.ts).
 */
export const openingRules = {
  Query: { openingBalanceImports: read },
  Mutation: { importOpeningBalances: can(P.GL.Post), voidOpeningBalances: can(P.GL.Void) },
  types: { OpeningBalanceImport: read, OpeningBalanceProblem: read, OpeningBalancesResult: read },
};
