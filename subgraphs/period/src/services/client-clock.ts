import { type IsoDate, todayIn } from '@cifra/domain';

/** The clock's reading, and the client's time zone its days are counted in. */
export interface ClientClock {
  now: Date;
  timezone: string;
}

/**
 * Today on the client's own clock while a span ending on `endDate` has not ended (its last day is
 * today or later), or null once it has: a month or a year is over from the day after its last day
 * in the client's time zone, not the server's.
 */
export function todayIfNotEnded(endDate: IsoDate, { now, timezone }: ClientClock): IsoDate | null {
  const today = todayIn(timezone, now);
  return today > endDate ? null : today;
}
