import { useMutation } from '@apollo/client/react';
import { Input, Label, TextField } from 'react-aria-components';
import type { ConsoleItbmsRateLineFragment, ConsoleItbmsReturnQuery } from '../../__generated__/graphql.ts';
import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { navigate } from '../../router.ts';
import { monthYearLabel } from '../../stages.ts';
import { useQuery } from '../../use-query.ts';
import { mayRender, useWorkspace } from './context.ts';
import { dateLabel, difference, isZero, money } from './format.ts';
import { SignedFileButton } from './signed-file-button.tsx';
import { ItbmsReturnQuery, RenderItbmsReturnMutation } from './statements-data.ts';

type Return = NonNullable<ConsoleItbmsReturnQuery['itbmsReturn']>;

/**
 * Panama's monthly ITBMS return (`/clients/<slug>/itbms-return?year=&month=`): the month picked in
 * the browser's month field (default the client's current month, in its time zone); the return's
 * sections as the API computes them, its check against the GL in words and colour (with the
 * difference when it does not reconcile), and the CSV and the PDF as signed downloads (the API's
 * `renderItbmsReturn`, audited; the CSV is the `csv` field's text). A client of another
 * region sees the API's refusal (TAX_RETURN_NOT_AVAILABLE) in words.
 */
export default function ItbmsReturn() {
  const ws = useWorkspace();
  const yearParam = Number(ws.search.get('year'));
  const monthParam = Number(ws.search.get('month'));
  const year = Number.isInteger(yearParam) && yearParam >= 1900 ? yearParam : Number(ws.date.slice(0, 4));
  const month =
    Number.isInteger(monthParam) && monthParam >= 1 && monthParam <= 12
      ? monthParam
      : Number(ws.date.slice(5, 7));
  const { data, error, loading } = useQuery(ItbmsReturnQuery, { variables: { year, month } });
  const [render] = useMutation(RenderItbmsReturnMutation);
  const r = data?.itbmsReturn;
  const goTo = (v: string) => {
    const m = /^(\d{4})-(\d{2})$/.exec(v);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return;
    const q = new URLSearchParams(ws.search);
    q.set('year', String(Number(m[1])));
    q.set('month', String(Number(m[2])));
    navigate(`${window.location.pathname}?${q}`, { replace: true });
  };
  return (
    <section aria-labelledby="itbms-title">
      <div className="filters">
        <TextField className="date-field" value={`${year}-${String(month).padStart(2, '0')}`} onChange={goTo}>
          <Label className="group-label">Month</Label>
          <Input className="input" type="month" />
        </TextField>
      </div>
      <h2 id="itbms-title">ITBMS return, {monthYearLabel(year, month)}</h2>
      {error && <RefusalNotice error={error} title="The ITBMS return could not be computed" />}
      {loading && !data && <Loading what="the return" />}
      {r && (
        <>
          <p className="muted">
            {dateLabel(r.from)} to {dateLabel(r.to)}, in {r.baseCurrency}: the posted invoices and notes of
            the month (a void counts, mirrored, in its own month).
          </p>
          <SignedFileButton
            label="Download CSV"
            busyLabel="Making the CSV…"
            what="The return's CSV"
            testId="itbms-csv"
            make={async () =>
              (await render({ variables: { year, month, format: 'CSV' } })).data?.renderItbmsReturn
            }
          />
          {mayRender(ws.role) && (
            <SignedFileButton
              label="Render PDF"
              busyLabel="Rendering the PDF…"
              what="The return's PDF"
              testId="itbms-pdf"
              make={async () => (await render({ variables: { year, month } })).data?.renderItbmsReturn}
            />
          )}
          <Reconciliation r={r} />
          <Sections r={r} />
        </>
      )}
    </section>
  );
}

