import { DateTime } from 'luxon';

/**
 * How long a client's backups are kept (settings `backupKeepDailyDays`, `backupKeepMonthlyMonths`,
 * `backupKeepYearlyYears`: the firm's values unless the client overrides them). Counted in the
 * client's own calendar (its time zone), today included: `dailyDays: 35` keeps the newest backup of
 * each of the last 35 local days, `monthlyMonths: 24` the newest of each of the last 24 months,
 * `yearlyYears: 10` the newest of each of the last 10 years.
 */
export interface RetentionPolicy {
  dailyDays: number;
  monthlyMonths: number;
  yearlyYears: number;
}

export interface RetentionCandidate {
  id: string;
  /** When the backup was taken (its record's start). */
  takenAt: Date;
  /** Whether a restore of it was verified. */
  verified: boolean;
}

/** Newer first: by when it was taken, then by id (a total order, so "the newest" is one backup). */
const newerFirst = (a: RetentionCandidate, b: RetentionCandidate) =>
  b.takenAt.getTime() - a.takenAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * The complete backups of one client that retention keeps; the others are pruned. Besides the
 * daily, monthly and yearly backups the policy names, it always keeps the newest backup and the
 * newest verified backup, and, while the client is under legal hold, every backup.
 */
export function backupsToKeep(
  backups: readonly RetentionCandidate[],
  policy: RetentionPolicy,
  now: Date,
  timezone: string,
  held: boolean,
): Set<string> {
  if (held) return new Set(backups.map((b) => b.id));
  const sorted = [...backups].sort(newerFirst);
  const keep = new Set<string>();
  const newest = sorted[0];
  if (newest) keep.add(newest.id);
  const newestVerified = sorted.find((b) => b.verified);
  if (newestVerified) keep.add(newestVerified.id);
  const today = DateTime.fromJSDate(now).setZone(timezone);
  const seen = { day: new Set<string>(), month: new Set<string>(), year: new Set<string>() };
  for (const b of sorted) {
    const at = DateTime.fromJSDate(b.takenAt).setZone(timezone);
    const day = at.toISODate() as string;
    const month = day.slice(0, 7);
    const year = day.slice(0, 4);
    const daysAgo = Math.round(today.startOf('day').diff(at.startOf('day'), 'days').days);
    const monthsAgo = (today.year - at.year) * 12 + (today.month - at.month);
    const yearsAgo = today.year - at.year;
    if (!seen.day.has(day) && daysAgo < policy.dailyDays) keep.add(b.id);
    if (!seen.month.has(month) && monthsAgo < policy.monthlyMonths) keep.add(b.id);
    if (!seen.year.has(year) && yearsAgo < policy.yearlyYears) keep.add(b.id);
    seen.day.add(day);
    seen.month.add(month);
    seen.year.add(year);
  }
  return keep;
}
