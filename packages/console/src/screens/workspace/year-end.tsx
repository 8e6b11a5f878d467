import { useMutation } from '@apollo/client/react';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { useEffect, useState } from 'react';
import { Button, Link } from 'react-aria-components';
import { Loading, RefusalNotice, refusalsOf } from '../../components/refusal.tsx';
import { useStep } from '../../components/use-step.ts';
import { navigate } from '../../router.ts';
import { useQuery } from '../../use-query.ts';
import { useWorkspace } from './context.ts';
import { dateLabel, instantLabel, money, todayIn } from './format.ts';
import { workspacePath } from './paths.ts';
import {
  ApproveYearEndMutation,
  ApproveYearEndReversalMutation,
  FiscalYearsQuery,
  MarkYearAuditedMutation,
  PrepareYearEndMutation,
  RequestYearEndReversalMutation,
  YearEndDraftQuery,
  YearEndReversalsQuery,
} from './year-end-data.ts';
import { YearEndLines } from './year-end-lines.tsx';
import { REVERSALS_PAGE, YearEndReversals } from './year-end-reversals.tsx';
import {
  closableFrom,
  defaultFiscalYear,
  EXPLAIN,
  mayDo,
  STALE_RULE,
  YEAR_STATE_WORDS,
} from './year-end-words.ts';

/** A refusal with its code and message, each code's rule in words, and what to do next. */
function Refused({ error, prepareAgain }: { error: unknown; prepareAgain?: () => void }) {
  const codes = refusalsOf(error).map((r) => r.code);
  return (
    <div data-testid="year-end-refusal">
      <RefusalNotice error={error} title="Refused" />
      {[...new Set(codes)]
        .filter((c) => EXPLAIN[c])
        .map((c) => (
          <p key={c} className="notice" data-code={c}>
            {EXPLAIN[c]}
          </p>
        ))}
      {codes.includes('DRAFT_STALE') && prepareAgain && (
        <Button className="button" onPress={prepareAgain}>
          Prepare the draft again now
        </Button>
      )}
    </div>
  );
}

type FiscalYearNode = ResultOf<typeof FiscalYearsQuery>['fiscalYearsConnection']['edges'][number]['node'];
type DraftNode = NonNullable<ResultOf<typeof YearEndDraftQuery>['yearEndCloseDraft']>;

/**
 * The year, its state in words, and its latest close: who prepared and approved it, and whether
 * the books changed since.
 */
function YearFacts({ fy, draft }: { fy: FiscalYearNode; draft: DraftNode | null | undefined }) {
  const ws = useWorkspace();
  return (
    <dl className="facts" data-testid="year-facts">
      <dt>Fiscal year</dt>
      <dd>
        {dateLabel(fy.startDate)} to {dateLabel(fy.endDate)}
      </dd>
      <dt>State</dt>
      <dd>
        <strong data-testid="year-state">{fy.state}</strong>: {YEAR_STATE_WORDS[fy.state]}
      </dd>
      {draft && (
        <>
          <dt>Latest close</dt>
          <dd data-testid="draft-status">{draft.status}</dd>
          <dt>Prepared</dt>
          <dd data-testid="draft-prepared">
            by {draft.preparedByEmail ?? 'the system'}, {instantLabel(draft.preparedAt, ws.timezone)}
          </dd>
          {draft.approvedAt && (
            <>
              <dt>Approved</dt>
              <dd data-testid="draft-approved">
                by {draft.approvedByEmail ?? 'the system'}, {instantLabel(draft.approvedAt, ws.timezone)}
              </dd>
            </>
          )}
          <dt>Books since</dt>
          <dd data-testid="draft-stale">
            {draft.stale
              ? 'Changed: this draft is stale'
              : draft.status === 'DRAFT'
                ? 'Unchanged since it was prepared'
                : 'Not compared (it is no longer a draft)'}
          </dd>
          <dt>Closing date</dt>
          <dd>{dateLabel(draft.closingDate)}</dd>
          <dt>Net income</dt>
          <dd data-testid="draft-net-income" data-amount={draft.netIncome}>
            {money(draft.netIncome, draft.currency)}
          </dd>
          <dt>FX variance</dt>
          <dd>{draft.fxVarianceMode}</dd>
          {(draft.closingEntryId || draft.reversalEntryId) && (
            <>
              <dt>Entries</dt>
              <dd>
                {draft.closingEntryId && (
                  <Link
                    className="link"
                    href={workspacePath(ws.slug, { kind: 'entry', entryId: draft.closingEntryId })}
                  >
                    The closing entry
                  </Link>
                )}
                {draft.closingEntryId && draft.reversalEntryId ? ' · ' : null}
                {draft.reversalEntryId && (
                  <Link
                    className="link"
                    href={workspacePath(ws.slug, { kind: 'entry', entryId: draft.reversalEntryId })}
                  >
                    The entry that reversed it
                  </Link>
                )}
              </dd>
            </>
          )}
          <dt>Fingerprint</dt>
          <dd>
            <code className="code fingerprint">{draft.fingerprint}</code>
          </dd>
        </>
      )}
    </dl>
  );
}

