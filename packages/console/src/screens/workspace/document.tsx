import { Link } from 'react-aria-components';
import type { ConsoleAllocationFragment, ConsoleDocumentQuery } from '../../__generated__/graphql.ts';
import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { firmLocale } from '../../locale.ts';
import { formatMoney } from '../../money.ts';
import { useQuery } from '../../use-query.ts';
import { useWorkspace } from './context.ts';
import { CreditActions } from './credit-actions.tsx';
import { documentName, KIND_LABELS, SETTLEMENT_LABELS, STATUS_LABELS } from './document-labels.ts';
import { DocumentQuery } from './documents-data.ts';
import { dateLabel, decimal, instantLabel, isZero, money } from './format.ts';
import { workspacePath } from './paths.ts';
import { RenderPdf } from './render-pdf.tsx';
import { WriteOff } from './write-off.tsx';

type Doc = NonNullable<ConsoleDocumentQuery['document']>;

/**
 * One document: its header, lines with their taxes, totals in its own currency and the base
 * equivalent as posted, what settles it and what it settles, and its journal entry (the entry's
 * own drill-down: lines, FX provenance, audit trail).
 */
export default function DocumentDetail({ documentId }: { documentId: string }) {
  const ws = useWorkspace();
  const { data, error, loading, refetch } = useQuery(DocumentQuery, { variables: { id: documentId } });
  const d = data?.document;
  const date = ws.search.get('date') ?? undefined;
  const docLink = (id: string) => workspacePath(ws.slug, { kind: 'document', documentId: id }, { date });
  const entryLink = (id: string) => workspacePath(ws.slug, { kind: 'entry', entryId: id }, { date });
  return (
    <section aria-labelledby="doc-title">
      <p>
        <Link className="link" href={workspacePath(ws.slug, { kind: 'documents' }, { date })}>
          ← Documents
        </Link>
      </p>
      <h2 id="doc-title">
        {/* A draft's name is already its kind: "Sales invoice (draft)", not "Sales invoice Sales invoice (draft)". */}
        {!d ? 'Document' : d.number ? `${KIND_LABELS[d.kind]} ${d.number}` : documentName(d)}
      </h2>
      {error && <RefusalNotice error={error} title="The document could not be loaded" />}
      {loading && !data && <Loading what="the document" />}
      {data && !d && (
        <p className="notice" role="status">
          This client has no document with this id.
        </p>
      )}
      {d && (
        <>
          <RenderPdf documentId={d.id} posted={d.status === 'POSTED'} />
          <Header d={d} docLink={docLink} entryLink={entryLink} />
          <Lines d={d} />
          <Totals d={d} />
          <CreditActions d={d} onChanged={refetch} />
          <WriteOff d={d} onChanged={refetch} />
          <Settlements
            title="Settled by"
            testId="document-settlements"
            empty={d.kind.endsWith('INVOICE') ? 'Nothing settles it yet.' : null}
            rows={d.settlements}
            other={(a) => a.source}
            d={d}
            docLink={docLink}
          />
          <Settlements
            title="Settles"
            testId="document-allocations"
            empty={
              d.kind === 'CUSTOMER_RECEIPT' || d.kind === 'VENDOR_PAYMENT' ? 'It settles no invoice.' : null
            }
            rows={d.allocations}
            other={(a) => a.invoice}
            d={d}
            docLink={docLink}
          />
        </>
      )}
    </section>
  );
}

