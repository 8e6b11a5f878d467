import { useMutation } from '@apollo/client/react';
import { RenderDocumentMutation } from './actions-data.ts';
import { mayRender, useWorkspace } from './context.ts';
import { SignedFileButton } from './signed-file-button.tsx';

/**
 * "Render PDF" on a posted document's detail (renderDocument: GL.Read, as reading the document
 * is): the API records the request in the audit trail and answers a signed link, valid five
 * minutes, shown here to download. A draft is not rendered (DOCUMENT_NOT_POSTED): not offered.
 */
export function RenderPdf({ documentId, posted }: { documentId: string; posted: boolean }) {
  const ws = useWorkspace();
  const [render] = useMutation(RenderDocumentMutation);
  if (!posted || !mayRender(ws.role)) return null;
  return (
    <SignedFileButton
      label="Render PDF"
      busyLabel="Rendering the PDF…"
      what="The PDF"
      testId="render-pdf"
      make={async () => (await render({ variables: { id: documentId } })).data?.renderDocument}
    />
  );
}
