import { useFocusWhen } from '../../components/use-focus.ts';
import { useWorkspace } from './context.ts';
import { instantLabel } from './format.ts';

/** A file the API made a signed link to (renderDocument, exportDocumentsArchive). */
export interface SignedFile {
  url: string;
  fileName: string;
  expiresAt: string;
}

/**
 * The link to a file the API just made: a plain download link (the link is the gateway's
 * `/exports/…`, not a page of the console, so it is never routed), focused when it appears so
 * that Enter fetches it, with when it stops working in the client's time zone. The link needs no
 * header: the browser fetches it as it is, and the gateway checks the person may still read it.
 */
export function SignedFileLink({ file, what }: { file: SignedFile; what: string }) {
  const ws = useWorkspace();
  const ref = useFocusWhen<HTMLAnchorElement>(file);
  return (
    <p className="notice" role="status" data-testid="signed-file">
      {what} is ready:{' '}
      <a ref={ref} className="link" href={file.url} download={file.fileName} data-testid="signed-file-link">
        Download {file.fileName}
      </a>{' '}
      <span className="muted">(the link works until {instantLabel(file.expiresAt, ws.timezone)})</span>
    </p>
  );
}
