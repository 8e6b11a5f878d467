import { useState } from 'react';
import { Button, Input, Label, Link, TextField } from 'react-aria-components';
import type { DocumentFilter } from '../../__generated__/graphql.ts';
import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { firmLocale } from '../../locale.ts';
import { formatMoney } from '../../money.ts';
import { navigate } from '../../router.ts';
import { useQuery } from '../../use-query.ts';
import { useWorkspace } from './context.ts';
import {
  DOCUMENTS_PAGE,
  documentName,
  KIND_LABELS,
  oneOf,
  SETTLEMENT_LABELS,
  STATUS_LABELS,
} from './document-labels.ts';
import { DocumentsQuery } from './documents-data.ts';
import { ExportArchive } from './export-archive.tsx';
import { dateLabel, isIsoDate, isZero, money } from './format.ts';
import { PartyFilter } from './party-filter.tsx';
import { workspacePath } from './paths.ts';

/** The filters, as the page's address holds them (so a filtered list can be linked to and reloaded). */
const FILTER_KEYS = ['kind', 'status', 'settlement', 'party', 'from', 'to'] as const;

/**
 * The client's documents, newest first as the API orders them, DOCUMENTS_PAGE a page (the API's
 * cursors: next, and back through the pages seen), narrowed by every filter `documents` offers:
 * kind, status, settlement state, party, posting dates. A document's name opens its detail.
 */
export default function Documents() {
  const ws = useWorkspace();
  const q = ws.search;
  const kind = oneOf(KIND_LABELS, q.get('kind'));
  const status = oneOf(STATUS_LABELS, q.get('status'));
  const settlement = oneOf(SETTLEMENT_LABELS, q.get('settlement'));
  const partyId = q.get('party') || null;
  const from = isIsoDate(q.get('from')) ? q.get('from') : null;
  const to = isIsoDate(q.get('to')) ? q.get('to') : null;
  // Only the filters chosen are sent (an absent field narrows nothing).
  const filter: DocumentFilter = {
    ...(kind && { kind }),
    ...(status && { status }),
    ...(settlement && { settlementStatus: settlement }),
    ...(partyId && { partyId }),
    ...(from && { from }),
    ...(to && { to }),
  };
  const setFilter = (key: (typeof FILTER_KEYS)[number], value: string | null) => {
    const next = new URLSearchParams(q);
    if (value) next.set(key, value);
    else next.delete(key);
    navigate(`${window.location.pathname}?${next}`, { replace: true });
  };
  const filtered = FILTER_KEYS.some((k) => q.get(k));
  return (
    <section aria-labelledby="docs-title">
      <h2 id="docs-title">Documents</h2>
      <div className="filters" data-testid="document-filters">
        <EnumSelect
          id="doc-kind"
          label="Kind"
          labels={KIND_LABELS}
          value={kind}
          onChange={(v) => setFilter('kind', v)}
        />
        <EnumSelect
          id="doc-status"
          label="Status"
          labels={STATUS_LABELS}
          value={status}
          onChange={(v) => setFilter('status', v)}
        />
        <EnumSelect
          id="doc-settlement"
          label="Settlement (posted invoices)"
          labels={SETTLEMENT_LABELS}
          value={settlement}
          onChange={(v) => setFilter('settlement', v)}
        />
        <DateFilter label="Posted from" value={from} onChange={(v) => setFilter('from', v)} />
        <DateFilter label="Posted to" value={to} onChange={(v) => setFilter('to', v)} />
        <PartyFilter partyId={partyId} onChange={(id) => setFilter('party', id)} />
        {filtered && (
          <Button
            className="button"
            onPress={() =>
              navigate(workspacePath(ws.slug, { kind: 'documents' }, { date: q.get('date') ?? undefined }))
            }
          >
            Clear the filters
          </Button>
        )}
      </div>
      {/* A new filter starts again at the first page: the cursors belong to the list they came from. */}
      <DocumentPages key={JSON.stringify(filter)} filter={filter} filtered={filtered} />
      <ExportArchive key={`${from}|${to}`} from={from} to={to} />
    </section>
  );
}