function YearPicker({
  years,
  year,
  onPick,
}: {
  years: FiscalYearNode[];
  year: number;
  onPick: (year: string) => void;
}) {
  return (
    <div className="filters">
      <label className="group-label" htmlFor="ye-year">
        Fiscal year
      </label>{' '}
      <select id="ye-year" className="input" value={year} onChange={(e) => onPick(e.target.value)}>
        {[...years]
          .sort((a, b) => b.year - a.year)
          .map((y) => (
            <option key={y.year} value={y.year}>
              {y.year} ({y.state})
            </option>
          ))}
      </select>
    </div>
  );
}

/** Where the year's close stands before any step: an earlier year still open, no draft, a stale draft, its lines. */
function DraftState({
  fy,
  earlierOpen,
  draftQ,
  noDraft,
}: { fy: FiscalYearNode; earlierOpen: FiscalYearNode | undefined } & Pick<
  ReturnType<typeof useDraft>,
  'draftQ' | 'noDraft'
>) {
  const ws = useWorkspace();
  const draft = draftQ.error ? undefined : draftQ.data?.yearEndCloseDraft;
  const waiting = draft?.status === 'DRAFT';
  return (
    <>
      {earlierOpen && fy.state === 'OPEN' && (
        <p className="notice" data-testid="earlier-open">
          Fiscal {earlierOpen.year} is still OPEN: years close in order, so close it first (
          <Link
            className="link"
            href={workspacePath(ws.slug, { kind: 'year-end' }, { year: String(earlierOpen.year) })}
          >
            its year-end close
          </Link>
          ).
        </p>
      )}
      {draftQ.error && !noDraft && (
        <RefusalNotice error={draftQ.error} title="The year-end close could not be loaded" />
      )}
      {draftQ.loading && !draftQ.data && !draftQ.error && <Loading what="the year-end close" />}
      {noDraft && (
        <p className="notice" role="status" data-testid="no-draft">
          No year-end close has been prepared for fiscal {fy.year}.
          {fy.state === 'OPEN'
            ? ' Preparing one builds the closing entry as a draft, with why each line is there; nothing posts until it is approved.'
            : ''}
        </p>
      )}
      {draft && waiting && draft.stale && (
        <p className="notice notice-warning" data-testid="stale-warning">
          This draft is stale — approving it would be refused (DRAFT_STALE). {STALE_RULE}
        </p>
      )}
      {draft && (
        <>
          <h3>The draft, line by line</h3>
          <YearEndLines lines={draft.lines} currency={draft.currency} />
        </>
      )}
    </>
  );
}

/**
 * The year's latest close. No close prepared yet is an empty state, not a refusal: the API answers
 * null (NOT_FOUND were it ever refused so).
 */
function useDraft(year: number | null) {
  const draftQ = useQuery(YearEndDraftQuery, {
    variables: { fiscalYear: year ?? 0 },
    skip: year === null,
    fetchPolicy: 'network-only',
  });
  const refusals = draftQ.error ? refusalsOf(draftQ.error) : [];
  const draft = draftQ.error ? undefined : draftQ.data?.yearEndCloseDraft;
  const noDraft =
    (refusals.length > 0 && refusals.every((r) => r.code === 'NOT_FOUND')) ||
    (!draftQ.error && !!draftQ.data && draft === null);
  return { draftQ, draft, noDraft };
}

