import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { Button, Link } from 'react-aria-components';
import type {
  ConsolePostDueReversalsMutation,
  ConsoleRecurringRunFragment,
  ConsoleRunRecurringEntriesMutation,
} from '../../__generated__/graphql.ts';
import { RefusalNotice } from '../../components/refusal.tsx';
import { useQuery } from '../../use-query.ts';
import { DateField } from './action-fields.tsx';
import { useWorkspace } from './context.ts';
import { dateLabel, isIsoDate, todayIn } from './format.ts';
import { workspacePath } from './paths.ts';
import {
  PendingReversalsQuery,
  PostDueReversalsMutation,
  RunRecurringEntriesMutation,
} from './recurring-data.ts';
import { RUN_LABELS } from './recurring-words.ts';

type Ran = ConsoleRunRecurringEntriesMutation['runRecurringEntries'];
type Reversed = ConsolePostDueReversalsMutation['postDueReversals'];

/**
 * "Run now": make every occurrence due up to a day that is not made yet (runRecurringEntries —
 * what the hourly job does; running again makes nothing new), each made or refused occurrence
 * listed with its code; and the accruals whose reversal is due by that day, posted with
 * "Post due reversals" (postDueReversals). Both need GL.Post.
 */
export function RecurringRun({ onRan }: { onRan: () => Promise<unknown> }) {
  const ws = useWorkspace();
  const [asOf, setAsOf] = useState(todayIn(ws.timezone));
  const valid = isIsoDate(asOf);
  const pending = useQuery(PendingReversalsQuery, {
    variables: { asOf },
    skip: !valid,
    fetchPolicy: 'network-only',
  });
  const [run, { loading: running }] = useMutation(RunRecurringEntriesMutation);
  const [reverse, { loading: reversing }] = useMutation(PostDueReversalsMutation);
  const [ran, setRan] = useState<Ran | null>(null);
  const [reversed, setReversed] = useState<Reversed | null>(null);
  const [error, setError] = useState<unknown>(null);
  const act = async (what: 'run' | 'reverse') => {
    setError(null);
    setRan(null);
    setReversed(null);
    try {
      // What was made is shown once the lists beside it are read again (a read that fails is not
      // the run's failure), so the page never lists as due what it says it just made.
      const show =
        what === 'run'
          ? await run({ variables: { asOf } }).then((r) => () => setRan(r.data?.runRecurringEntries ?? null))
          : await reverse({ variables: { asOf } }).then(
              (r) => () => setReversed(r.data?.postDueReversals ?? null),
            );
      await Promise.all([onRan(), pending.refetch()]).catch(() => undefined);
      show();
    } catch (e) {
      setError(e);
    }
  };
  const entry = (id: string) => workspacePath(ws.slug, { kind: 'entry', entryId: id });
  const due = pending.data?.pendingReversals ?? [];
  return (
    <section aria-labelledby="run-title" data-testid="recurring-run">
      <h3 id="run-title">Make what is due now</h3>
      <p className="muted">
        The hourly job does this by itself; here, up to a day you choose. Nothing is made twice.
      </p>
      <div className="filters">
        <DateField label="Up to and including" value={asOf} onChange={setAsOf} />
        <Button className="button" isDisabled={!valid || running} onPress={() => void act('run')}>
          Run now
        </Button>
      </div>
      {ran && <RunResult ran={ran} entry={entry} />}
      <h4>Accruals to reverse by {valid ? dateLabel(asOf) : 'that day'}</h4>
      {pending.error && <RefusalNotice error={pending.error} title="The due reversals could not be loaded" />}
      {pending.data && due.length === 0 && <p className="muted">None due.</p>}
      {due.length > 0 && (
        <ul data-testid="pending-reversals">
          {due.map((p) => (
            <li key={p.entry.id}>
              <Link className="link" href={entry(p.entry.id)}>
                {p.entry.number}
              </Link>{' '}
              {p.entry.memo} — reverses on {dateLabel(p.reverseOn)}
            </li>
          ))}
        </ul>
      )}
      <Button
        className="button"
        isDisabled={!valid || reversing || due.length === 0}
        onPress={() => void act('reverse')}
      >
        Post due reversals
      </Button>
      {reversed && (
        <div className="notice" role="status" data-testid="reversals-result">
          <p>
            {reversed.posted.length} reversal{reversed.posted.length === 1 ? '' : 's'} posted,{' '}
            {reversed.refused.length} refused (they stay pending).
          </p>
          <ul>
            {reversed.posted.map((e) => (
              <li key={e.id}>
                <Link className="link" href={entry(e.id)}>
                  {e.number}
                </Link>{' '}
                on {dateLabel(e.postingDate)}
                {e.reverses ? ` reverses ${e.reverses.number}` : ''}
              </li>
            ))}
            {reversed.refused.map((r) => (
              <li key={r.entry.id}>
                {r.entry.number}: <code className="code">{r.code}</code> {r.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {error ? <RefusalNotice error={error} title="Nothing was made" /> : null}
    </section>
  );
}

function RunResult({ ran, entry }: { ran: Ran; entry: (id: string) => string }) {
  const rows: ConsoleRecurringRunFragment[] = [...ran.made, ...ran.refused];
  return (
    <div className="notice" role="status" data-testid="run-result">
      <p>
        Up to {dateLabel(ran.asOf)}: {ran.made.length} made, {ran.refused.length} refused
        {rows.length === 0 ? ' — nothing was due that was not made already.' : '.'}
      </p>
      {rows.length > 0 && (
        <ul>
          {rows.map((r) => (
            <li key={r.id} data-run-status={r.status}>
              {r.template.name}, {dateLabel(r.occurrenceDate)}: {RUN_LABELS[r.status]}
              {r.entry && (
                <>
                  {' '}
                  <Link className="link" href={entry(r.entry.id)}>
                    {r.entry.number}
                  </Link>
                </>
              )}
              {r.refusalCode && (
                <>
                  {' '}
                  — <code className="code">{r.refusalCode}</code> {r.refusalMessage}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
