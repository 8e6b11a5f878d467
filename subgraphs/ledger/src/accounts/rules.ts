import { can, Permissions as P } from '@cifra/permissions';

/** Account maintenance needs Account.Manage (a Senior's); reading the chart is GL.Read's. */
export const accountRules = {
  Mutation: {
    createAccount: can(P.Account.Manage),
    updateAccount: can(P.Account.Manage),
    deactivateAccount: can(P.Account.Manage),
    bindAccountRole: can(P.Account.Manage),
  },
};
