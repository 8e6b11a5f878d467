import { can, Permissions as P } from '@cifra/permissions';

/** Bank statements and reconciliation: read with GL.Read; import, match and create with GL.Post. */
const read = can(P.GL.Read);
const post = can(P.GL.Post);

export const bankRules = {
  Query: {
    bankAccounts: read,
    bankAccount: read,
    bankStatement: read,
    bankMatchSuggestions: read,
    bankReconciliation: read,
  },
  Mutation: {
    bindBankAccount: can(P.Account.Manage),
    setBankCsvMapping: post,
    importBankStatement: post,
    matchBankLines: post,
    acceptBankMatches: post,
    createEntryFromBankLine: post,
    unmatchBankLines: post,
    createBankRule: post,
    deleteBankStatement: post,
    deactivateBankRule: post,
    reactivateBankRule: post,
  },
  types: {
    BankAccount: read,
    BankCsvMapping: read,
    BankStatement: read,
    BankStatementConnection: read,
    BankStatementEdge: read,
    BankStatementLine: read,
    BankStatementLineConnection: read,
    BankStatementLineEdge: read,
    BankBookLine: read,
    BankBookLineConnection: read,
    BankBookLineEdge: read,
    BankMatch: read,
    BankMatchSuggestion: read,
    BankMatchSuggestionConnection: read,
    BankMatchSuggestionEdge: read,
    BankRule: read,
    BankReconciliation: read,
  },
};
