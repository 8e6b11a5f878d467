import { can, Permissions as P } from '@cifra/permissions';

/** Write-offs: approved like the sales invoices they settle, voided like them. */
export const writeOffRules = {
  Mutation: {
    writeOffBadDebt: can(P.Invoice.Approve),
    voidBadDebtWriteOff: can(P.Invoice.Void),
  },
};
