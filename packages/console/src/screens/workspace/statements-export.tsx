import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { Button, Label, Radio, RadioGroup } from 'react-aria-components';
import type { PartyKind } from '../../__generated__/graphql.ts';
import { RefusalNotice } from '../../components/refusal.tsx';
import { mayExport, useWorkspace } from './context.ts';
import { dateLabel } from './format.ts';
import { type SignedFile, SignedFileLink } from './signed-file.tsx';
import { ExportPartyStatementsMutation } from './statements-data.ts';

type Archive = SignedFile & { partyCount: number; kind: PartyKind; from: string; to: string };

/**
 * "Export statements" on the client level (exportPartyStatementsArchive: GL.Export, as a period's
 * PDFs): every customer's or every vendor's statement of the chosen range, one PDF each, in one zip
 * behind a signed link. The API's limits (366 days, 2,000 parties: BAD_USER_INPUT naming `to`) are
 * its to say, shown with their code.
 */
export function ExportStatements({ from, to }: { from: string; to: string }) {
  const ws = useWorkspace();
  const [kind, setKind] = useState<PartyKind>('CUSTOMER');
  const [run, { loading }] = useMutation(ExportPartyStatementsMutation);
  const [result, setResult] = useState<Archive | null>(null);
  const [error, setError] = useState<unknown>(null);
  if (!mayExport(ws.role)) return null;
  const exportNow = async () => {
    setResult(null);
    setError(null);
    try {
      const { data } = await run({ variables: { kind, from, to } });
      setResult(data?.exportPartyStatementsArchive ?? null);
      if (!data?.exportPartyStatementsArchive) setError(new Error('The API answered no link.'));
    } catch (e) {
      setError(e);
    }
  };
  const who = kind === 'CUSTOMER' ? 'customer' : 'vendor';
  return (
    <section
      className="export-archive"
      aria-labelledby="export-statements-title"
      data-testid="export-statements"
    >
      <h3 id="export-statements-title">Export statements</h3>
      <p className="muted">
        Every {who}'s statement from {dateLabel(from)} to {dateLabel(to)} (the dates above), one PDF each, in
        one zip: each {who} with an entry in the range or a balance brought into it (at most 366 days and
        2,000 parties).
      </p>
      <div className="filters">
        <RadioGroup className="radio-group" value={kind} onChange={(v) => setKind(v as PartyKind)}>
          <Label className="group-label">Statements of</Label>
          <Radio value="CUSTOMER" className="radio">
            <span className="radio-dot" aria-hidden="true" />
            Customers
          </Radio>
          <Radio value="VENDOR" className="radio">
            <span className="radio-dot" aria-hidden="true" />
            Vendors
          </Radio>
        </RadioGroup>
        <Button className="button" onPress={exportNow} isDisabled={loading || to < from}>
          {loading ? 'Preparing the zip…' : 'Export statements'}
        </Button>
      </div>
      {result && (
        <SignedFileLink
          key={result.url}
          file={result}
          what={`The zip of ${result.partyCount} ${result.kind === 'CUSTOMER' ? 'customer' : 'vendor'} statement${result.partyCount === 1 ? '' : 's'}, ${dateLabel(result.from)} to ${dateLabel(result.to)},`}
        />
      )}
      {error ? <RefusalNotice error={error} title="The statements could not be exported" /> : null}
    </section>
  );
}
