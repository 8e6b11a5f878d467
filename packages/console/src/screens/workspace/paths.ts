import { ROUTES } from '../../router.ts';

/**
 * A client's workspace by path: `/clients/<slug>/<view>` with the view's own parts and the chosen
 * date in the query string (`?date=YYYY-MM-DD`).
 */
export type WorkspaceView =
  | { kind: 'trial-balance' }
  | { kind: 'income-statement' }
  | { kind: 'balance-sheet' }
  | { kind: 'close' }
  | { kind: 'year-end' }
  | { kind: 'aging' }
  | { kind: 'documents' }
  | { kind: 'audit' }
  | { kind: 'verify-books' }
  | { kind: 'admin' }
  | { kind: 'recurring' }
  | { kind: 'statement' }
  | { kind: 'itbms-return' }
  | { kind: 'opening-balances' }
  | { kind: 'ledger'; accountCode: string }
  | { kind: 'entry'; entryId: string }
  | { kind: 'document'; documentId: string };

export const STATEMENTS = [
  { kind: 'trial-balance', label: 'Trial balance' },
  { kind: 'income-statement', label: 'Income statement' },
  { kind: 'balance-sheet', label: 'Balance sheet' },
  { kind: 'aging', label: 'AR/AP aging' },
  { kind: 'documents', label: 'Documents' },
  { kind: 'recurring', label: 'Recurring entries' },
  { kind: 'close', label: 'Month close' },
  { kind: 'year-end', label: 'Year-end close' },
  { kind: 'audit', label: 'Audit trail' },
  { kind: 'verify-books', label: 'Books check' },
  { kind: 'admin', label: 'Client admin' },
  { kind: 'statement', label: 'Party statement' },
  { kind: 'itbms-return', label: 'ITBMS return' },
  { kind: 'opening-balances', label: 'Opening balances' },
] as const;

/** The client's slug and view of a path under /clients (no slug: the client picker). */
export function parseWorkspacePath(pathname: string): { slug: string | null; view: WorkspaceView | null } {
  const parts = pathname
    .slice(ROUTES.clients.length)
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  const [slug, kind, arg] = parts;
  if (!slug) return { slug: null, view: null };
  if (!kind || kind === 'trial-balance')
    return { slug, view: parts.length <= 2 ? { kind: 'trial-balance' } : null };
  if (
    (kind === 'income-statement' ||
      kind === 'balance-sheet' ||
      kind === 'close' ||
      kind === 'year-end' ||
      kind === 'aging' ||
      kind === 'documents' ||
      kind === 'audit' ||
      kind === 'verify-books' ||
      kind === 'admin' ||
      kind === 'recurring' ||
      kind === 'statement' ||
      kind === 'itbms-return' ||
      kind === 'opening-balances') &&
    parts.length === 2
  )
    return { slug, view: { kind } };
  if (kind === 'ledger' && arg && parts.length === 3) return { slug, view: { kind, accountCode: arg } };
  if (kind === 'entries' && arg && parts.length === 3) return { slug, view: { kind: 'entry', entryId: arg } };
  if (kind === 'documents' && arg && parts.length === 3)
    return { slug, view: { kind: 'document', documentId: arg } };
  return { slug, view: null };
}

const enc = encodeURIComponent;

export function workspacePath(slug: string, view: WorkspaceView, query?: Record<string, string | undefined>) {
  const base = `${ROUTES.clients}/${enc(slug)}`;
  const path =
    view.kind === 'ledger'
      ? `${base}/ledger/${enc(view.accountCode)}`
      : view.kind === 'entry'
        ? `${base}/entries/${enc(view.entryId)}`
        : view.kind === 'document'
          ? `${base}/documents/${enc(view.documentId)}`
          : `${base}/${view.kind}`;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/**
 * The same place in another client's workspace: the same statement, or the same account's ledger
 * (the account code may exist there too: if not, the ledger says so), with the same dates. An
 * entry belongs to one client only: switching from it goes to the other client's trial balance;
 * from a document or the documents list, to the other client's documents of the same dates (a
 * party filter names one client's party).
 */
export function switchedPath(view: WorkspaceView | null, search: URLSearchParams, slug: string): string {
  const keep = (k: string) => search.get(k) ?? undefined;
  const query = {
    date: keep('date'),
    from: keep('from'),
    to: keep('to'),
    year: keep('year'),
    month: keep('month'),
    revalue: keep('revalue'),
  };
  // A document's filters name the other client's parties by id: the list, unfiltered but for dates.
  if (view?.kind === 'documents' || view?.kind === 'document')
    return workspacePath(slug, { kind: 'documents' }, { date: query.date, from: query.from, to: query.to });
  if (!view || view.kind === 'entry')
    return workspacePath(slug, { kind: 'trial-balance' }, { date: query.date });
  return workspacePath(slug, view, query);
}
