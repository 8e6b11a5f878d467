import { Link } from 'react-aria-components';
import type { ConsoleAgingReportFragment } from '../../__generated__/graphql.ts';
import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { firmLocale } from '../../locale.ts';
import { formatMoney } from '../../money.ts';
import { useQuery } from '../../use-query.ts';
import { AGING_INVOICES, ApAgingInvoicesQuery, ArAgingInvoicesQuery } from './aging-data.ts';
import { useWorkspace } from './context.ts';
import { documentName } from './document-labels.ts';
import { dateLabel, money } from './format.ts';
import { workspacePath } from './paths.ts';

export type AgingRow = ConsoleAgingReportFragment['rows'][number];

/** A row's key: one party (or none) in one currency. */
export const rowKey = (r: AgingRow) => `${r.party?.id ?? 'none'}:${r.currency}`;
export const rowName = (r: AgingRow) => (r.party ? `${r.party.code} ${r.party.name}` : 'No party');

/**
 * The open invoices (or manual lines on the control account) behind one aging row, read when the
 * row is opened (the first AGING_INVOICES, most overdue first): each links to the document's
 * detail, or to the manual entry; its due date, days past due, what is open in its currency and
 * in base currency as booked, and at the revaluation day's rate when one was asked.
 */
export function AgingInvoices({
  id,
  testId,
  side,
  row,
  baseCurrency,
  revalueAt,
}: {
  id: string;
  testId: string;
  side: 'ar' | 'ap';
  row: AgingRow;
  baseCurrency: string;
  revalueAt: string | null;
}) {
  const ws = useWorkspace();
  const date = ws.search.get('date') ?? undefined;
  const revalued = revalueAt !== null;
  // Not cached: the aging's rows have no id, and this answer's rows (other fields) must not
  // replace the report's in Apollo's cache.
  const options = {
    variables: { asOf: ws.date, revalueAt, first: AGING_INVOICES },
    fetchPolicy: 'no-cache' as const,
  };
  const ar = useQuery(ArAgingInvoicesQuery, { ...options, skip: side !== 'ar' });
  const ap = useQuery(ApAgingInvoicesQuery, { ...options, skip: side !== 'ap' });
  const { error, loading } = side === 'ar' ? ar : ap;
  const report = side === 'ar' ? ar.data?.arAging : ap.data?.apAging;
  const found = report?.rows.find(
    (r) => (r.party?.id ?? null) === (row.party?.id ?? null) && r.currency === row.currency,
  );
  const invoices = found?.invoices ?? [];
  return (
    <section id={id} aria-labelledby={`${id}-title`} className="aging-invoices">
      <h4 id={`${id}-title`}>
        Open documents of {rowName(row)} in {row.currency}
      </h4>
      {error && <RefusalNotice error={error} title="The documents of this row could not be loaded" />}
      {loading && !report && <Loading what="the documents" />}
      {report && !found && (
        <p className="notice" role="status">
          Nothing of {rowName(row)} in {row.currency} is open any more.
        </p>
      )}
      {found && found.invoiceCount > invoices.length && (
        <p className="muted" data-testid={`${testId}-more`}>
          The {invoices.length} most overdue of {found.invoiceCount}.{' '}
          {row.party && (
            <Link
              className="link"
              href={workspacePath(ws.slug, { kind: 'documents' }, { party: row.party.id, date })}
            >
              All of this party's documents
            </Link>
          )}
        </p>
      )}
      {found && (
        <ScrollRegion label={`Open documents of ${rowName(row)} in ${row.currency}`}>
          <table className="report" data-testid={testId}>
            <thead>
              <tr>
                <th scope="col">Document</th>
                <th scope="col">Due</th>
                <th scope="col" className="number">
                  Days past due
                </th>
                <th scope="col" className="number">
                  Open ({row.currency})
                </th>
                <th scope="col" className="number">
                  Booked ({baseCurrency})
                </th>
                {revalued && (
                  <th scope="col" className="number">
                    Revalued ({baseCurrency})
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {invoices.map((i, n) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a manual line has no id of its own
                <tr key={`${i.document?.id ?? i.entry?.id ?? 'line'}:${n}`}>
                  <th scope="row">
                    {i.document ? (
                      <Link
                        className="link"
                        href={workspacePath(
                          ws.slug,
                          { kind: 'document', documentId: i.document.id },
                          { date },
                        )}
                      >
                        {documentName(i.document)}
                      </Link>
                    ) : i.entry ? (
                      <>
                        <Link
                          className="link"
                          href={workspacePath(ws.slug, { kind: 'entry', entryId: i.entry.id }, { date })}
                        >
                          {i.entry.number}
                        </Link>
                        <span className="muted"> · a manual entry</span>
                      </>
                    ) : (
                      '—'
                    )}
                  </th>
                  <td>{dateLabel(i.dueDate)}</td>
                  <td className="number">{i.daysPastDue}</td>
                  <td className="number" data-amount={i.openBalance}>
                    {formatMoney(i.openBalance, row.currency, firmLocale())}
                  </td>
                  <td className="number" data-amount={i.baseOpenBalance}>
                    {money(i.baseOpenBalance, baseCurrency)}
                  </td>
                  {revalued && (
                    <td className="number" data-amount={i.revaluedBaseOpenBalance ?? ''}>
                      {i.revaluedBaseOpenBalance ? money(i.revaluedBaseOpenBalance, baseCurrency) : '—'}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </section>
  );
}
