import { can, Permissions as P } from '@cifra/permissions';

const read = can(P.GL.Read);

/** The tax return: anyone who reads the books reads it (it is computed, never stored). */
export const taxReturnRules = {
  Query: { itbmsReturn: read },
  Mutation: { renderItbmsReturn: read },
  types: { ItbmsReturn: read, ItbmsRateLine: read, RenderedItbmsReturn: read },
};