function Header({
  d,
  docLink,
  entryLink,
}: {
  d: Doc;
  docLink: (id: string) => string;
  entryLink: (id: string) => string;
}) {
  const ws = useWorkspace();
  return (
    <dl className="facts" data-testid="document-facts">
      <dt>Status</dt>
      <dd data-testid="document-status">
        {STATUS_LABELS[d.status]}
        {d.postedAt ? `, ${instantLabel(d.postedAt, ws.timezone)}` : ''}
        {d.settlementStatus ? ` · ${SETTLEMENT_LABELS[d.settlementStatus]}` : ''}
        {d.void && (
          <>
            {' '}
            · voided {instantLabel(d.void.voidedAt, ws.timezone)}, “{d.void.reason}”
            {d.void.reversal && (
              <>
                , reversed by{' '}
                <Link className="link" href={entryLink(d.void.reversal.id)}>
                  {d.void.reversal.number}
                </Link>
              </>
            )}
          </>
        )}
      </dd>
      <dt>{d.party?.kind === 'VENDOR' ? 'Vendor' : 'Customer'}</dt>
      <dd>
        {d.party
          ? `${d.party.code} ${d.party.name}${d.party.taxId ? ` (tax id ${d.party.taxId})` : ''}`
          : '—'}
      </dd>
      <dt>Dates</dt>
      <dd>
        dated {dateLabel(d.documentDate)}, posts on {dateLabel(d.postingDate)}
        {d.dueDate ? `, due ${dateLabel(d.dueDate)}` : ''}
      </dd>
      <dt>Currency</dt>
      <dd data-testid="document-rate">
        {d.currency}
        {d.currency === ws.currency
          ? ' (the base currency)'
          : d.fx
            ? `, 1 ${d.currency} = ${decimal(d.fx.rate)} ${ws.currency} (${d.fx.source} rate of ${dateLabel(d.fx.rateDate)}${
                d.fx.isOverride ? `, forced by ${d.fx.overrideByEmail ?? 'a person'}` : ''
              }${d.fx.isFallback ? ', an older rate standing in' : ''})`
            : d.exchangeRate
              ? `, 1 ${d.currency} = ${decimal(d.exchangeRate)} ${ws.currency}`
              : ', rate looked up when it is posted'}
      </dd>
      {d.reference ? (
        <>
          <dt>Reference</dt>
          <dd>{d.reference}</dd>
        </>
      ) : null}
      {d.memo ? (
        <>
          <dt>Memo</dt>
          <dd>{d.memo}</dd>
        </>
      ) : null}
      {d.appliesTo && (
        <>
          <dt>Applies to</dt>
          <dd>
            <Link className="link" href={docLink(d.appliesTo.id)}>
              {documentName(d.appliesTo)}
            </Link>
          </dd>
        </>
      )}
      {d.bankAccount && (
        <>
          <dt>Bank account</dt>
          <dd>
            {d.bankAccount.code} {d.bankAccount.name}
          </dd>
        </>
      )}
      <dt>Journal entry</dt>
      <dd data-testid="document-entry">
        {d.entry ? (
          <Link className="link" href={entryLink(d.entry.id)}>
            {d.entry.number}
          </Link>
        ) : (
          'None yet: a draft posts nothing'
        )}
      </dd>
    </dl>
  );
}

