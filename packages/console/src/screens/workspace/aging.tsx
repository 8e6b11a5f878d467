import { useState } from 'react';
import { Button, Input, Label, Link, TextField } from 'react-aria-components';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import type { ConsoleAgingBucketsFragment, ConsoleAgingQuery } from '../../__generated__/graphql.ts';
import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { firmLocale } from '../../locale.ts';
import { formatMoney } from '../../money.ts';
import { navigate } from '../../router.ts';
import { useQuery } from '../../use-query.ts';
import { AgingQuery } from './aging-data.ts';
import { AgingInvoices, rowKey, rowName } from './aging-invoices.tsx';
import { useWorkspace } from './context.ts';
import { dateLabel, decimal, isIsoDate, money } from './format.ts';
import { workspacePath } from './paths.ts';

const BUCKETS = [
  { key: 'current', label: 'Not yet due' },
  { key: 'days1To30', label: '1–30 days' },
  { key: 'days31To60', label: '31–60 days' },
  { key: 'days61To90', label: '61–90 days' },
  { key: 'over90', label: 'Over 90 days' },
] as const;

/**
 * A bar's length. The chart is the one place an amount becomes a JavaScript number: geometry only
 * (pixels), never shown — every amount on the page, the chart's labels and tooltip included, is
 * the API's decimal string through formatMoney.
 */
const barLength = (amount: string) => Number(amount);

/**
 * AR and AP aging at the end of the chosen day: a chart of the buckets and a table per party and
 * currency, each row opening the documents behind it; with a revaluation day (`?revalue=`), the
 * API's unposted analysis of foreign documents at that day's rates beside the booked values.
 */
export default function Aging() {
  const ws = useWorkspace();
  const revalueParam = ws.search.get('revalue');
  const revalueAt = isIsoDate(revalueParam) ? revalueParam : null;
  const { data, error, loading } = useQuery(AgingQuery, { variables: { asOf: ws.date, revalueAt } });
  const setRevalue = (d: string | null) => {
    const q = new URLSearchParams(ws.search);
    if (d) q.set('revalue', d);
    else q.delete('revalue');
    navigate(`${window.location.pathname}?${q}`, { replace: true });
  };
  return (
    <section aria-labelledby="aging-title">
      <div className="filters">
        <TextField
          className="date-field"
          value={revalueAt ?? ''}
          onChange={(v) => {
            if (v === '' || isIsoDate(v)) setRevalue(v || null);
          }}
        >
          <Label className="group-label">Revalue foreign documents at</Label>
          <Input className="input" type="date" />
        </TextField>
        {revalueAt ? (
          <Button className="button" onPress={() => setRevalue(null)}>
            Booked values only
          </Button>
        ) : (
          <span className="muted">optional: that day's rates, an analysis that posts nothing</span>
        )}
      </div>
      <h2 id="aging-title">
        Aging at the end of {dateLabel(ws.date)}
        {revalueAt ? `, foreign documents also at the rates of ${dateLabel(revalueAt)}` : ''}
      </h2>
      {error && <RefusalNotice error={error} title="The aging could not be loaded" />}
      {loading && !data && <Loading what="the aging" />}
      {data?.arAging && <AgingSection id="ar" title="Receivables (AR)" report={data.arAging} />}
      {data?.apAging && <AgingSection id="ap" title="Payables (AP)" report={data.apAging} />}
    </section>
  );
}

type Report = NonNullable<ConsoleAgingQuery['arAging']>;

