import { Button, Link } from 'react-aria-components';
import type { ConsoleVerifyBooksQuery } from '../../__generated__/graphql.ts';
import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { useLazyQuery } from '../../use-query.ts';
import { VerifyBooksQuery } from './actions-data.ts';
import { useWorkspace } from './context.ts';
import { instantLabel } from './format.ts';
import { mayReadAudit } from './may.ts';
import { workspacePath } from './paths.ts';
import { BOOKS_PROBLEMS, CHECKPOINT_PROBLEMS } from './verify-words.ts';

type Result = NonNullable<ConsoleVerifyBooksQuery['verifyBooks']>;

/**
 * The books against the audit chain (`verifyBooks`, Audit.Read): every journal entry recomputed
 * into the digest its posting recorded, and the chain against its last checkpoint kept outside the
 * client's database. Run on request — it reads every entry — and each check's result said in words.
 */
export default function VerifyBooks() {
  const ws = useWorkspace();
  const [run, { data, error, loading }] = useLazyQuery(VerifyBooksQuery, { fetchPolicy: 'network-only' });
  const result = data?.verifyBooks;
  // Typed by hand by someone without Audit.Read (the links do not offer it): nothing to press.
  if (!mayReadAudit(ws.role)) {
    return (
      <section aria-labelledby="verify-title">
        <h2 id="verify-title">Books check</h2>
        <p className="notice" role="status" data-testid="books-check-not-offered">
          Checking the books needs Audit.Read, which your role on this client does not have.
        </p>
      </section>
    );
  }
  return (
    <section aria-labelledby="verify-title">
      <h2 id="verify-title">Books check</h2>
      <p className="muted">
        Recomputes every journal entry and its lines and compares each with the digest its posting event
        recorded in the audit trail, then checks the trail against its last sealed checkpoint. The audit
        trail’s own chain check proves the events are unchanged; this proves the books still match them.
      </p>
      <div className="actions">
        <Button className="button" onPress={() => void run().catch(() => undefined)} isDisabled={loading}>
          {result ? 'Check the books again' : 'Check the books'}
        </Button>
      </div>
      {loading && <Loading what="the check (every entry is read)" />}
      {error && !loading && <RefusalNotice error={error} title="The books could not be checked" />}
      {!loading && !error && data && !result && (
        <p className="notice" role="status">
          The API answered no result.
        </p>
      )}
      {!loading && result && <Outcome r={result} />}
    </section>
  );
}

function Outcome({ r }: { r: Result }) {
  const ws = useWorkspace();
  const m = r.firstMismatch;
  const cp = r.checkpoint;
  return (
    <div role="status" data-testid="books-check">
      <p className={r.ok ? 'notice' : 'notice notice-error'} data-testid="books-verdict">
        {r.ok
          ? `The books match the audit trail: ${r.checked} entries checked, each as it was posted.`
          : `The books do not match the audit trail (${r.checked} entries checked).`}
      </p>
      <dl className="facts">
        <dt>Entries</dt>
        <dd data-testid="books-entries">
          {m ? (
            <>
              The first entry that does not match, in posting-date order:{' '}
              {m.problem === 'MISSING' ? (
                <strong>{m.number ?? m.entryId}</strong>
              ) : (
                <Link className="link" href={workspacePath(ws.slug, { kind: 'entry', entryId: m.entryId })}>
                  {m.number ?? m.entryId}
                </Link>
              )}{' '}
              — {BOOKS_PROBLEMS[m.problem]} <code className="code">{m.problem}</code>
            </>
          ) : (
            `All ${r.checked} match the digest their posting recorded, and every posting still has its entry.`
          )}
        </dd>
        <dt>Checkpoint</dt>
        <dd data-testid="books-checkpoint">
          {cp.ok ? (
            cp.chainSeq ? (
              `The chain still holds its last checkpoint: event #${cp.chainSeq}${cp.takenAt ? `, sealed ${instantLabel(cp.takenAt, ws.timezone)}` : ''}.`
            ) : (
              'No checkpoint has been sealed for this client yet: nothing to compare the chain with.'
            )
          ) : (
            <>
              The chain no longer holds its checkpoint{cp.chainSeq ? ` at event #${cp.chainSeq}` : ''}:{' '}
              {cp.problem ? CHECKPOINT_PROBLEMS[cp.problem] : 'the API names no problem'}{' '}
              {cp.problem && <code className="code">{cp.problem}</code>}
            </>
          )}
        </dd>
        <dt>Checked</dt>
        <dd>{instantLabel(r.verifiedAt, ws.timezone)}</dd>
      </dl>
    </div>
  );
}
