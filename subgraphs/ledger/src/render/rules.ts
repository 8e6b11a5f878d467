import { can, Permissions as P } from '@cifra/permissions';

/**
 * Rendered documents: one document's PDF is what `document` already shows (GL.Read); a period's
 * archive is a bulk export like `exportLedger` (GL.Export). The download checks the same again.
 */
export const renderRules = {
  Mutation: { renderDocument: can(P.GL.Read), exportDocumentsArchive: can(P.GL.Export) },
  types: { RenderedDocument: can(P.GL.Read), DocumentsArchive: can(P.GL.Export) },
};
