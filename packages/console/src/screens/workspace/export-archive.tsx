import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { Button, Input, Label, TextField } from 'react-aria-components';
import { RefusalNotice } from '../../components/refusal.tsx';
import { ExportDocumentsArchiveMutation } from './actions-data.ts';
import { mayExport, useWorkspace } from './context.ts';
import { dateLabel, isIsoDate, todayIn } from './format.ts';
import { type SignedFile, SignedFileLink } from './signed-file.tsx';

/** The first and last day of the month a day falls in (YYYY-MM-DD). */
export function monthOf(day: string): { from: string; to: string } {
  const [y, m] = day.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const mm = String(m).padStart(2, '0');
  return { from: `${y}-${mm}-01`, to: `${y}-${mm}-${String(last).padStart(2, '0')}` };
}

/**
 * "Export PDFs for a period" on the documents list (exportDocumentsArchive: GL.Export, as
 * exportLedger): every document posted in the range, one PDF each, in one zip behind a signed
 * link valid five minutes. The range starts as the list's own posting-date filter, else the
 * current month of the client; the API's limits (366 days, 2,000 documents) are its to say
 * (BAD_USER_INPUT naming `to`), shown with their code.
 */
export function ExportArchive({ from: listFrom, to: listTo }: { from: string | null; to: string | null }) {
  const ws = useWorkspace();
  const month = monthOf(todayIn(ws.timezone));
  const [from, setFrom] = useState(listFrom ?? month.from);
  const [to, setTo] = useState(listTo ?? month.to);
  const [run, { loading }] = useMutation(ExportDocumentsArchiveMutation);
  const [result, setResult] = useState<
    (SignedFile & { documentCount: number; from: string; to: string }) | null
  >(null);
  const [error, setError] = useState<unknown>(null);
  if (!mayExport(ws.role)) return null;
  const backwards = isIsoDate(from) && isIsoDate(to) && to < from;
  const exportNow = async () => {
    setResult(null);
    setError(null);
    try {
      const { data } = await run({ variables: { from, to } });
      setResult(data?.exportDocumentsArchive ?? null);
      if (!data?.exportDocumentsArchive) setError(new Error('The API answered no link.'));
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form
      className="export-archive"
      aria-labelledby="export-title"
      data-testid="export-archive"
      onSubmit={(e) => {
        e.preventDefault();
        if (!backwards) void exportNow();
      }}
    >
      <h3 id="export-title">Export PDFs for a period</h3>
      <div className="filters">
        <TextField className="date-field" value={from} onChange={setFrom} isRequired>
          <Label className="group-label">First posting day</Label>
          <Input className="input" type="date" />
        </TextField>
        <TextField className="date-field" value={to} onChange={setTo} isRequired>
          <Label className="group-label">Last posting day</Label>
          <Input className="input" type="date" />
        </TextField>
        <Button className="button" type="submit" isDisabled={loading || backwards || !from || !to}>
          {loading ? 'Preparing the zip…' : 'Export PDFs'}
        </Button>
      </div>
      <p className="muted">
        Every document posted in those days, one PDF each, in one zip (at most 366 days and 2,000 documents).
      </p>
      {backwards && (
        <p className="notice" role="status">
          The last day is before the first: nothing to export.
        </p>
      )}
      {result && (
        <SignedFileLink
          key={result.url}
          file={result}
          what={`The zip of ${result.documentCount} document${result.documentCount === 1 ? '' : 's'} posted ${dateLabel(result.from)} to ${dateLabel(result.to)}`}
        />
      )}
      {error ? <RefusalNotice error={error} title="The PDFs could not be exported" /> : null}
    </form>
  );
}