function AgingSection({ id, title, report }: { id: string; title: string; report: Report }) {
  const ws = useWorkspace();
  const cur = report.baseCurrency;
  const t = report.totalBase;
  const revalued = !!report.revaluation;
  // The row whose documents are shown (one at a time, under the table).
  const [openKey, setOpenKey] = useState<string | null>(null);
  const openRow = report.rows.find((r) => rowKey(r) === openKey) ?? null;
  const invoicesId = `${id}-invoices`;
  const points = BUCKETS.map((b) => ({ bucket: b.label, amount: t[b.key], length: barLength(t[b.key]) }));
  const summary = BUCKETS.map((b) => `${b.label}: ${formatMoney(t[b.key], cur, firmLocale())}`).join('; ');
  return (
    <section aria-labelledby={`${id}-title`} className="aging" data-testid={`aging-${id}`}>
      <h3 id={`${id}-title`}>
        {title}: {money(t.total, cur)} open
      </h3>
      {report.rows.length === 0 ? (
        <p className="muted">Nothing open.</p>
      ) : (
        <>
          {/* The chart is a picture of the table below (which holds the same amounts for a screen reader). */}
          <figure
            className="aging-chart"
            role="img"
            aria-label={`${title} by days past due, ${cur}: ${summary}`}
          >
            <BarChart
              width={560}
              height={220}
              data={points}
              margin={{ top: 8, right: 8, bottom: 8, left: 8 }}
            >
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="bucket" tick={{ fill: '#1b1f24', fontSize: 12 }} />
              <YAxis hide />
              <Tooltip
                formatter={(_v, _n, item) => [
                  formatMoney((item.payload as { amount: string }).amount, cur, firmLocale()),
                  cur,
                ]}
              />
              <Bar dataKey="length" fill="#0b5cad" isAnimationActive={false} />
            </BarChart>
          </figure>
          <ScrollRegion label={`${title} by party`}>
            <table className="report" data-testid={`aging-${id}-table`}>
              <thead>
                <tr>
                  <th scope="col">Party</th>
                  <th scope="col">Currency</th>
                  {BUCKETS.map((b) => (
                    <th key={b.key} scope="col" className="number">
                      {b.label}
                    </th>
                  ))}
                  <th scope="col" className="number">
                    Total ({cur})
                  </th>
                  {revalued && (
                    <th scope="col" className="number">
                      Revalued ({cur})
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {report.rows.map((r) => (
                  <tr key={rowKey(r)} data-row={rowKey(r)}>
                    <th scope="row">
                      {rowName(r)}{' '}
                      <Button
                        className="link-button"
                        aria-expanded={openKey === rowKey(r)}
                        aria-controls={openKey === rowKey(r) ? invoicesId : undefined}
                        aria-label={`${openKey === rowKey(r) ? 'Hide' : 'Show'} the ${r.invoiceCount} open documents of ${rowName(r)} in ${r.currency}`}
                        onPress={() => setOpenKey((k) => (k === rowKey(r) ? null : rowKey(r)))}
                      >
                        ({r.invoiceCount} open)
                      </Button>
                      {r.party && (
                        <>
                          {' '}
                          <Link
                            className="link"
                            href={workspacePath(
                              ws.slug,
                              { kind: 'statement' },
                              { party: r.party.id, from: ws.yearStart, to: ws.date },
                            )}
                            aria-label={`Statement of ${rowName(r)}`}
                          >
                            Statement
                          </Link>
                        </>
                      )}
                    </th>
                    <td>{r.currency}</td>
                    {BUCKETS.map((b) => (
                      <td key={b.key} className="number" data-amount={r.amounts[b.key]}>
                        {bucket(r.amounts, b.key, r.currency)}
                      </td>
                    ))}
                    <td className="number" data-amount={r.base.total}>
                      {money(r.base.total, cur)}
                    </td>
                    {revalued && (
                      <td className="number" data-amount={r.revaluedBase?.total ?? ''}>
                        {r.revaluedBase ? money(r.revaluedBase.total, cur) : '—'}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={2}>
                    Total ({cur})
                  </th>
                  {BUCKETS.map((b) => (
                    <td key={b.key} className="number" data-amount={t[b.key]}>
                      {money(t[b.key], cur)}
                    </td>
                  ))}
                  <td className="number" data-amount={t.total} data-testid={`aging-${id}-total`}>
                    {money(t.total, cur)}
                  </td>
                  {revalued && (
                    <td
                      className="number"
                      data-amount={report.revaluedTotalBase?.total ?? ''}
                      data-testid={`aging-${id}-revalued-total`}
                    >
                      {report.revaluedTotalBase ? money(report.revaluedTotalBase.total, cur) : '—'}
                    </td>
                  )}
                </tr>
              </tfoot>
            </table>
          </ScrollRegion>
          {report.revaluation && <Revaluation id={id} r={report.revaluation} />}
          {openRow && (
            <AgingInvoices
              id={invoicesId}
              testId={`aging-${id}-invoices`}
              side={id === 'ar' ? 'ar' : 'ap'}
              row={openRow}
              baseCurrency={cur}
              revalueAt={report.revaluation?.revalueAt ?? null}
            />
          )}
        </>
      )}
    </section>
  );
}

const bucket = (b: ConsoleAgingBucketsFragment, key: (typeof BUCKETS)[number]['key'], currency: string) =>
  money(b[key], currency, true);

/** The revaluation's summary as the API states it: never posted, the rates used, the difference. */
function Revaluation({ id, r }: { id: string; r: NonNullable<Report['revaluation']> }) {
  const cur = r.baseCurrency;
  return (
    <div className="notice" data-testid={`aging-${id}-revaluation`}>
      <p>
        <strong>{r.label}</strong> Foreign documents booked at {money(r.bookedBase, cur)} are worth{' '}
        {money(r.revaluedBase, cur)} at the rates of {dateLabel(r.revalueAt)}: an unrealized{' '}
        {r.difference.startsWith('-') ? 'loss' : 'gain'} of{' '}
        <span data-amount={r.difference} data-testid={`aging-${id}-difference`}>
          {money(r.difference, cur)}
        </span>
        .
      </p>
      {r.rates.length > 0 && (
        <ul>
          {r.rates.map((x) => (
            <li key={x.currency}>
              1 {x.currency} = {decimal(x.rate)} {cur}, {x.source} rate of {dateLabel(x.rateDate)}
              {x.isFallback ? ' (the last known rate standing in)' : ''}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
