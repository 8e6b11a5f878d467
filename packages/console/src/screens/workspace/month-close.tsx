import { useMutation } from '@apollo/client/react';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { useState } from 'react';
import { Button, Input, Label, TextField } from 'react-aria-components';
import type { PeriodState, RoleCluster } from '../../__generated__/graphql.ts';
import { ReasonField } from '../../components/reason-field.tsx';
import { Loading, RefusalNotice, refusalsOf } from '../../components/refusal.tsx';
import { useFocusWhen } from '../../components/use-focus.ts';
import { useStep } from '../../components/use-step.ts';
import { navigate } from '../../router.ts';
import { monthYearLabel, stageInfo } from '../../stages.ts';
import { useQuery } from '../../use-query.ts';
import {
  ApproveCloseMutation,
  LockPeriodMutation,
  MonthCloseQuery,
  RejectCloseMutation,
  ReopenPeriodMutation,
  StartCloseMutation,
  SubmitCloseMutation,
} from './close-data.ts';
import { useWorkspace } from './context.ts';
import { dateLabel, instantLabel, todayIn } from './format.ts';
import { closableFrom } from './year-end-words.ts';

/** Who may do what, as packages/permissions/src/roles.ts grants it: a button is shown only to them. */
const MAY: Record<'lock' | 'prepare' | 'approve' | 'reopen', readonly RoleCluster[]> = {
  lock: ['FIRM_ADMIN', 'SENIOR'],
  prepare: ['FIRM_ADMIN', 'SENIOR', 'JUNIOR'],
  approve: ['FIRM_ADMIN', 'SENIOR'],
  reopen: ['FIRM_ADMIN', 'SENIOR'],
};

/** The forward lock steps from each posting state (lockPeriod: one step at a time). */
const LOCK_STEPS: Partial<Record<PeriodState, PeriodState[]>> = {
  UNLOCKED: ['LOCK_SALES', 'LOCK_PURCHASING'],
  LOCK_SALES: ['LOCK_SALES_AND_PURCHASING'],
  LOCK_PURCHASING: ['LOCK_SALES_AND_PURCHASING'],
};
/** The states a month can be moved back to from each (reopenPeriod: any move back short of CLOSED; the API decides). */
const BACK: Partial<Record<PeriodState, PeriodState[]>> = {
  LOCK_SALES: ['UNLOCKED'],
  LOCK_PURCHASING: ['UNLOCKED'],
  LOCK_SALES_AND_PURCHASING: ['UNLOCKED', 'LOCK_SALES', 'LOCK_PURCHASING'],
  LOCKED: ['UNLOCKED', 'LOCK_SALES', 'LOCK_PURCHASING', 'LOCK_SALES_AND_PURCHASING'],
};
const backFrom = (s: PeriodState): PeriodState[] => BACK[s] ?? [];

/** The API's minimum for a reason kept in the trail (reopen, reject): packages/domain's requireReason. */
const REASON_MIN = 20;

/** Words for the refusals a person meets here, beside the API's own message. */
const EXPLAIN: Record<string, string> = {
  SAME_PERSON:
    'Four eyes: a month is approved by someone other than the person who submitted it. Ask a colleague with the right to close months to approve it.',
  PERIOD_NOT_ENDED:
    'A month is locked once it has ended on this client’s clock: approve its close from the day after its last day.',
  EARLIER_PERIOD_NOT_LOCKED:
    'Months are approved in order: close the earlier months of this fiscal year first.',
  CHECKLIST_INCOMPLETE:
    'The checklist below still has a blocking item: fix it in the books, then submit again.',
  REASON_TOO_SHORT: `The reason is kept in the audit trail and needs at least ${REASON_MIN} characters.`,
  INVALID_TRANSITION:
    'The close is no longer where this page showed it (someone else acted on it meanwhile): the page now shows where it stands.',
};

type CloseStatus = NonNullable<ResultOf<typeof MonthCloseQuery>['periodCloseStatus']>;
type Close = NonNullable<CloseStatus['close']>;

/** The close in one sentence: its status, who started, submitted, approved or sent it back, when. */
function closeWords(close: Close, timezone: string): string {
  const by = (email: string | null | undefined) => email ?? 'the system';
  const parts = [
    `${close.status}, started by ${by(close.startedByEmail)} ${instantLabel(close.startedAt, timezone)}`,
  ];
  if (close.submittedAt) {
    parts.push(`submitted by ${by(close.submittedByEmail)} ${instantLabel(close.submittedAt, timezone)}`);
  }
  if (close.approvedAt) {
    parts.push(`approved by ${by(close.approvedByEmail)} ${instantLabel(close.approvedAt, timezone)}`);
  }
  if (close.rejectionReason) {
    const at = close.rejectedAt ? ` ${instantLabel(close.rejectedAt, timezone)}` : '';
    parts.push(`sent back by ${by(close.rejectedByEmail)}${at}: “${close.rejectionReason}”`);
  }
  return parts.join('; ');
}