/** The year's reversal requests, a page at a time: the cursors seen are this year's only (a cursor is one list's). */
function useReversalPages(year: number | null) {
  const [pages, setPages] = useState<{ year: number | null; cursors: (string | null)[] }>({
    year,
    cursors: [null],
  });
  const cursors = pages.year === year ? pages.cursors : [null];
  const revQ = useQuery(YearEndReversalsQuery, {
    variables: { fiscalYear: year ?? 0, first: REVERSALS_PAGE, after: cursors[cursors.length - 1] ?? null },
    skip: year === null,
    fetchPolicy: 'network-only',
  });
  const reversals = revQ.data?.yearEndCloseReversalsConnection.edges.map((e) => e.node) ?? [];
  const pageInfo = revQ.data?.yearEndCloseReversalsConnection.pageInfo;
  const revPaging = {
    page: cursors.length,
    hasNext: !!pageInfo?.hasNextPage && !!pageInfo.endCursor,
    next: () => setPages({ year, cursors: [...cursors, pageInfo?.endCursor ?? null] }),
    previous: () => setPages({ year, cursors: cursors.slice(0, -1) }),
  };
  return { revQ, reversals, revPaging };
}

/**
 * The year-end close of one fiscal year in the client's workspace: the year's state, its latest
 * close line by line with each line's explanation and totals, who prepared it and whether the books
 * changed since (DRAFT_STALE), and what the caller's role may do — prepare, approve, mark audited,
 * ask for a reversal and approve someone else's.
 */