function DocumentPages({ filter, filtered }: { filter: DocumentFilter; filtered: boolean }) {
  const ws = useWorkspace();
  // The cursors of the pages before this one (the first page has none).
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const { data, error, loading } = useQuery(DocumentsQuery, {
    variables: { filter, first: DOCUMENTS_PAGE, after },
  });
  const conn = data?.documents;
  const page = cursors.length;
  const first = (page - 1) * DOCUMENTS_PAGE + 1;
  const open = (id: string) =>
    workspacePath(
      ws.slug,
      { kind: 'document', documentId: id },
      { date: ws.search.get('date') ?? undefined },
    );
  return (
    <>
      {error && <RefusalNotice error={error} title="The documents could not be loaded" />}
      {loading && !conn && <Loading what="the documents" />}
      {conn && conn.edges.length === 0 && (
        <p className="notice" role="status" data-testid="documents-empty">
          {page > 1
            ? 'No more documents.'
            : filtered
              ? 'No document matches these filters.'
              : 'This client has no document yet.'}
        </p>
      )}
      {conn && conn.edges.length > 0 && (
        <ScrollRegion label="Documents">
          <table className="report" data-testid="documents">
            <caption className="muted">
              Documents {first}–{first + conn.edges.length - 1}
              {conn.pageInfo.hasNextPage ? ', more on the next page' : ''}, newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Document</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Party</th>
                <th scope="col">Posting date</th>
                <th scope="col">Due</th>
                <th scope="col" className="number">
                  Total
                </th>
                <th scope="col" className="number">
                  Total ({ws.currency})
                </th>
                <th scope="col" className="number">
                  Open
                </th>
                <th scope="col" className="number">
                  Open credit
                </th>
              </tr>
            </thead>
            <tbody>
              {conn.edges.map(({ node: d }) => (
                <tr key={d.id} data-document={d.id}>
                  <th scope="row">
                    <Link className="link" href={open(d.id)}>
                      {documentName(d)}
                    </Link>
                  </th>
                  <td>{KIND_LABELS[d.kind]}</td>
                  <td>
                    {STATUS_LABELS[d.status]}
                    {d.voided ? ', voided' : ''}
                    {d.settlementStatus ? ` · ${SETTLEMENT_LABELS[d.settlementStatus]}` : ''}
                  </td>
                  <td>{d.party ? `${d.party.code} ${d.party.name}` : '—'}</td>
                  <td>{dateLabel(d.postingDate)}</td>
                  <td>{d.dueDate ? dateLabel(d.dueDate) : '—'}</td>
                  <td className="number" data-amount={d.total}>
                    {formatMoney(d.total, d.currency, firmLocale())}
                  </td>
                  <td className="number" data-amount={d.baseTotal ?? ''}>
                    {d.baseTotal ? money(d.baseTotal, ws.currency) : '—'}
                  </td>
                  <td className="number" data-amount={d.openBalance ?? ''}>
                    {d.openBalance ? formatMoney(d.openBalance, d.currency, firmLocale()) : ''}
                  </td>
                  <td className="number" data-amount={d.openCredit ?? ''} data-testid="row-open-credit">
                    {d.openCredit && !isZero(d.openCredit) ? formatMoney(d.openCredit, d.currency) : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      {conn && (page > 1 || conn.pageInfo.hasNextPage) && (
        <div className="pager">
          <Button
            className="button"
            isDisabled={page === 1}
            onPress={() => setCursors((c) => c.slice(0, -1))}
          >
            Previous page
          </Button>
          <span className="muted">Page {page}</span>
          <Button
            className="button"
            isDisabled={!conn.pageInfo.hasNextPage || !conn.pageInfo.endCursor}
            onPress={() => setCursors((c) => [...c, conn.pageInfo.endCursor ?? null])}
          >
            Next page
          </Button>
        </div>
      )}
    </>
  );
}

function EnumSelect<T extends string>({
  id,
  label,
  labels,
  value,
  onChange,
}: {
  id: string;
  label: string;
  labels: Record<T, string>;
  value: T | null;
  onChange: (v: T | null) => void;
}) {
  return (
    <div className="select">
      <label className="group-label" htmlFor={id}>
        {label}
      </label>
      <select
        id={id}
        className="input"
        value={value ?? ''}
        onChange={(e) => onChange(oneOf(labels, e.target.value))}
      >
        <option value="">Any</option>
        {(Object.keys(labels) as T[]).map((k) => (
          <option key={k} value={k}>
            {labels[k]}
          </option>
        ))}
      </select>
    </div>
  );
}

function DateFilter({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string | null;
  onChange: (v: string | null) => void;
}) {
  return (
    <TextField
      className="date-field"
      value={value ?? ''}
      onChange={(v) => {
        if (v === '' || isIsoDate(v)) onChange(v || null);
      }}
    >
      <Label className="group-label">{label}</Label>
      <Input className="input" type="date" />
    </TextField>
  );
}
