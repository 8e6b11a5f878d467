import type { ApolloClient } from '@apollo/client';
import { ApolloProvider, useApolloClient } from '@apollo/client/react';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { lazy, Suspense, useEffect, useMemo } from 'react';
import { Input, Label, Link, TextField } from 'react-aria-components';
import { ClientMarks } from '../../components/client-marks.tsx';
import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { MeQuery } from '../../operations.ts';
import { navigate, useLocation } from '../../router.ts';
import { useQuery } from '../../use-query.ts';
import { roleLabel } from '../people/labels.ts';
import {
  mayImportOpening,
  mayManageClient,
  mayReadAudit,
  useWorkspace,
  type Workspace,
  WorkspaceContext,
} from './context.ts';
import { ClientSearchQuery, WorkspaceTenantQuery } from './data.ts';
import { isIsoDate, todayIn } from './format.ts';
import { parseWorkspacePath, STATEMENTS, switchedPath, type WorkspaceView, workspacePath } from './paths.ts';
import { ClientSwitcher } from './switcher.tsx';
import { useTenantClient } from './tenant-client.ts';

// Each view of the workspace is its own chunk, loaded when first opened.
const TrialBalance = lazy(() => import('./trial-balance.tsx'));
const IncomeStatement = lazy(() => import('./income-statement.tsx'));
const BalanceSheet = lazy(() => import('./balance-sheet.tsx'));
const Ledger = lazy(() => import('./ledger.tsx'));
const Entry = lazy(() => import('./entry.tsx'));
const MonthClose = lazy(() => import('./month-close.tsx'));
const YearEndClose = lazy(() => import('./year-end.tsx'));
const Aging = lazy(() => import('./aging.tsx'));
const Documents = lazy(() => import('./documents.tsx'));
const DocumentDetail = lazy(() => import('./document.tsx'));
const Recurring = lazy(() => import('./recurring.tsx'));
const PartyStatement = lazy(() => import('./party-statement.tsx'));
const ItbmsReturn = lazy(() => import('./itbms-return.tsx'));
const OpeningBalances = lazy(() => import('./opening-balances.tsx'));

/** Views with a day of their own (the others are taken "as of" or "to" the workspace's date). */
const UNDATED = new Set<WorkspaceView['kind']>([
  'entry',
  'close',
  'year-end',
  'documents',
  'document',
  'audit',
  'verify-books',
  'admin',
  'recurring',
  'statement',
  'itbms-return',
  'opening-balances',
]);
const AuditTrail = lazy(() => import('../audit/client-audit.tsx'));
const VerifyBooks = lazy(() => import('./verify-books.tsx'));
const ClientAdmin = lazy(() => import('./client-admin.tsx'));

/** `/clients`: the client picker; `/clients/<slug>/…`: that client's workspace. */
export default function WorkspaceScreen() {
  const { pathname, search } = useLocation();
  const { slug, view } = parseWorkspacePath(pathname);
  const firm = useApolloClient();
  if (!slug) return <ClientPicker firm={firm} />;
  return <ClientWorkspace key={slug} firm={firm} slug={slug} view={view} search={search} />;
}

