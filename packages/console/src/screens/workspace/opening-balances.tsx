import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { Button, Label, TextArea, TextField } from 'react-aria-components';
import type { ConsoleImportOpeningBalancesMutation } from '../../__generated__/graphql.ts';
import { RefusalNotice } from '../../components/refusal.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { mayImportOpening, useWorkspace } from './context.ts';
import { money } from './format.ts';
import { ImportOpeningBalancesMutation, OpeningImportsQuery } from './opening-data.ts';
import { OpeningImports } from './opening-imports.tsx';
import { CSV_COLUMNS, problemLine, type ReadInput, readOpeningInput } from './opening-input.ts';

type Result = NonNullable<ConsoleImportOpeningBalancesMutation['importOpeningBalances']>;
interface Problem {
  where: string;
  field: string;
  code: string;
  message: string;
}

const EXAMPLE = [
  'opening,2026-07-01,3999,Opening balances',
  'account,1110,25000.00,',
  'account,1201,3000.00,',
  'account,3101,,28000.00',
  'item,SALES_INVOICE,C-ALFA,F-101,2026-05-10,2026-06-09,PAB,5000.00,3000.00',
].join('\n');

/** The API's problems of a refused import (OPENING_BALANCES_INVALID carries them in its extensions). */
function refusedProblems(error: unknown): Result['problems'] | null {
  if (!CombinedGraphQLErrors.is(error)) return null;
  const found = error.errors.find((e) => e.extensions?.code === 'OPENING_BALANCES_INVALID');
  const problems = found?.extensions?.problems;
  return Array.isArray(problems) ? (problems as Result['problems']) : null;
}

/**
 * Opening balances (`/clients/<slug>/opening-balances`, FirmAdmin and Senior: GL.Post and the open
 * items' document permissions): the trial balance and the open invoices and bills pasted or
 * uploaded as CSV or JSON, checked by the API's dry run — every problem in a table, by line, code
 * and words — then posted; the client's imports, the live one with Void (a reason counted as typed).
 */
