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