/** The clients page: search among one's clients; someone with exactly one client goes straight to it. */
function ClientPicker({ firm }: { firm: ApolloClient }) {
  const { data, error, loading } = useQuery(ClientSearchQuery, {
    variables: { search: null, first: 50 },
    fetchPolicy: 'network-only',
  });
  const clients = data?.tenantsConnection.edges.map((e) => e.node) ?? [];
  const only = clients.length === 1 && !data?.tenantsConnection.pageInfo.hasNextPage ? clients[0] : null;
  useEffect(() => {
    if (only) navigate(workspacePath(only.slug, { kind: 'trial-balance' }), { replace: true });
  }, [only]);
  const open = (slug: string) => navigate(workspacePath(slug, { kind: 'trial-balance' }));
  return (
    <section aria-labelledby="clients-title">
      <div className="screen-head">
        <h1 id="clients-title">Clients</h1>
      </div>
      {error && <RefusalNotice error={error} title="Your clients could not be loaded" />}
      {loading && !data && <Loading what="your clients" />}
      {data && clients.length === 0 && (
        <p className="notice" role="status">
          You have no client to open: a firm admin gives you a role on one (People and roles).
        </p>
      )}
      {clients.length > 0 && !only && (
        <>
          <ClientSwitcher firm={firm} onPick={open} label="Find a client" />
          <h2>
            Your clients
            {data?.tenantsConnection.pageInfo.hasNextPage ? ' (the first 50: search for the others)' : ''}
          </h2>
          <ul className="client-list">
            {clients.map((c) => (
              <li key={c.id}>
                <Link className="link" href={workspacePath(c.slug, { kind: 'trial-balance' })}>
                  {c.name}
                </Link>{' '}
                <span className="muted">
                  {c.slug} · {roleLabel(c.role)}
                </span>
                <ClientMarks sandbox={c.sandbox} archived={c.archived} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

const BRAND = /^#[0-9a-fA-F]{6}$/;

function ClientWorkspace({
  firm,
  slug,
  view,
  search,
}: {
  firm: ApolloClient;
  slug: string;
  view: WorkspaceView | null;
  search: URLSearchParams;
}) {
  const tenantClient = useTenantClient(slug);
  return (
    <ApolloProvider client={tenantClient}>
      <WorkspaceBody firm={firm} slug={slug} view={view} search={search} />
    </ApolloProvider>
  );
}

function WorkspaceBody({
  firm,
  slug,
  view,
  search,
}: {
  firm: ApolloClient;
  slug: string;
  view: WorkspaceView | null;
  search: URLSearchParams;
}) {
  const { data, error, loading, refetch } = useQuery(WorkspaceTenantQuery);
  const tenant = data?.tenant;
  // Who is signed in, from the shell's answer in the firm's cache: archiving needs the firm-wide role.
  const firmRole = useQuery(MeQuery, { client: firm, fetchPolicy: 'cache-first' }).data?.me?.firmRole;
  const me = useQuery(ClientSearchQuery, { client: firm, variables: { search: null, first: 2 } });
  // Someone with one client has nothing to switch to: no switcher for them.
  const oneClient =
    me.data?.tenantsConnection.edges.length === 1 && !me.data.tenantsConnection.pageInfo.hasNextPage;
  const switcher = (
    <ClientSwitcher firm={firm} currentSlug={slug} onPick={(s) => navigate(switchedPath(view, search, s))} />
  );
  const ws = useMemo<Workspace | null>(() => {
    if (!tenant || !view) return null;
    const today = todayIn(tenant.timezone);
    const date = isIsoDate(search.get('date')) ? search.get('date')! : today;
    const year = data?.fiscalYearsConnection.edges
      .map((e) => e.node)
      .find((y) => y.startDate <= date && date <= y.endDate);
    return {
      slug,
      currency: tenant.baseCurrency,
      timezone: tenant.timezone,
      role: tenant.role,
      date,
      yearStart: year?.startDate ?? `${date.slice(0, 4)}-01-01`,
      view,
      search,
    };
  }, [tenant, view, search, slug, data]);

  if (error)
    return (
      <section aria-labelledby="ws-error">
        <h1 id="ws-error" className="visually-hidden">
          Client {slug}
        </h1>
        <RefusalNotice error={error} title={`The client ${slug} could not be opened`} />
        {!oneClient && switcher}
      </section>
    );
  if (loading && !tenant) return <Loading what="the client" />;
  if (!tenant) return null;
  // Null only for a client the caller is walled off, which no workspace opens.
  const brandColor = tenant.whiteLabel?.brandColor;
  const brand = brandColor && BRAND.test(brandColor) ? brandColor : null;
  const displayName = tenant.whiteLabel?.displayName ?? tenant.name;
  const mayManage = mayManageClient(firmRole, tenant.role);
  const setDate = (d: string) => {
    if (!isIsoDate(d)) return;
    const q = new URLSearchParams(search);
    q.set('date', d);
    q.delete('to');
    navigate(`${window.location.pathname}?${q}`, { replace: true });
  };
  return (
    <section className="workspace" aria-labelledby="ws-title">
      <div
        className="workspace-head"
        style={brand ? { borderLeftColor: brand } : undefined}
        data-brand={brand ?? ''}
      >
        <div>
          <h1 id="ws-title" data-testid="client-name">
            {displayName}
          </h1>
          <ClientMarks sandbox={tenant.sandbox} archived={tenant.archived} />
          <p className="muted">
            {displayName !== tenant.name ? `${tenant.name} · ` : ''}
            {tenant.baseCurrency} · {tenant.timezone} · you are {roleLabel(tenant.role)}
          </p>
        </div>
        {!oneClient && switcher}
      </div>
      <WorkspaceNav
        slug={slug}
        role={tenant.role}
        mayManage={mayManage}
        current={view?.kind}
        date={ws?.date}
      />
      {!view || !ws ? (
        <p className="notice">
          There is no such page in this workspace.{' '}
          <Link className="link" href={workspacePath(slug, { kind: 'trial-balance' })}>
            Open the trial balance
          </Link>
          .
        </p>
      ) : (
        <WorkspaceContext.Provider value={ws}>
          {!UNDATED.has(view.kind) && (
            <div className="filters">
              <TextField className="date-field" value={ws.date} onChange={setDate}>
                <Label className="group-label">
                  {view.kind === 'ledger' || view.kind === 'income-statement' ? 'To' : 'As of'}
                </Label>
                <Input className="input" type="date" />
              </TextField>
              <span className="muted">the end of that day, {tenant.timezone}</span>
            </div>
          )}
          <Suspense fallback={<Loading what="the page" />}>
            <WorkspacePage
              view={view}
              firm={firm}
              tenant={tenant}
              mayManage={mayManage}
              onChanged={() => refetch()}
            />
          </Suspense>
        </WorkspaceContext.Provider>
      )}
    </section>
  );
}

type TenantOfWorkspace = NonNullable<ResultOf<typeof WorkspaceTenantQuery>['tenant']>;

/** The workspace's pages this role may open, the current one marked. */
function WorkspaceNav({
  slug,
  role,
  mayManage,
  current,
  date,
}: {
  slug: string;
  role: TenantOfWorkspace['role'];
  mayManage: boolean;
  current: WorkspaceView['kind'] | undefined;
  date: string | undefined;
}) {
  return (
    <nav aria-label="Client pages" className="app-nav workspace-nav">
      {STATEMENTS.filter(
        (s) =>
          ((s.kind !== 'audit' && s.kind !== 'verify-books') || mayReadAudit(role)) &&
          (s.kind !== 'admin' || mayManage) &&
          (s.kind !== 'opening-balances' || mayImportOpening(role)),
      ).map((s) => (
        <Link
          key={s.kind}
          className="nav-link"
          href={workspacePath(slug, { kind: s.kind }, { date })}
          aria-current={current === s.kind ? 'page' : undefined}
        >
          {s.label}
        </Link>
      ))}
    </nav>
  );
}

/** The page the address names, inside the workspace's context. */
function WorkspacePage({
  view,
  firm,
  tenant,
  mayManage,
  onChanged,
}: {
  view: WorkspaceView;
  firm: ApolloClient;
  tenant: TenantOfWorkspace;
  mayManage: boolean;
  onChanged: () => Promise<unknown>;
}) {
  const ws = useWorkspace();
  switch (view.kind) {
    case 'trial-balance':
      return <TrialBalance />;
    case 'income-statement':
      return <IncomeStatement />;
    case 'balance-sheet':
      return <BalanceSheet />;
    case 'aging':
      return <Aging />;
    case 'audit':
      return <AuditTrail />;
    case 'verify-books':
      return <VerifyBooks />;
    case 'admin':
      return <ClientAdmin firm={firm} tenant={tenant} mayManage={mayManage} onChanged={onChanged} />;
    case 'statement':
      return <PartyStatement />;
    case 'itbms-return':
      return <ItbmsReturn />;
    case 'opening-balances':
      return <OpeningBalances />;
    case 'close':
      return <MonthClose />;
    case 'year-end':
      return <YearEndClose />;
    case 'recurring':
      return <Recurring mayReadSettings={mayManage} />;
    case 'documents':
      return <Documents />;
    case 'document':
      return <DocumentDetail documentId={view.documentId} />;
    case 'ledger':
      return (
        <Ledger
          key={`${view.accountCode}|${ws.date}|${ws.search.get('from') ?? ''}`}
          accountCode={view.accountCode}
        />
      );
    default:
      return <Entry entryId={view.entryId} />;
  }
}
