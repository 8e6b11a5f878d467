import { addDays, DomainError, yearStateAfter } from '@cifra/domain';
import { type ClientClock, todayIfNotEnded } from '../services/client-clock.ts';
import { type FiscalYearRow, type PostingPeriodRow, periodLabel, type TenantTx } from '../services/store.ts';
import { fiscalYearOrNull } from './store.ts';

/** The year may be closed from its state (OPEN). */
export function refuseIfYearNotOpen(year: FiscalYearRow): void {
  const next = yearStateAfter(year.state, 'YEAR_END_CLOSE');
  if (typeof next !== 'string')
    throw new DomainError(next.code, next.message, { fiscalYear: year.year, state: year.state });
}

/**
 * A year closes once it has ended, on the client's own clock (its time zone): on its last day a
 * sale can still be made and posted into it, and a close would turn it away (the year's periods
 * CLOSED) and shut the books on a result the year has not reached.
 */
function refuseIfNotEnded(year: FiscalYearRow, clock: ClientClock): void {
  const today = todayIfNotEnded(year.endDate, clock);
  if (today === null) return;
  throw new DomainError(
    'YEAR_NOT_READY',
    `Fiscal ${year.year} ends on ${year.endDate}: its year-end close can be prepared and approved from ${addDays(year.endDate, 1)} (today is ${today} in ${clock.timezone})`,
    { fiscalYear: year.year, endDate: year.endDate, today, timezone: clock.timezone },
  );
}

/**
 * Years close once they have ended, in order, and only once every month of the year is LOCKED.
 * Final only under the years' lock (`holdFiscalYears`), as approval reads it: the year before
 * cannot open or reopen after.
 */
export async function refuseIfNotReady(
  tx: TenantTx,
  year: FiscalYearRow,
  periods: PostingPeriodRow[],
  clock: ClientClock,
): Promise<void> {
  refuseIfNotEnded(year, clock);
  const previous = await fiscalYearOrNull(tx, year.year - 1);
  if (previous && previous.state === 'OPEN') {
    throw new DomainError('YEAR_NOT_READY', `Close fiscal ${previous.year} first: years close in order`, {
      fiscalYear: year.year,
      openEarlierYear: previous.year,
    });
  }
  const open = periods.filter((p) => p.state !== 'LOCKED');
  if (open.length > 0 || periods.length !== 12) {
    throw new DomainError(
      'YEAR_NOT_READY',
      `Every month of fiscal ${year.year} must be LOCKED (its month-end close approved) before the year-end close; not yet: ${open.map((p) => `${periodLabel(p)} (${p.state})`).join(', ')}`,
      { fiscalYear: year.year, notLocked: open.map(periodLabel) },
    );
  }
}

/**
 * A closed year reopens only from its state, and only once the next year is open again. Final only
 * under the years' lock (`holdFiscalYears`), as approval reads it: the next year cannot close after.
 */
export async function refuseIfNotReversible(tx: TenantTx, year: FiscalYearRow): Promise<void> {
  const next = yearStateAfter(year.state, 'REVERSE_YEAR_END_CLOSE');
  if (typeof next !== 'string')
    throw new DomainError(next.code, next.message, { fiscalYear: year.year, state: year.state });
  const later = await fiscalYearOrNull(tx, year.year + 1);
  if (later && later.state !== 'OPEN') {
    throw new DomainError(
      'YEAR_CLOSED',
      `Fiscal ${later.year} is ${later.state}: reverse its close first, years reopen in order`,
      { fiscalYear: year.year, laterYear: later.year, laterState: later.state },
    );
  }
}
