import type { FiscalYearState, RoleCluster } from '../../__generated__/graphql.ts';
import { nextDay } from './format.ts';

/**
 * Who may do what on the year-end close, as packages/permissions/src/roles.ts grants it (the API's
 * rules in subgraphs/period: prepare `Period.PrepareClose`, approve `Year.Close`, mark audited
 * `Year.Audit`, request and approve a reversal `PostingPeriod.ReverseClose`). A button is shown
 * only to them.
 */
export const MAY: Record<'prepare' | 'approve' | 'audit' | 'reverse', readonly RoleCluster[]> = {
  prepare: ['FIRM_ADMIN', 'SENIOR', 'JUNIOR'],
  approve: ['FIRM_ADMIN', 'SENIOR'],
  audit: ['FIRM_ADMIN', 'EXTERNAL_REVIEWER'],
  reverse: ['FIRM_ADMIN', 'SENIOR'],
};

export const mayDo = (role: RoleCluster | null | undefined, what: keyof typeof MAY) =>
  !!role && MAY[what].includes(role);

/**
 * The day a fiscal year's close can first be prepared, or a month's close approved, or null once it
 * has come: the API closes a year and locks a month only after its last day on the client's clock
 * (`today` in the client's time zone), and answers YEAR_NOT_READY or PERIOD_NOT_ENDED before, so
 * the page says when instead of offering the step.
 */
export function closableFrom(endDate: string, today: string): string | null {
  return today > endDate ? null : nextDay(endDate);
}

/** The API's minimum for a reversal's reason (packages/domain's requireReason). */
export const REASON_MIN = 20;

/** Each fiscal year state in words, beside the API's name for it. */
export const YEAR_STATE_WORDS: Record<FiscalYearState, string> = {
  OPEN: 'takes postings, subject to each month’s state; not closed yet',
  CLOSED: 'closed by its year-end close; a reversal approved by a second person reopens it',
  AUDITED: 'signed off by the external reviewer: final, it can no longer change',
};

/**
 * The year the screen opens on when the address names none: the earliest year still OPEN — years
 * close in order (the API refuses a later one with YEAR_NOT_READY while an earlier one is open),
 * so it is the one waiting for its close — else the latest year.
 */
export function defaultFiscalYear(years: readonly { year: number; state: FiscalYearState }[]): number | null {
  const sorted = [...years].sort((a, b) => a.year - b.year);
  return sorted.find((y) => y.state === 'OPEN')?.year ?? sorted.at(-1)?.year ?? null;
}

/** The rule behind DRAFT_STALE, in the words the screen shows before approving and on a refusal. */
export const STALE_RULE =
  'Something in the year changed after this draft was prepared: prepare it again, review, then approve.';

/**
 * Words for every refusal the API documents for these mutations (prepareYearEndClose,
 * approveYearEndClose, markYearAudited, requestYearEndCloseReversal, approveYearEndCloseReversal),
 * shown beside its own code and message.
 */
export const EXPLAIN: Record<string, string> = {
  DRAFT_STALE: `${STALE_RULE} (A posting, a reversal, a month reopened, an account's role or the FX policy changed since — or a newer preparation replaced this draft.) Nothing was posted.`,
  YEAR_NOT_READY:
    'The year cannot be closed yet: a year closes once it has ended (from the day after its last day, on the client’s clock), years close in order (an earlier fiscal year still open is closed first), and every month of the year must be LOCKED — its month-end close approved — before its year-end close. The message above names what is missing; a year still OPEN cannot be marked audited either.',
  YEAR_CLOSED:
    'The fiscal year is already closed — or a later year is: years reopen in order, the latest first.',
  YEAR_AUDITED: 'An external reviewer signed this year off: it is final and can no longer change.',
  SAME_PERSON:
    'Four eyes: a reversal of a year-end close is approved by someone other than the person who requested it. Ask a colleague who may reverse closes to approve it.',
  REASON_TOO_SHORT: `The reason is kept in the audit trail and needs at least ${REASON_MIN} characters.`,
  INVALID_TRANSITION:
    'This close or request is no longer where this page showed it (someone acted on it meanwhile): the page now shows where it stands.',
  CONFLICT:
    'A reversal of this year is already waiting for approval: approve that one (another person) instead.',
  NOT_FOUND:
    'There is nothing of that kind to act on: no draft of that id, no request of that id, or no approved close of this year to reverse.',
  FORBIDDEN: 'Your role on this client does not allow this step.',
};
