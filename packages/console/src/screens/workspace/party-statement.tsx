import { useMutation } from '@apollo/client/react';
import { Input, Label, Link, TextField } from 'react-aria-components';
import type { ConsolePartyStatementQuery } from '../../__generated__/graphql.ts';
import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { navigate } from '../../router.ts';
import { useQuery } from '../../use-query.ts';
import { mayRender, useWorkspace } from './context.ts';
import { KIND_LABELS } from './document-labels.ts';
import { dateLabel, isIsoDate, money } from './format.ts';
import { PartyFilter } from './party-filter.tsx';
import { workspacePath } from './paths.ts';
import { SignedFileButton } from './signed-file-button.tsx';
import { PartyStatementQuery, RenderPartyStatementMutation } from './statements-data.ts';
import { ExportStatements } from './statements-export.tsx';

type Statement = NonNullable<ConsolePartyStatementQuery['partyStatement']>;
type InCurrency = Statement['currencies'][number];

export const AGING_BUCKETS = [
  { key: 'current', label: 'Not yet due' },
  { key: 'days1To30', label: '1–30 days' },
  { key: 'days31To60', label: '31–60 days' },
  { key: 'days61To90', label: '61–90 days' },
  { key: 'over90', label: 'Over 90 days' },
  { key: 'total', label: 'Total' },
] as const;

/**
 * A customer's or vendor's statement of account (`/clients/<slug>/statement?party=&from=&to=`):
 * the party picked in the API's search, a range (default the fiscal year to the workspace's day,
 * in the client's calendar); per currency the balance brought forward, every document, payment and
 * void with its running balance, the closing balance and the aging at the end; its PDF. On the
 * client level, every customer's or vendor's statement as one zip (GL.Export).
 */
export default function PartyStatement() {
  const ws = useWorkspace();
  const partyParam = ws.search.get('party');
  const from = isIsoDate(ws.search.get('from')) ? ws.search.get('from')! : ws.yearStart;
  const to = isIsoDate(ws.search.get('to')) ? ws.search.get('to')! : ws.date;
  const backwards = to < from;
  const set = (k: string, v: string | null) => {
    const q = new URLSearchParams(ws.search);
    if (v) q.set(k, v);
    else q.delete(k);
    navigate(`${window.location.pathname}?${q}`, { replace: true });
  };
  return (
    <section aria-labelledby="statement-title">
      <h2 id="statement-title">Party statement</h2>
      <div className="filters">
        <PartyFilter partyId={partyParam} onChange={(id) => set('party', id)} />
        <TextField className="date-field" value={from} onChange={(v) => isIsoDate(v) && set('from', v)}>
          <Label className="group-label">From</Label>
          <Input className="input" type="date" />
        </TextField>
        <TextField className="date-field" value={to} onChange={(v) => isIsoDate(v) && set('to', v)}>
          <Label className="group-label">To</Label>
          <Input className="input" type="date" />
        </TextField>
      </div>
      {backwards ? (
        <p className="notice" role="status">
          The last day is before the first: no statement to show.
        </p>
      ) : partyParam ? (
        <StatementOf partyId={partyParam} from={from} to={to} />
      ) : (
        <p className="notice" role="status" data-testid="statement-empty">
          Pick a customer or vendor to see their statement.
        </p>
      )}
      <ExportStatements from={from} to={to} />
    </section>
  );
}

function StatementOf({ partyId, from, to }: { partyId: string; from: string; to: string }) {
  const ws = useWorkspace();
  const { data, error, loading } = useQuery(PartyStatementQuery, { variables: { partyId, from, to } });
  const [render] = useMutation(RenderPartyStatementMutation);
  const s = data?.partyStatement;
  if (error) return <RefusalNotice error={error} title="The statement could not be loaded" />;
  if (loading && !data) return <Loading what="the statement" />;
  if (!s) return null;
  return (
    <div data-testid="statement">
      <h3>
        {s.party.kind === 'CUSTOMER' ? 'Customer' : 'Vendor'} {s.party.code} {s.party.name},{' '}
        {dateLabel(s.from)} to {dateLabel(s.to)}
      </h3>
      {mayRender(ws.role) && (
        <SignedFileButton
          label="Render PDF"
          busyLabel="Rendering the PDF…"
          what="The statement's PDF"
          testId="statement-pdf"
          make={async () => (await render({ variables: { partyId, from, to } })).data?.renderPartyStatement}
        />
      )}
      {s.currencies.length === 0 && (
        <p className="notice" role="status">
          No balance and no entry in this range.
        </p>
      )}
      {s.currencies.map((c) => (
        <CurrencyStatement key={c.currency} c={c} base={s.baseCurrency} from={s.from} to={s.to} />
      ))}
    </div>
  );
}

