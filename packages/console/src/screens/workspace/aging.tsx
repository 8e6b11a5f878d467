import { useQuery } from '@apollo/client/react';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import type { ConsoleAgingBucketsFragment, ConsoleAgingQuery } from '../../__generated__/graphql.ts';
import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { formatMoney } from '../../money.ts';
import { AgingQuery } from './aging-data.ts';
import { useWorkspace } from './context.ts';
import { dateLabel, money } from './format.ts';

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

/** AR and AP aging at the end of the chosen day: a chart of the buckets and a table per party and currency. */
export default function Aging() {
  const ws = useWorkspace();
  const { data, error, loading } = useQuery(AgingQuery, { variables: { asOf: ws.date } });
  return (
    <section aria-labelledby="aging-title">
      <h2 id="aging-title">Aging at the end of {dateLabel(ws.date)}</h2>
      {error && <RefusalNotice error={error} title="The aging could not be loaded" />}
      {loading && !data && <Loading what="the aging" />}
      {data?.arAging && <AgingSection id="ar" title="Receivables (AR)" report={data.arAging} />}
      {data?.apAging && <AgingSection id="ap" title="Payables (AP)" report={data.apAging} />}
    </section>
  );
}

type Report = NonNullable<ConsoleAgingQuery['arAging']>;

function AgingSection({ id, title, report }: { id: string; title: string; report: Report }) {
  const cur = report.baseCurrency;
  const t = report.totalBase;
  const points = BUCKETS.map((b) => ({ bucket: b.label, amount: t[b.key], length: barLength(t[b.key]) }));
  const summary = BUCKETS.map((b) => `${b.label}: ${formatMoney(t[b.key], cur)}`).join('; ');
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
                  formatMoney((item.payload as { amount: string }).amount, cur),
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
                </tr>
              </thead>
              <tbody>
                {report.rows.map((r) => (
                  <tr key={`${r.party?.id ?? 'none'}:${r.currency}`}>
                    <th scope="row">{r.party ? `${r.party.code} ${r.party.name}` : '—'}</th>
                    <td>{r.currency}</td>
                    {BUCKETS.map((b) => (
                      <td key={b.key} className="number" data-amount={r.amounts[b.key]}>
                        {bucket(r.amounts, b.key, r.currency)}
                      </td>
                    ))}
                    <td className="number" data-amount={r.base.total}>
                      {money(r.base.total, cur)}
                    </td>
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
                </tr>
              </tfoot>
            </table>
          </ScrollRegion>
        </>
      )}
    </section>
  );
}

const bucket = (b: ConsoleAgingBucketsFragment, key: (typeof BUCKETS)[number]['key'], currency: string) =>
  money(b[key], currency, true);