function Lines({ d }: { d: Doc }) {
  if (d.lines.length === 0) return null;
  return (
    <ScrollRegion label="Document lines">
      <table className="report" data-testid="document-lines">
        <caption className="visually-hidden">Lines of {documentName(d)}</caption>
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Description</th>
            <th scope="col">Account</th>
            <th scope="col" className="number">
              Quantity
            </th>
            <th scope="col" className="number">
              Unit price
            </th>
            <th scope="col" className="number">
              Amount ({d.currency})
            </th>
            <th scope="col">Tax code</th>
            <th scope="col" className="number">
              Tax ({d.currency})
            </th>
          </tr>
        </thead>
        <tbody>
          {d.lines.map((l) => (
            <tr key={l.lineNumber} data-line={l.lineNumber}>
              <td>{l.lineNumber}</td>
              <th scope="row">
                {l.description}
                {l.item ? <span className="muted"> · item {l.item.code}</span> : null}
              </th>
              <td>{l.account ? `${l.account.code} ${l.account.name}` : '—'}</td>
              <td className="number">{decimal(l.quantity)}</td>
              <td className="number" data-amount={l.unitPrice}>
                {decimal(l.unitPrice)}
              </td>
              <td className="number" data-amount={l.amount}>
                {formatMoney(l.amount, d.currency, firmLocale())}
              </td>
              <td>{l.taxCode ? `${l.taxCode.code} (${l.taxCode.ratePercent} %)` : 'exempt'}</td>
              <td className="number" data-amount={l.tax}>
                {formatMoney(l.tax, d.currency, firmLocale())}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

function Totals({ d }: { d: Doc }) {
  const ws = useWorkspace();
  const fee = !isZero(d.bankFee);
  return (
    <dl className="facts facts-inline" data-testid="document-totals">
      <dt>Subtotal</dt>
      <dd data-amount={d.subtotal}>{formatMoney(d.subtotal, d.currency, firmLocale())}</dd>
      <dt>Tax</dt>
      <dd data-amount={d.tax}>{formatMoney(d.tax, d.currency, firmLocale())}</dd>
      <dt>Total</dt>
      <dd data-amount={d.total} data-testid="document-total">
        {formatMoney(d.total, d.currency, firmLocale())}
      </dd>
      {fee && (
        <>
          <dt>Bank fee</dt>
          <dd data-amount={d.bankFee}>{formatMoney(d.bankFee, d.currency, firmLocale())}</dd>
        </>
      )}
      <dt>In {ws.currency}, as posted</dt>
      <dd data-amount={d.baseTotal ?? ''} data-testid="document-base-total">
        {d.baseTotal ? money(d.baseTotal, ws.currency) : 'not posted'}
      </dd>
      {d.openBalance !== null && d.openBalance !== undefined && (
        <>
          <dt>Still open</dt>
          <dd data-amount={d.openBalance} data-testid="document-open">
            {formatMoney(d.openBalance, d.currency, firmLocale())}
          </dd>
        </>
      )}
      {d.realizedFx && !isZero(d.realizedFx) && (
        <>
          <dt>Realized exchange {d.realizedFx.startsWith('-') ? 'loss' : 'gain'}</dt>
          <dd data-amount={d.realizedFx}>{money(d.realizedFx, ws.currency)}</dd>
        </>
      )}
    </dl>
  );
}

type Other = ConsoleAllocationFragment['source'];

function Settlements({
  title,
  testId,
  empty,
  rows,
  other,
  d,
  docLink,
}: {
  title: string;
  testId: string;
  /** What to say when there is none; null: the section does not apply to this kind. */
  empty: string | null;
  rows: readonly ConsoleAllocationFragment[];
  other: (a: ConsoleAllocationFragment) => Other;
  d: Doc;
  docLink: (id: string) => string;
}) {
  const ws = useWorkspace();
  if (rows.length === 0 && empty === null) return null;
  const headingId = `${testId}-title`;
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>{title}</h3>
      {rows.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ScrollRegion label={`${title} ${documentName(d)}`}>
          <table className="report" data-testid={testId}>
            <thead>
              <tr>
                <th scope="col">Document</th>
                <th scope="col">Dated</th>
                <th scope="col" className="number">
                  Amount
                </th>
                <th scope="col" className="number">
                  Cleared ({ws.currency})
                </th>
                <th scope="col" className="number">
                  Realized FX ({ws.currency})
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a, i) => {
                const o = other(a);
                return (
                  // biome-ignore lint/suspicious/noArrayIndexKey: an allocation has no id of its own
                  <tr key={`${o?.id ?? 'none'}:${i}`}>
                    <th scope="row">
                      {o ? (
                        <Link className="link" href={docLink(o.id)}>
                          {documentName(o)}
                        </Link>
                      ) : (
                        '—'
                      )}
                      {o ? <span className="muted"> · {KIND_LABELS[o.kind]}</span> : null}
                    </th>
                    <td>{o ? dateLabel(o.documentDate) : '—'}</td>
                    <td className="number" data-amount={a.amount}>
                      {/* The allocation is in the invoice's currency. */}
                      {formatMoney(a.amount, (a.invoice ?? o)?.currency ?? d.currency, firmLocale())}
                    </td>
                    <td className="number" data-amount={a.baseAmount ?? ''}>
                      {a.baseAmount ? money(a.baseAmount, ws.currency) : '—'}
                    </td>
                    <td className="number" data-amount={a.realizedFx ?? ''}>
                      {a.realizedFx ? money(a.realizedFx, ws.currency, true) : ''}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </section>
  );
}