export default function OpeningBalances() {
  const ws = useWorkspace();
  const [text, setText] = useState('');
  const [checked, setChecked] = useState<{ text: string; result: Result; read: ReadInput } | null>(null);
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [posted, setPosted] = useState<Result | null>(null);
  const [run, { loading }] = useMutation(ImportOpeningBalancesMutation, {
    // The imports listed again before the result shows: the new import is among them.
    refetchQueries: [OpeningImportsQuery],
    awaitRefetchQueries: true,
  });
  if (!mayImportOpening(ws.role))
    return (
      <section aria-labelledby="opening-title">
        <h2 id="opening-title">Opening balances</h2>
        <p className="notice" role="status" data-testid="opening-not-allowed">
          Opening balances are imported and voided by a firm admin or a Senior (they post and void the general
          ledger and its invoices and bills): nothing to do here for your role.
        </p>
      </section>
    );
  const submit = async (dryRun: boolean) => {
    setError(null);
    setProblems(null);
    setPosted(null);
    const r = readOpeningInput(text);
    if (!r.ok) {
      setChecked(null);
      setProblems(
        r.problems.map((p) => ({
          where: p.line ? `line ${p.line}` : '—',
          field: '',
          code: 'NOT_READ',
          message: p.message,
        })),
      );
      return;
    }
    const shown = (list: Result['problems']) =>
      list.map((p) => ({ where: problemLine(r.read, p), field: p.field, code: p.code, message: p.message }));
    try {
      const { data } = await run({ variables: { input: { ...r.read.input, dryRun } } });
      const result = data?.importOpeningBalances;
      if (!result) throw new Error('The API answered nothing.');
      setProblems(shown(result.problems));
      if (dryRun) setChecked({ text, result, read: r.read });
      else {
        setChecked(null);
        setPosted(result);
      }
    } catch (e) {
      const list = refusedProblems(e);
      if (list) setProblems(shown(list));
      setError(e);
    }
  };
  const ready = checked && checked.text === text && checked.result.problems.length === 0;
  return (
    <section aria-labelledby="opening-title">
      <h2 id="opening-title">Opening balances</h2>
      <p className="muted">
        The trial balance at the end of the day before the opening date, in {ws.currency}, and the invoices
        and bills still open then. Paste or upload a CSV — rows{' '}
        <code>opening,{CSV_COLUMNS.opening.join(',')}</code>,{' '}
        <code>account,{CSV_COLUMNS.account.join(',')}</code> and{' '}
        <code>item,{CSV_COLUMNS.item.join(',')}</code> — or the API's <code>OpeningBalancesInput</code> as
        JSON. Check it first: nothing is written until you post.
      </p>
      <div className="filters">
        <label className="group-label" htmlFor="opening-file">
          Upload a file (CSV or JSON)
        </label>
        <input
          id="opening-file"
          className="input"
          type="file"
          accept=".csv,.json,.txt,text/csv,application/json,text/plain"
          onChange={async (e) => {
            const f = e.currentTarget.files?.[0];
            if (f) setText(await f.text());
          }}
        />
      </div>
      <TextField className="text-field" value={text} onChange={setText}>
        <Label>Opening balances (CSV or JSON)</Label>
        <TextArea
          className="input textarea opening-input"
          rows={10}
          placeholder={EXAMPLE}
          data-testid="opening-text"
        />
      </TextField>
      <div className="actions">
        <Button className="button" onPress={() => submit(true)} isDisabled={loading}>
          {loading ? 'Asking the API…' : 'Check (dry run)'}
        </Button>
        <Button
          className="button button-primary"
          onPress={() => submit(false)}
          isDisabled={loading || !ready}
        >
          Post the opening balances
        </Button>
        {!ready && (
          <span className="muted">Posting is offered once a check of this very text finds no problem.</span>
        )}
      </div>
      {checked && checked.text === text && <Totals r={checked.result} currency={ws.currency} />}
      {problems && <Problems problems={problems} />}
      {error ? <RefusalNotice error={error} title="The opening balances were not posted" /> : null}
      {posted?.import && (
        <p className="notice notice-ok" role="status" data-testid="opening-posted">
          Posted: entry {posted.import.entry?.number ?? '—'} and {posted.import.openItems.length} open item
          {posted.import.openItems.length === 1 ? '' : 's'}, opening {posted.import.openingDate}.
        </p>
      )}
      <OpeningImports />
    </section>
  );
}

function Totals({ r, currency }: { r: Result; currency: string }) {
  return (
    <dl className="facts facts-inline" data-testid="opening-totals">
      <dt>Debits</dt>
      <dd data-amount={r.totalDebit}>{money(r.totalDebit, currency)}</dd>
      <dt>Credits</dt>
      <dd data-amount={r.totalCredit}>{money(r.totalCredit, currency)}</dd>
      <dt>Open invoices</dt>
      <dd data-amount={r.receivable}>{money(r.receivable, currency)}</dd>
      <dt>Open bills</dt>
      <dd data-amount={r.payable}>{money(r.payable, currency)}</dd>
      <dt>Open items</dt>
      <dd>{r.openItemCount}</dd>
    </dl>
  );
}

function Problems({ problems }: { problems: Problem[] }) {
  if (problems.length === 0)
    return (
      <p className="notice notice-ok" role="status" data-testid="opening-no-problem">
        No problem found: the opening balances can be posted.
      </p>
    );
  return (
    <div role="status">
      <p className="notice notice-error">
        {problems.length} problem{problems.length === 1 ? '' : 's'} found: nothing was written.
      </p>
      <ScrollRegion label="Problems found">
        <table className="report" data-testid="opening-problems">
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Field</th>
              <th scope="col">Code</th>
              <th scope="col">What is wrong</th>
            </tr>
          </thead>
          <tbody>
            {problems.map((p, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity but their order
              <tr key={i}>
                <th scope="row">{p.where}</th>
                <td>{p.field}</td>
                <td>
                  <code className="code">{p.code}</code>
                </td>
                <td>{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </div>
  );
}
