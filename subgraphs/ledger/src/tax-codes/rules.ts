import { can, Permissions as P } from '@cifra/permissions';

/** Tax codes are kept with the chart: Account.Manage (a Senior's). */
export const taxCodeRules = {
  Mutation: {
    createTaxCode: can(P.Account.Manage),
    updateTaxCode: can(P.Account.Manage),
    deactivateTaxCode: can(P.Account.Manage),
  },
};
