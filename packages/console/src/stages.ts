import type { CloseStage } from './__generated__/graphql.ts';

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

const monthFormat = new Intl.DateTimeFormat('en', { month: 'short', timeZone: 'UTC' });
const longMonthFormat = new Intl.DateTimeFormat('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });

export const monthLabel = (month: number) => monthFormat.format(Date.UTC(2000, month - 1, 1));
export const monthYearLabel = (year: number, month: number) =>
  longMonthFormat.format(Date.UTC(year, month - 1, 1));

const monthNameFormat = new Intl.DateTimeFormat('en', { month: 'long', timeZone: 'UTC' });
export const monthName = (month: number) => monthNameFormat.format(Date.UTC(2000, month - 1, 1));
