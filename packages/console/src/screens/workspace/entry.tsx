import { Link } from 'react-aria-components';
import type { ConsoleJournalEntryQuery } from '../../__generated__/graphql.ts';
import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { firmLocale } from '../../locale.ts';
import { formatMoney } from '../../money.ts';
import { useQuery } from '../../use-query.ts';
import { AUDIT_READERS, useWorkspace } from './context.ts';
import { EntryTrailQuery, JournalEntryQuery } from './data.ts';
import { dateLabel, decimal, instantLabel, money } from './format.ts';
import { workspacePath } from './paths.ts';

type Fx = NonNullable<NonNullable<ConsoleJournalEntryQuery['journalEntry']>['lines'][number]['fx']>;

/** Where a line's translation came from, in words. */
function fxWords(fx: Fx, timezone: string): string {
  const flags = [
    fx.isFallback ? `a fallback: the rate of ${dateLabel(fx.rateDate)} stood in` : null,
    fx.isOverride
      ? `overridden by ${fx.overrideByEmail ?? 'a person'}${fx.overrideReason ? ` (“${fx.overrideReason}”)` : ''}`
      : null,
  ]
    .filter(Boolean)
    .join('; ');
  return `1 ${fx.currency} = ${decimal(fx.rate)} ${fx.baseCurrency}, ${fx.source} rate of ${dateLabel(fx.rateDate)}${
    fx.derivation ? ` (${fx.derivation})` : ''
  }, fetched ${instantLabel(fx.fetchedAt, timezone)}${flags ? `; ${flags}` : ''}`;
}

type PostedEntry = NonNullable<ConsoleJournalEntryQuery['journalEntry']>;

/** The entry's dates, source, memo, status, and what reverses it or it reverses. */
function EntryFacts({ e }: { e: PostedEntry }) {
  const ws = useWorkspace();
  const link = (id: string) => workspacePath(ws.slug, { kind: 'entry', entryId: id }, { date: ws.date });
  return (
    <dl className="facts">
      <dt>Posting date</dt>
      <dd>{dateLabel(e.postingDate)}</dd>
      <dt>Posted</dt>
      <dd>{instantLabel(e.actualPostingDate, ws.timezone)}</dd>
      <dt>Source</dt>
      <dd>
        {e.sourceKind}
        {e.document?.number ? ` · ${e.document.number}` : ''}
      </dd>
      <dt>Memo</dt>
      <dd>{e.memo || '—'}</dd>
      <dt>Status</dt>
      <dd>
        {e.voided ? 'Voided' : 'Posted'}
        {e.void && (
          <>
            {' '}
            on {instantLabel(e.void.voidedAt, ws.timezone)}, “{e.void.reason}”, reversed by{' '}
            <Link className="link" href={link(e.void.reversal.id)}>
              {e.void.reversal.number}
            </Link>
          </>
        )}
        {e.reverses && (
          <>
            {' '}
            · reverses{' '}
            <Link className="link" href={link(e.reverses.id)}>
              {e.reverses.number}
            </Link>
          </>
        )}
      </dd>
      {e.autoReverse && (
        <>
          <dt>Reversal</dt>
          <dd data-testid="entry-reversal">
            An accrual, reversed on {e.reverseOn ? dateLabel(e.reverseOn) : 'the first day of the next month'}
            {e.reversedBy && !e.void ? (
              <>
                {' '}
                by{' '}
                <Link className="link" href={link(e.reversedBy.id)}>
                  {e.reversedBy.number}
                </Link>
                , posted on {dateLabel(e.reversedBy.postingDate)}
              </>
            ) : e.reversedBy ? null : (
              ': not posted yet (posted on that day by the hourly job, or by “Post due reversals” on the recurring templates page)'
            )}
          </dd>
        </>
      )}
    </dl>
  );
}

