import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { RefusalNotice } from '../../components/refusal.tsx';
import { RenderDocumentMutation } from './actions-data.ts';
import { mayRender, useWorkspace } from './context.ts';
import { type SignedFile, SignedFileLink } from './signed-file.tsx';

/**
 * "Render PDF" on a posted document's detail (renderDocument: GL.Read, as reading the document
 * is): the API records the request in the audit trail and answers a signed link, valid five
 * minutes, shown here to download. A draft is not rendered (DOCUMENT_NOT_POSTED): not offered.
 */
export function RenderPdf({ documentId, posted }: { documentId: string; posted: boolean }) {
  const ws = useWorkspace();
  const [render, { loading }] = useMutation(RenderDocumentMutation);
  const [file, setFile] = useState<SignedFile | null>(null);
  const [error, setError] = useState<unknown>(null);
  if (!posted || !mayRender(ws.role)) return null;
  const run = async () => {
    setFile(null);
    setError(null);
    try {
      const { data } = await render({ variables: { id: documentId } });
      setFile(data?.renderDocument ?? null);
      if (!data?.renderDocument) setError(new Error('The API answered no link.'));
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div className="actions render-pdf" data-testid="render-pdf">
      <Button className="button" onPress={run} isDisabled={loading}>
        {loading ? 'Rendering the PDF…' : 'Render PDF'}
      </Button>
      {file && <SignedFileLink key={file.url} file={file} what="The PDF" />}
      {error ? <RefusalNotice error={error} title="The PDF could not be made" /> : null}
    </div>
  );
}