function CurrencyStatement({ c, base, from, to }: { c: InCurrency; base: string; from: string; to: string }) {
  const ws = useWorkspace();
  const cur = c.currency;
  const date = ws.search.get('date') ?? undefined;
  return (
    <section aria-labelledby={`statement-${cur}`} data-testid={`statement-${cur}`}>
      <h4 id={`statement-${cur}`}>In {cur}</h4>
      <dl className="facts facts-inline">
        <dt>Opening balance</dt>
        <dd data-amount={c.openingBalance} data-testid={`statement-${cur}-opening`}>
          {money(c.openingBalance, cur)}
          {cur !== base ? ` (${money(c.baseOpeningBalance, base)})` : ''}
        </dd>
        <dt>Closing balance</dt>
        <dd data-amount={c.closingBalance} data-testid={`statement-${cur}-closing`}>
          {money(c.closingBalance, cur)}
          {cur !== base ? ` (${money(c.baseClosingBalance, base)})` : ''}
        </dd>
      </dl>
      <ScrollRegion label={`Statement lines in ${cur}`}>
        <table className="report" data-testid={`statement-${cur}-lines`}>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Number</th>
              <th scope="col">What</th>
              <th scope="col">Due</th>
              <th scope="col" className="number">
                Debit
              </th>
              <th scope="col" className="number">
                Credit
              </th>
              <th scope="col" className="number">
                Balance
              </th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td>{dateLabel(from)}</td>
              <th scope="row" colSpan={3}>
                Balance brought forward
              </th>
              <td />
              <td />
              <td className="number" data-amount={c.openingBalance}>
                {money(c.openingBalance, cur)}
              </td>
            </tr>
            {c.lines.map((l, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a document and its void share a number
              <tr key={`${l.number}-${i}`}>
                <td>{dateLabel(l.date)}</td>
                <th scope="row">
                  {l.document ? (
                    <Link
                      className="link"
                      href={workspacePath(ws.slug, { kind: 'document', documentId: l.document.id }, { date })}
                    >
                      {l.number}
                    </Link>
                  ) : l.entry ? (
                    <Link
                      className="link"
                      href={workspacePath(ws.slug, { kind: 'entry', entryId: l.entry.id }, { date })}
                    >
                      {l.number}
                    </Link>
                  ) : (
                    l.number
                  )}
                </th>
                <td>
                  {l.kind ? KIND_LABELS[l.kind] : 'Journal entry'}
                  {l.isVoid ? ' (void)' : ''}
                </td>
                <td>{l.dueDate ? dateLabel(l.dueDate) : ''}</td>
                <td className="number" data-amount={l.debit}>
                  {money(l.debit, cur, true)}
                </td>
                <td className="number" data-amount={l.credit}>
                  {money(l.credit, cur, true)}
                </td>
                <td className="number" data-amount={l.balance}>
                  {money(l.balance, cur)}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={4}>
                Totals and closing balance
              </th>
              <td className="number" data-amount={c.totalDebit}>
                {money(c.totalDebit, cur)}
              </td>
              <td className="number" data-amount={c.totalCredit}>
                {money(c.totalCredit, cur)}
              </td>
              <td className="number" data-amount={c.closingBalance}>
                {money(c.closingBalance, cur)}
              </td>
            </tr>
          </tfoot>
        </table>
      </ScrollRegion>
      <StatementAging c={c} base={base} to={to} />
    </section>
  );
}

function StatementAging({ c, base, to }: { c: InCurrency; base: string; to: string }) {
  return (
    <ScrollRegion label={`Aging in ${c.currency}`}>
      <table className="report" data-testid={`statement-${c.currency}-aging`}>
        <caption>Aging at the end of {dateLabel(to)}</caption>
        <thead>
          <tr>
            <th scope="col">In</th>
            {AGING_BUCKETS.map((b) => (
              <th key={b.key} scope="col" className="number">
                {b.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">{c.currency}</th>
            {AGING_BUCKETS.map((b) => (
              <td key={b.key} className="number" data-amount={c.aging[b.key]}>
                {money(c.aging[b.key], c.currency)}
              </td>
            ))}
          </tr>
          {c.currency !== base && (
            <tr>
              <th scope="row">{base} (booked rates)</th>
              {AGING_BUCKETS.map((b) => (
                <td key={b.key} className="number" data-amount={c.baseAging[b.key]}>
                  {money(c.baseAging[b.key], base)}
                </td>
              ))}
            </tr>
          )}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