/** The month's stage, posting state, close and last transition. */
function CloseFacts({ s }: { s: CloseStatus }) {
  const { timezone } = useWorkspace();
  const last = s.lastTransition;
  return (
    <dl className="facts" data-testid="close-facts">
      <dt>Stage</dt>
      <dd data-testid="close-stage">{stageInfo(s.stage).label}</dd>
      <dt>Posting state</dt>
      <dd data-testid="close-period-state">{s.periodState}</dd>
      <dt>Close</dt>
      <dd>{s.close ? closeWords(s.close, timezone) : 'Not started'}</dd>
      <dt>Last transition</dt>
      <dd>
        {last
          ? `${last.action} by ${last.byEmail ?? 'the system'}, ${instantLabel(last.at, timezone)}`
          : 'None'}
      </dd>
    </dl>
  );
}

function Checklist({ items }: { items: CloseStatus['openChecklistItems'] }) {
  return (
    <>
      <h3>Checklist</h3>
      {items.length === 0 ? (
        <p className="muted" data-testid="checklist-empty">
          Nothing open.
        </p>
      ) : (
        <ul data-testid="checklist">
          {items.map((i) => (
            <li key={i.checkCode}>
              <code className="code">{i.checkCode}</code> {i.label} ({i.count})
              {i.blocking ? ' — blocks the close' : ''}
              {i.detail ? <span className="muted"> · {i.detail}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** A step that takes a reason kept in the trail: it resolves true once done (the reason is then cleared). */
type WithReason = (reason: string) => Promise<boolean>;

/** Send a submitted close back to its preparer, saying what must change. */
function RejectForm({ busy, onReject }: { busy: boolean; onReject: WithReason }) {
  const [reason, setReason] = useState('');
  return (
    <form
      className="reopen"
      aria-labelledby="reject-title"
      data-testid="reject-close"
      onSubmit={async (e) => {
        e.preventDefault();
        if (await onReject(reason.trim())) setReason('');
      }}
    >
      <h3 id="reject-title">Send the close back</h3>
      <p className="muted">
        Rejecting returns the close to a draft for its preparer to fix and submit again; the month's posting
        state does not change.
      </p>
      <ReasonField
        label="What must change"
        value={reason}
        onChange={setReason}
        min={REASON_MIN}
        when="asked to send a close back"
      />
      <Button className="button" type="submit" isDisabled={busy}>
        Reject the close
      </Button>
    </form>
  );
}

/** Move the month back to one of `states` (the first by default), with a reason. */
function ReopenForm({
  states,
  busy,
  onReopen,
}: {
  states: PeriodState[];
  busy: boolean;
  onReopen: (to: PeriodState, reason: string) => Promise<boolean>;
}) {
  const [chosen, setChosen] = useState<PeriodState | null>(null);
  const [reason, setReason] = useState('');
  const target = chosen && states.includes(chosen) ? chosen : (states[0] as PeriodState);
  return (
    <form
      className="reopen"
      aria-labelledby="reopen-title"
      onSubmit={async (e) => {
        e.preventDefault();
        if (await onReopen(target, reason.trim())) setReason('');
      }}
    >
      <h3 id="reopen-title">Move the month back</h3>
      <label className="group-label" htmlFor="reopen-to">
        To
      </label>{' '}
      <select
        id="reopen-to"
        className="input"
        value={target}
        onChange={(e) => setChosen(e.target.value as PeriodState)}
      >
        {states.map((b) => (
          <option key={b} value={b}>
            {b}
          </option>
        ))}
      </select>
      <ReasonField value={reason} onChange={setReason} min={REASON_MIN} when="asked to move a month back" />
      <Button className="button" type="submit" isDisabled={busy}>
        Move back to {target}
      </Button>
    </form>
  );
}

/** What the last step did, or its refusal with each code's rule in words. */
function Outcome({ done, error }: { done?: string; error?: unknown }) {
  // The step's button is disabled while it runs, and often gone after it (Submit becomes Approve):
  // the keyboard's place moves to what happened, not back to the top of the page.
  const here = useFocusWhen<HTMLDivElement>(done || error);
  if (!done && !error) return null;
  return (
    <div ref={here} tabIndex={-1} className="step-outcome">
      {done ? (
        <p className="notice" role="status" data-testid="close-outcome">
          {done}.
        </p>
      ) : (
        <div data-testid="close-refusal">
          <RefusalNotice error={error} title="Refused" />
          {refusalsOf(error)
            .map((r) => EXPLAIN[r.code])
            .filter(Boolean)
            .map((words) => (
              <p key={words} className="notice">
                {words}
              </p>
            ))}
        </div>
      )}
    </div>
  );
}

/**
 * One month's close in the client's workspace: its stage, posting state, checklist, the last
 * transition, and what the caller may do next — lock a step, start, submit, approve (four eyes),
 * or move the month back with a reason.
 */
export default function MonthClose() {
  const ws = useWorkspace();
  const year = Number(ws.search.get('year')) || Number(ws.date.slice(0, 4));
  const monthParam = Number(ws.search.get('month'));
  const month = monthParam >= 1 && monthParam <= 12 ? monthParam : Number(ws.date.slice(5, 7));
  const { data, error, loading, refetch } = useQuery(MonthCloseQuery, {
    variables: { year, month },
    fetchPolicy: 'network-only',
  });
  const s = data?.periodCloseStatus;
  const may = (what: keyof typeof MAY) => !!ws.role && MAY[what].includes(ws.role);
  const { busy, outcome, act } = useStep<'close'>(refetch);
  const step = async (done: string, run: () => Promise<unknown>) => !!(await act('close', done, run)).done;
  const [start] = useMutation(StartCloseMutation);
  const [submit] = useMutation(SubmitCloseMutation);
  const [approve] = useMutation(ApproveCloseMutation);
  const [reject] = useMutation(RejectCloseMutation);
  const [lock] = useMutation(LockPeriodMutation);
  const [reopen] = useMutation(ReopenPeriodMutation);
  const goTo = (y: number, m: number) => {
    const q = new URLSearchParams(ws.search);
    q.set('year', String(y));
    q.set('month', String(m));
    navigate(`${window.location.pathname}?${q}`, { replace: true });
  };
  const close = s?.close;
  const today = todayIn(ws.timezone);
  // The API approves a month's close only after its last day on the client's clock (PERIOD_NOT_ENDED).
  const approvableFrom = s ? closableFrom(s.period.endDate, today) : null;
  const mine = !!close?.submittedByEmail && close.submittedByEmail === data?.me?.email;
  const backStates = s ? backFrom(s.periodState) : [];
  const stepButton = (label: string, done: string, run: () => Promise<unknown>) => (
    <Button key={label} className="button" isDisabled={busy} onPress={() => step(done, run)}>
      {label}
    </Button>
  );
  return (
    <section aria-labelledby="close-title">
      <div className="filters">
        <TextField
          className="date-field"
          value={`${year}-${String(month).padStart(2, '0')}`}
          onChange={(v) => {
            const m = /^(\d{4})-(\d{2})$/.exec(v);
            if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) goTo(Number(m[1]), Number(m[2]));
          }}
        >
          <Label className="group-label">Month</Label>
          <Input className="input" type="month" />
        </TextField>
      </div>
      <h2 id="close-title">Month-end close, {monthYearLabel(year, month)}</h2>
      {error && <RefusalNotice error={error} title="This month could not be loaded" />}
      {loading && !data && <Loading what="the month" />}
      {s && (
        <>
          <CloseFacts s={s} />
          <Checklist items={s.openChecklistItems} />
          <h3>Next steps</h3>
          <div className="actions">
            {may('lock') &&
              (LOCK_STEPS[s.periodState] ?? []).map((to) =>
                stepButton(`Lock: ${to}`, `Locked: ${to}`, () =>
                  lock({ variables: { periodId: s.period.id, state: to } }),
                ),
              )}
            {may('prepare') &&
              !close &&
              s.periodState !== 'LOCKED' &&
              s.periodState !== 'CLOSED' &&
              stepButton('Start the close', 'Close started', () =>
                start({ variables: { periodId: s.period.id } }),
              )}
            {may('prepare') &&
              close?.status === 'DRAFT' &&
              stepButton('Submit for approval', 'Submitted for approval', () =>
                submit({ variables: { closeId: close.id } }),
              )}
            {may('approve') &&
              !mine &&
              !approvableFrom &&
              close?.status === 'PENDING_APPROVAL' &&
              stepButton('Approve', 'Approved: the month is locked', () =>
                approve({ variables: { closeId: close.id } }),
              )}
          </div>
          {approvableFrom && close?.status === 'PENDING_APPROVAL' && (
            <p className="notice" data-testid="month-not-ended">
              {monthYearLabel(year, month)} ends on {dateLabel(s.period.endDate)}: its close can be approved
              from {dateLabel(approvableFrom)}, on this client’s clock (today is {dateLabel(today)} here).
            </p>
          )}
          {mine && close?.status === 'PENDING_APPROVAL' && (
            <p className="muted" data-testid="four-eyes">
              You submitted this close: someone else must approve it (four eyes).
            </p>
          )}
          {may('approve') && close?.status === 'PENDING_APPROVAL' && (
            <RejectForm
              busy={busy}
              onReject={(reason) =>
                step('Sent back to its preparer: the close is a draft again', () =>
                  reject({ variables: { closeId: close.id, reason } }),
                )
              }
            />
          )}
          {may('reopen') && backStates.length > 0 && (
            <ReopenForm
              states={backStates}
              busy={busy}
              onReopen={(to, reason) =>
                step(`Moved back to ${to}`, () =>
                  reopen({ variables: { periodId: s.period.id, state: to, reason } }),
                )
              }
            />
          )}
          {outcome && <Outcome done={outcome.done} error={outcome.error} />}
        </>
      )}
    </section>
  );
}