export default function YearEndClose() {
  const ws = useWorkspace();
  const may = (what: Parameters<typeof mayDo>[1]) => mayDo(ws.role, what);
  const years = useQuery(FiscalYearsQuery, { fetchPolicy: 'network-only' });
  const all = years.data?.fiscalYearsConnection.edges.map((e) => e.node) ?? [];
  const asked = Number(ws.search.get('year'));
  const year = all.some((y) => y.year === asked) ? asked : defaultFiscalYear(all);
  const fy = all.find((y) => y.year === year);
  // The default year is written into the address, so the page stays on it once that year closes
  // (it is then no longer the earliest open one) and a reload shows the same year.
  useEffect(() => {
    if (year === null || asked === year) return;
    const q = new URLSearchParams(ws.search);
    q.set('year', String(year));
    navigate(`${window.location.pathname}?${q}`, { replace: true });
  }, [year, asked, ws.search]);
  const { draftQ, draft, noDraft } = useDraft(year);
  const { revQ, reversals, revPaging } = useReversalPages(year);
  const me = years.data?.me?.email;

  const [reason, setReason] = useState('');
  const [prepare] = useMutation(PrepareYearEndMutation);
  const [approve] = useMutation(ApproveYearEndMutation);
  const [audit] = useMutation(MarkYearAuditedMutation);
  const [request] = useMutation(RequestYearEndReversalMutation);
  const [approveReversal] = useMutation(ApproveYearEndReversalMutation);
  const step = useStep<'close' | 'reversal'>(() =>
    Promise.all([years.refetch(), draftQ.refetch(), revQ.refetch()]),
  );
  const { busy, setOutcome, shown } = step;
  const act = async (where: 'close' | 'reversal', done: string, run: () => Promise<unknown>) => {
    if ((await step.act(where, done, run)).done) setReason('');
  };
  const pickYear = (y: string) => {
    const q = new URLSearchParams(ws.search);
    q.set('year', y);
    setOutcome(null);
    navigate(`${window.location.pathname}?${q}`, { replace: true });
  };
  const doPrepare = () =>
    year !== null &&
    act('close', 'Prepared: review the draft below, then approve it', () =>
      prepare({ variables: { fiscalYear: year } }),
    );
  const earlierOpen = fy ? all.find((y) => y.year < fy.year && y.state === 'OPEN') : undefined;
  const today = todayIn(ws.timezone);
  const from = fy?.state === 'OPEN' ? closableFrom(fy.endDate, today) : null;
  const waiting = draft?.status === 'DRAFT';
  // A request waiting is the newest (one at a time): the first page tells.
  const pending = revPaging.page > 1 || reversals.some((r) => r.status === 'PENDING');

  return (
    <section aria-labelledby="ye-title">
      {all.length > 0 && year !== null && <YearPicker years={all} year={year} onPick={pickYear} />}
      <h2 id="ye-title">Year-end close{year !== null ? `, fiscal ${year}` : ''}</h2>
      {years.error && <RefusalNotice error={years.error} title="The fiscal years could not be loaded" />}
      {years.loading && !years.data && <Loading what="the fiscal years" />}
      {years.data && all.length === 0 && (
        <p className="notice" role="status" data-testid="no-fiscal-year">
          This client has no fiscal year yet: a year is opened when its first posting period is.
        </p>
      )}
      {fy && (
        <>
          <YearFacts fy={fy} draft={draft} />
          <DraftState fy={fy} earlierOpen={earlierOpen} draftQ={draftQ} noDraft={noDraft} />
          {from && (
            <p className="notice" data-testid="year-not-ended">
              Fiscal {fy.year} ends on {dateLabel(fy.endDate)}: its year-end close can be prepared from{' '}
              {dateLabel(from)}, on this client’s clock (today is {dateLabel(today)} here).
            </p>
          )}
          <h3>Next steps</h3>
          <div className="actions">
            {may('prepare') && fy.state === 'OPEN' && !from && (
              <Button className="button" isDisabled={busy} onPress={doPrepare}>
                {waiting ? 'Prepare it again' : 'Prepare the year-end close'}
              </Button>
            )}
            {may('approve') && waiting && (
              <Button
                className="button"
                isDisabled={busy}
                onPress={() =>
                  act('close', `Approved: fiscal ${fy.year} is closed`, () =>
                    approve({ variables: { draftId: draft.id } }),
                  )
                }
              >
                Approve the close
              </Button>
            )}
            {may('audit') && fy.state === 'CLOSED' && (
              <Button
                className="button"
                isDisabled={busy}
                onPress={() =>
                  act('close', `Marked audited: fiscal ${fy.year} is final`, () =>
                    audit({ variables: { fiscalYear: fy.year } }),
                  )
                }
              >
                Mark the year audited
              </Button>
            )}
          </div>
          {!may('prepare') && !may('approve') && !may('audit') && !may('reverse') && (
            <p className="muted" data-testid="read-only">
              Your role here reads the year-end close; it takes no step of it.
            </p>
          )}
          {shown('close')?.done && (
            <p className="notice" role="status" data-testid="year-end-outcome">
              {shown('close')?.done}.
            </p>
          )}
          {shown('close')?.error ? (
            <Refused error={shown('close')?.error} prepareAgain={may('prepare') ? doPrepare : undefined} />
          ) : null}
          {(fy.state !== 'OPEN' || reversals.length > 0) && (
            <YearEndReversals
              fiscalYear={fy.year}
              reversals={reversals}
              paging={revPaging}
              me={me}
              mayRequest={may('reverse') && fy.state === 'CLOSED' && !pending}
              mayApprove={may('reverse')}
              busy={busy}
              reason={reason}
              onReason={setReason}
              onRequest={() =>
                act('reversal', 'Reversal requested: another person must approve it', () =>
                  request({ variables: { fiscalYear: fy.year, reason: reason.trim() } }),
                )
              }
              onApprove={(requestId) =>
                act('reversal', `Reversal approved: fiscal ${fy.year} is OPEN again`, () =>
                  approveReversal({ variables: { requestId } }),
                )
              }
            />
          )}
          {revQ.error && (
            <RefusalNotice error={revQ.error} title="The reversal requests could not be loaded" />
          )}
          {shown('reversal')?.done && (
            <p className="notice" role="status" data-testid="reversal-outcome">
              {shown('reversal')?.done}.
            </p>
          )}
          {shown('reversal')?.error ? <Refused error={shown('reversal')?.error} /> : null}
        </>
      )}
    </section>
  );
}
