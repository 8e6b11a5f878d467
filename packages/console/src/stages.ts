import type { CloseStage } from './__generated__/graphql.ts';
import { dateTimeFormat } from './locale.ts';

/** What a board cell can show: the API's stage, a client that did not answer, or no period. */
export type CellStage = CloseStage | 'UNAVAILABLE' | 'NO_PERIOD';

export const CELL_STAGES: readonly { stage: CellStage; label: string; short: string }[] = [
  { stage: 'OPEN', label: 'Open', short: 'Open' },
  { stage: 'DRAFT', label: 'Close drafted', short: 'Draft' },
  { stage: 'PENDING_APPROVAL', label: 'Waiting for approval', short: 'Pending' },
  { stage: 'CLOSED', label: 'Month closed', short: 'Closed' },
  { stage: 'YEAR_CLOSED', label: 'Year closed', short: 'Yr closed' },
  { stage: 'YEAR_AUDITED', label: 'Year audited', short: 'Audited' },
  { stage: 'UNAVAILABLE', label: 'Client unavailable', short: 'Unavail.' },
  { stage: 'NO_PERIOD', label: 'No period', short: '—' },
];

export const stageInfo = (stage: CellStage) => CELL_STAGES.find((s) => s.stage === stage) ?? CELL_STAGES[0]!;

// Month names in the firm's locale (locale.ts).
export const monthLabel = (month: number) =>
  dateTimeFormat({ month: 'short', timeZone: 'UTC' }).format(Date.UTC(2000, month - 1, 1));
export const monthYearLabel = (year: number, month: number) =>
  dateTimeFormat({ month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(year, month - 1, 1));
export const monthName = (month: number) =>
  dateTimeFormat({ month: 'long', timeZone: 'UTC' }).format(Date.UTC(2000, month - 1, 1));

/**
 * The month that has just ended on the person's own clock (the browser's time zone, not UTC: in
 * Panama at 20:00 on 30 November it is still November, whose close cannot be approved yet), and
 * the year it is: what the batch form and the board open on.
 */
export function lastMonth(now: Date = new Date()): { year: number; month: number } {
  const m = now.getMonth(); // 0-based: January is 0, so this is last month, 1-based
  return m === 0 ? { year: now.getFullYear() - 1, month: 12 } : { year: now.getFullYear(), month: m };
}

/** The year it is on the person's own clock (the browser's time zone). */
export const currentYear = (now: Date = new Date()) => now.getFullYear();
