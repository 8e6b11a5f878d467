import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { backupsToKeep, type RetentionCandidate, type RetentionPolicy } from '../src/retention.ts';

/**
 * The pruning rule, for random backup histories: the kept set is exactly what the policy says
 * (checked against an oracle that judges each backup on its own, by brute force over the others),
 * and it never loses the newest backup, the newest verified one, or anything under legal hold.
 */
const ZONES = ['UTC', 'America/Panama', 'Europe/Madrid', 'Pacific/Auckland', 'Asia/Kolkata'];
const NOW = Date.UTC(2026, 2, 29, 1, 30); // Madrid's spring-forward night, Auckland's autumn.
const TEN_YEARS_MS = 12 * 366 * 24 * 3600 * 1000;

const history = fc.array(
  fc.record({
    // Some at the same instant, many on the same day: ties and same-day groups are common.
    offsetMs: fc.oneof(
      fc.integer({ min: 0, max: TEN_YEARS_MS }),
      fc.integer({ min: 0, max: 40 }).map((d) => d * 24 * 3600 * 1000),
      fc.integer({ min: 0, max: 72 * 3600 }).map((s) => s * 1000),
    ),
    verified: fc.boolean(),
  }),
  { maxLength: 60 },
);
const policy = fc.record({
  dailyDays: fc.integer({ min: 0, max: 60 }),
  monthlyMonths: fc.integer({ min: 0, max: 30 }),
  yearlyYears: fc.integer({ min: 0, max: 12 }),
});

const civil = (d: Date, zone: string) => {
  const t = DateTime.fromJSDate(d).setZone(zone);
  return { y: t.year, m: t.month, d: t.day };
};

/** Whether `a` is newer than `b` (later, or at the same instant with the larger id). */
const newer = (a: RetentionCandidate, b: RetentionCandidate) =>
  a.takenAt.getTime() > b.takenAt.getTime() || (a.takenAt.getTime() === b.takenAt.getTime() && a.id > b.id);

function oracle(all: RetentionCandidate[], p: RetentionPolicy, now: Date, zone: string, held: boolean) {
  const today = civil(now, zone);
  const kept = new Set<string>();
  for (const b of all) {
    const c = civil(b.takenAt, zone);
    const daysAgo = (Date.UTC(today.y, today.m - 1, today.d) - Date.UTC(c.y, c.m - 1, c.d)) / 86_400_000;
    const monthsAgo = (today.y - c.y) * 12 + today.m - c.m;
    const yearsAgo = today.y - c.y;
    const newerOthers = all
      .filter((o) => o !== b && newer(o, b))
      .map((o) => ({ o, c: civil(o.takenAt, zone) }));
    const newestOfDay = !newerOthers.some(({ c: x }) => x.y === c.y && x.m === c.m && x.d === c.d);
    const newestOfMonth = !newerOthers.some(({ c: x }) => x.y === c.y && x.m === c.m);
    const newestOfYear = !newerOthers.some(({ c: x }) => x.y === c.y);
    if (
      held ||
      newerOthers.length === 0 ||
      (b.verified && !newerOthers.some(({ o }) => o.verified)) ||
      (newestOfDay && daysAgo < p.dailyDays) ||
      (newestOfMonth && monthsAgo < p.monthlyMonths) ||
      (newestOfYear && yearsAgo < p.yearlyYears)
    )
      kept.add(b.id);
  }
  return kept;
}

describe('backupsToKeep', () => {
  it('keeps exactly what the policy says, and never the newest, the newest verified or a held backup', () => {
    fc.assert(
      fc.property(history, policy, fc.constantFrom(...ZONES), fc.boolean(), (h, p, zone, held) => {
        const now = new Date(NOW);
        const backups = h.map((x, i) => ({
          id: `b${String(i).padStart(3, '0')}`,
          takenAt: new Date(NOW - x.offsetMs),
          verified: x.verified,
        }));
        const kept = backupsToKeep(backups, p, now, zone, held);
        expect([...kept].sort()).toEqual([...oracle(backups, p, now, zone, held)].sort());
        const byAge = [...backups].sort((a, b) => (newer(a, b) ? -1 : 1));
        if (byAge[0]) expect(kept.has(byAge[0].id)).toBe(true);
        const verified = byAge.find((b) => b.verified);
        if (verified) expect(kept.has(verified.id)).toBe(true);
        if (held) expect(kept.size).toBe(backups.length);
        for (const id of kept) expect(backups.some((b) => b.id === id)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("the issue's example: daily for 35 days, monthly for 24 months, yearly for 10 years", () => {
    // One backup a day at 02:00 Panama time for three years up to now.
    const now = new Date('2026-03-29T12:00:00Z');
    const backups: RetentionCandidate[] = [];
    for (let d = 0; d < 3 * 365; d++)
      backups.push({
        id: `d${d}`,
        takenAt: new Date(Date.UTC(2026, 2, 29, 7) - d * 86_400_000),
        verified: false,
      });
    const kept = backupsToKeep(
      backups,
      { dailyDays: 35, monthlyMonths: 24, yearlyYears: 10 },
      now,
      'America/Panama',
      false,
    );
    // The 35 days (23 Feb … 29 Mar 2026, so March's and February's newest too), the newest of each
    // month from Jan 2026 back to Apr 2024 (22 more), and of 2023 (2025's and 2024's are 31 Dec).
    expect(kept.size).toBe(35 + 22 + 1);
    expect(kept.has('d1094')).toBe(false);
    expect(
      backups
        .filter((b) => kept.has(b.id))
        .at(-1)
        ?.takenAt.toISOString(),
    ).toBe('2023-12-31T07:00:00.000Z');
    expect(kept.has('d0')).toBe(true);
    expect(kept.has('d35')).toBe(false);
  });
});