/** The entry's lines in the base currency, each with its original amount and where its rate came from. */
function EntryLines({ e }: { e: PostedEntry }) {
  const ws = useWorkspace();
  return (
    <ScrollRegion label="Entry lines">
      <table className="report" data-testid="entry-lines">
        <caption className="visually-hidden">Lines of {e.number}</caption>
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Account</th>
            <th scope="col" className="number">
              Debit ({e.currency})
            </th>
            <th scope="col" className="number">
              Credit ({e.currency})
            </th>
            <th scope="col" className="number">
              Original amount
            </th>
            <th scope="col">Exchange rate</th>
          </tr>
        </thead>
        <tbody>
          {e.lines.map((l) => (
            <tr key={l.lineNumber} data-line={l.lineNumber}>
              <td>{l.lineNumber}</td>
              <th scope="row">
                {l.account ? (
                  <Link
                    className="link"
                    href={workspacePath(
                      ws.slug,
                      { kind: 'ledger', accountCode: l.account.code },
                      { date: ws.date, from: ws.yearStart },
                    )}
                  >
                    {l.account.code} {l.account.name}
                  </Link>
                ) : (
                  '—'
                )}
                {l.memo ? <span className="muted"> · {l.memo}</span> : null}
                {l.party ? <span className="muted"> · {l.party.name}</span> : null}
              </th>
              <td className="number" data-amount={l.debit}>
                {money(l.debit, e.currency, true)}
              </td>
              <td className="number" data-amount={l.credit}>
                {money(l.credit, e.currency, true)}
              </td>
              <td className="number" data-amount={l.originalAmount} data-currency={l.originalCurrency}>
                {formatMoney(l.originalAmount, l.originalCurrency, firmLocale())}
              </td>
              <td>{l.fx ? fxWords(l.fx, ws.timezone) : `none (${l.originalCurrency}, the base currency)`}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              Total
            </th>
            <td className="number" data-amount={e.totalDebit}>
              {money(e.totalDebit, e.currency)}
            </td>
            <td className="number" data-amount={e.totalCredit}>
              {money(e.totalCredit, e.currency)}
            </td>
            <td colSpan={2} />
          </tr>
        </tfoot>
      </table>
    </ScrollRegion>
  );
}

/** One posted entry: its lines with their original currency and FX provenance, then its audit trail and versions. */
export default function Entry({ entryId }: { entryId: string }) {
  const ws = useWorkspace();
  const { data, error, loading } = useQuery(JournalEntryQuery, { variables: { id: entryId } });
  const e = data?.journalEntry;
  const canAudit = !!ws.role && AUDIT_READERS.includes(ws.role);
  return (
    <section aria-labelledby="je-title">
      <p>
        <Link className="link" href={workspacePath(ws.slug, { kind: 'trial-balance' }, { date: ws.date })}>
          ← Trial balance
        </Link>
      </p>
      <h2 id="je-title">Journal entry {e?.number ?? ''}</h2>
      {error && <RefusalNotice error={error} title="The entry could not be loaded" />}
      {loading && !data && <Loading what="the entry" />}
      {data && !e && (
        <p className="notice" role="status">
          This client has no posted entry with this id.
        </p>
      )}
      {e && (
        <>
          <EntryFacts e={e} />
          <EntryLines e={e} />
          {canAudit ? (
            <EntryTrail entryId={e.id} />
          ) : (
            <p className="muted">
              The audit trail is shown to those who may read it (Senior, firm admin, external reviewer).
            </p>
          )}
        </>
      )}
    </section>
  );
}

function EntryTrail({ entryId }: { entryId: string }) {
  const ws = useWorkspace();
  const { data, error, loading } = useQuery(EntryTrailQuery, { variables: { id: entryId } });
  const events = data?.journalEntry?.auditEvents?.edges.map((x) => x.node) ?? [];
  const versions = data?.historyConnection.edges.map((x) => x.node) ?? [];
  return (
    <>
      <h3 id="je-audit">Audit events</h3>
      {error && <RefusalNotice error={error} title="The entry's trail could not be loaded" />}
      {loading && !data && <Loading what="the audit trail" />}
      {data && events.length === 0 && <p className="muted">No audit event names this entry.</p>}
      {events.length > 0 && (
        <ScrollRegion label="Audit events of the entry">
          <table className="report" data-testid="entry-audit">
            <thead>
              <tr>
                <th scope="col">When ({ws.timezone})</th>
                <th scope="col">What</th>
                <th scope="col">Who</th>
                <th scope="col">Reason</th>
                <th scope="col">Chain</th>
              </tr>
            </thead>
            <tbody>
              {events.map((ev) => (
                <tr key={ev.id}>
                  <td>{instantLabel(ev.occurredAt, ws.timezone)}</td>
                  <th scope="row">
                    <code className="code">{ev.action}</code>
                  </th>
                  <td>{ev.actorEmail ?? 'the system'}</td>
                  <td>{ev.reason ?? '—'}</td>
                  <td>#{ev.chainSeq}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      <h3 id="je-history">History</h3>
      {data && versions.length === 0 && <p className="muted">No version of this entry is recorded.</p>}
      {versions.length > 0 && (
        <ScrollRegion label="Versions of the entry">
          <table className="report" data-testid="entry-history">
            <thead>
              <tr>
                <th scope="col">Change</th>
                <th scope="col">From ({ws.timezone})</th>
                <th scope="col">Until</th>
                <th scope="col">Who</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <tr key={`${v.validFrom}:${v.operation}`}>
                  <th scope="row">{v.operation}</th>
                  <td>{instantLabel(v.validFrom, ws.timezone)}</td>
                  <td>{v.validTo ? instantLabel(v.validTo, ws.timezone) : 'current'}</td>
                  <td>{v.actorEmail ?? v.databaseRole ?? 'the system'}</td>
                  <td>{v.reason ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </>
  );
}
