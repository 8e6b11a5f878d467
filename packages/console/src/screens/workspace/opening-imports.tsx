import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { Button, Link } from 'react-aria-components';
import type { ConsoleOpeningImportFragment } from '../../__generated__/graphql.ts';
import { ReasonField } from '../../components/reason-field.tsx';
import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { useQuery } from '../../use-query.ts';
import { useWorkspace } from './context.ts';
import { dateLabel, instantLabel } from './format.ts';
import { OpeningImportsQuery, VoidOpeningBalancesMutation } from './opening-data.ts';
import { workspacePath } from './paths.ts';
import { REASON_MIN } from './year-end-words.ts';

/** The client's opening balance imports, newest first (at most one live), the live one with Void. */
export function OpeningImports() {
  const { data, error, loading } = useQuery(OpeningImportsQuery, { fetchPolicy: 'cache-and-network' });
  const imports = data?.openingBalanceImports ?? [];
  return (
    <section aria-labelledby="opening-imports-title" data-testid="opening-imports">
      <h3 id="opening-imports-title">Imports of this client</h3>
      {error && <RefusalNotice error={error} title="The imports could not be loaded" />}
      {loading && !data && <Loading what="the imports" />}
      {data && imports.length === 0 && (
        <p className="notice" role="status">
          No opening balances have been imported for this client.
        </p>
      )}
      {imports.map((i) => (
        <OpeningImport key={i.id} i={i} />
      ))}
    </section>
  );
}

function OpeningImport({ i }: { i: ConsoleOpeningImportFragment }) {
  const ws = useWorkspace();
  return (
    <div className="subsection" data-testid="opening-import" data-import={i.id}>
      <dl className="facts">
        <dt>Opening date</dt>
        <dd>{dateLabel(i.openingDate)}</dd>
        <dt>Imported</dt>
        <dd>{instantLabel(i.importedAt, ws.timezone)}</dd>
        <dt>Entry</dt>
        <dd>
          {i.entry ? (
            <Link className="link" href={workspacePath(ws.slug, { kind: 'entry', entryId: i.entry.id })}>
              {i.entry.number}
            </Link>
          ) : (
            '—'
          )}
        </dd>
        <dt>Open items</dt>
        <dd>
          {i.openItems.length}
          {i.clearingAccount ? `, against ${i.clearingAccount.code} ${i.clearingAccount.name}` : ''}
        </dd>
        <dt>State</dt>
        <dd data-testid="opening-import-state">
          {i.voided
            ? `Voided ${i.voidedAt ? instantLabel(i.voidedAt, ws.timezone) : ''}${i.voidDate ? `, reversed on ${dateLabel(i.voidDate)}` : ''}: “${i.voidReason ?? ''}”`
            : 'Live'}
        </dd>
      </dl>
      {!i.voided && <VoidImport id={i.id} />}
    </div>
  );
}

function VoidImport({ id }: { id: string }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [voidIt, { loading }] = useMutation(VoidOpeningBalancesMutation, {
    // The list redrawn before the button comes back: the voided import shows as voided at once.
    refetchQueries: [OpeningImportsQuery],
    awaitRefetchQueries: true,
  });
  const run = async () => {
    setError(null);
    try {
      await voidIt({ variables: { id, reason } });
      setReason('');
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div className="reopen" data-testid="opening-void">
      <h4>Void these opening balances</h4>
      <p className="muted">
        Reverses the entry and every open item still live on the opening date; refused while a receipt,
        payment or note settles one of them.
      </p>
      <ReasonField
        value={reason}
        onChange={setReason}
        min={REASON_MIN}
        when="asked to void opening balances"
      />
      <Button className="button button-danger" onPress={run} isDisabled={loading || reason.trim() === ''}>
        {loading ? 'Voiding…' : 'Void the opening balances'}
      </Button>
      {error ? <RefusalNotice error={error} title="The opening balances were not voided" /> : null}
    </div>
  );
}
