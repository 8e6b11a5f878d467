import { useState } from 'react';
import { Button } from 'react-aria-components';
import { RefusalNotice } from '../../components/refusal.tsx';
import { type SignedFile, SignedFileLink } from './signed-file.tsx';

/**
 * A button that asks the API for a file (a document's, a statement's or a return's PDF, the
 * return's CSV) and shows the signed link it answers, or its refusal with its code.
 */
export function SignedFileButton({
  label,
  busyLabel,
  what,
  testId,
  make,
}: {
  label: string;
  busyLabel: string;
  /** The file in words ("The PDF"), for the link's sentence. */
  what: string;
  testId: string;
  make: () => Promise<SignedFile | null | undefined>;
}) {
  const [busy, setBusy] = useState(false);
  const [file, setFile] = useState<SignedFile | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    setFile(null);
    setError(null);
    setBusy(true);
    try {
      const made = await make();
      setFile(made ?? null);
      if (!made) setError(new Error('The API answered no link.'));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="actions render-pdf" data-testid={testId}>
      <Button className="button" onPress={run} isDisabled={busy}>
        {busy ? busyLabel : label}
      </Button>
      {file && <SignedFileLink key={file.url} file={file} what={what} />}
      {error ? <RefusalNotice error={error} title={`${what} could not be made`} /> : null}
    </div>
  );
}
