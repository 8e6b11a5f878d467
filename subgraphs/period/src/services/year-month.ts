import { badInput } from '@cifra/domain';
import type { YearMonth } from './client-period.port.ts';

/** A month the board, a batch or a close status may name: 1 to 12 of a year 1900 to 9999 (BAD_USER_INPUT otherwise). */
export function checkYearMonth({ year, month }: YearMonth): void {
  if (!Number.isInteger(month) || month < 1 || month > 12) throw badInput('month must be 1 to 12', { month });
  if (!Number.isInteger(year) || year < 1900 || year > 9999) throw badInput('year is out of range', { year });
}
