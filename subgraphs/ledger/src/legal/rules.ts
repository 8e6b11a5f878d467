import { can, canAny, Permissions as P } from '@cifra/permissions';

/** Legal details: read with the books; set by who manages the client or its chart. */
export const legalRules = {
  Query: { legalDetails: can(P.GL.Read) },
  Mutation: { updateLegalDetails: canAny(P.Tenant.Manage, P.Account.Manage) },
  types: { LegalDetails: can(P.GL.Read) },
};
