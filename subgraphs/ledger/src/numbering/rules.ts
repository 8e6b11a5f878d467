import { can, Permissions as P } from '@cifra/permissions';

/** Numbering prefixes: read with the books, set with Numbering.Manage. */
export const numberingRules = {
  Query: { numberingPrefixes: can(P.GL.Read) },
  Mutation: { setNumberingPrefix: can(P.Numbering.Manage) },
  types: { NumberingPrefix: can(P.GL.Read) },
};