function Reconciliation({ r }: { r: Return }) {
  const cur = r.baseCurrency;
  const out = difference(r.outputTax, r.glOutputTax);
  const inp = difference(r.inputTax, r.glInputTax);
  return (
    <div
      className={`notice ${r.reconciles ? 'notice-ok' : 'notice-error'}`}
      role="status"
      data-testid="itbms-reconciles"
      data-reconciles={String(r.reconciles)}
    >
      <p>
        <strong>
          {r.reconciles
            ? '✓ Reconciles with the general ledger.'
            : '✗ Does not reconcile with the general ledger.'}
        </strong>
      </p>
      <ul>
        <li>
          Output tax {money(r.outputTax, cur)}; the sales-tax account moved {money(r.glOutputTax, cur)}
          {isZero(out) ? '' : `: a difference of ${money(out, cur)}`}.
        </li>
        <li>
          Input tax {money(r.inputTax, cur)}; the purchase-tax account moved {money(r.glInputTax, cur)}
          {isZero(inp) ? '' : `: a difference of ${money(inp, cur)}`}.
        </li>
      </ul>
    </div>
  );
}

interface Row {
  key: string;
  label: string;
  base?: string;
  tax?: string;
  total?: boolean;
}

const rateRows = (side: string, lines: readonly ConsoleItbmsRateLineFragment[]): Row[] =>
  lines.map((l) => ({
    key: `${side}-${l.ratePercent}`,
    label: `Taxable at ${l.ratePercent} %`,
    base: l.base,
    tax: l.tax,
  }));

function sectionRows(r: Return): { title: string; id: string; rows: Row[] }[] {
  return [
    {
      title: 'Sales (output tax)',
      id: 'sales',
      rows: [
        ...rateRows('sales', r.sales),
        { key: 'sales-exempt', label: 'Exempt (0 %)', base: r.exemptSales },
        {
          key: 'sales-notes',
          label: 'Credit notes netted above',
          base: r.creditNotesBase,
          tax: r.creditNotesTax,
        },
        {
          key: 'sales-journal',
          label: 'Tax from journal entries without a document',
          tax: r.journalOutputTax,
        },
        { key: 'output-tax', label: 'Output tax', tax: r.outputTax, total: true },
      ],
    },
    {
      title: 'Purchases (input tax)',
      id: 'purchases',
      rows: [
        ...rateRows('purchases', r.purchases),
        { key: 'purchases-exempt', label: 'Exempt (0 %)', base: r.exemptPurchases },
        {
          key: 'purchases-notes',
          label: 'Debit notes netted above',
          base: r.debitNotesBase,
          tax: r.debitNotesTax,
        },
        {
          key: 'purchases-journal',
          label: 'Tax from journal entries without a document',
          tax: r.journalInputTax,
        },
        { key: 'input-tax', label: 'Input tax (crédito fiscal)', tax: r.inputTax, total: true },
      ],
    },
    {
      title: 'Result',
      id: 'result',
      rows: [
        { key: 'brought-forward', label: 'Credit brought forward', tax: r.creditBroughtForward },
        { key: 'net-payable', label: 'Net payable', tax: r.netPayable, total: true },
        { key: 'carried-forward', label: 'Credit carried forward', tax: r.creditCarriedForward, total: true },
      ],
    },
  ];
}

function Sections({ r }: { r: Return }) {
  const cur = r.baseCurrency;
  return (
    <ScrollRegion label="The return's sections">
      <table className="report" data-testid="itbms-sections">
        <thead>
          <tr>
            <th scope="col">Figure</th>
            <th scope="col" className="number">
              Base ({cur})
            </th>
            <th scope="col" className="number">
              Tax ({cur})
            </th>
          </tr>
        </thead>
        {sectionRows(r).map((s) => (
          <tbody key={s.id} data-section={s.id}>
            <tr className="section-head">
              <th scope="colgroup" colSpan={3}>
                {s.title}
              </th>
            </tr>
            {s.rows.map((row) => (
              <tr key={row.key} data-row={row.key} className={row.total ? 'section-total' : undefined}>
                <th scope="row">{row.label}</th>
                <td className="number" data-amount={row.base ?? ''}>
                  {row.base === undefined ? '' : money(row.base, cur)}
                </td>
                <td className="number" data-amount={row.tax ?? ''}>
                  {row.tax === undefined ? '' : money(row.tax, cur)}
                </td>
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </ScrollRegion>
  );
}
