import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentYear, lastMonth } from './stages.ts';

// The person's clock is the browser's zone: here Panama's (UTC−5), where 23:30 on 30 November is
// 04:30 on 1 December in UTC. Restored after, for the files that share this process.
const zone = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'America/Panama';
});
afterAll(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

describe('the month that has just ended, on the person’s own clock', () => {
  it('is the previous month until the local month turns, whatever UTC says', () => {
    expect(lastMonth(new Date('2026-12-01T04:30:00Z'))).toEqual({ year: 2026, month: 10 });
    expect(lastMonth(new Date('2026-12-01T05:05:00Z'))).toEqual({ year: 2026, month: 11 });
  });

  it('is December of the year before in January, and the year turns locally', () => {
    expect(lastMonth(new Date('2027-01-01T05:00:00Z'))).toEqual({ year: 2026, month: 12 });
    expect(currentYear(new Date('2027-01-01T04:59:00Z'))).toBe(2026);
    expect(currentYear(new Date('2027-01-01T05:00:00Z'))).toBe(2027);
  });
});
