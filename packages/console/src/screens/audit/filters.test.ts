import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextDay, todayIn } from '../workspace/format.ts';
import {
  CHAIN_PROBLEMS,
  filterFromSearch,
  NO_FILTER,
  searchWithFilter,
  startOfDayIn,
  trailFilter,
} from './filters.ts';

describe('startOfDayIn', () => {
  it('is midnight in the zone, as a UTC instant', () => {
    expect(startOfDayIn('2026-03-10', 'America/Panama')).toBe('2026-03-10T05:00:00.000Z');
    expect(startOfDayIn('2026-03-10', 'UTC')).toBe('2026-03-10T00:00:00.000Z');
    expect(startOfDayIn('2026-07-01', 'Europe/Madrid')).toBe('2026-06-30T22:00:00.000Z');
    expect(startOfDayIn('2026-01-01', 'Asia/Kolkata')).toBe('2025-12-31T18:30:00.000Z');
    expect(startOfDayIn('2026-01-01', 'Pacific/Kiritimati')).toBe('2025-12-31T10:00:00.000Z');
  });

  it('is the first moment of a day whose midnight the clock skips', () => {
    // Santiago moves its clocks from 00:00 to 01:00 on the first Sunday of September.
    expect(startOfDayIn('2026-09-06', 'America/Santiago')).toBe('2026-09-06T04:00:00.000Z');
  });

  it('falls on that very day in the zone, for any day and zone', () => {
    const zones = [
      'America/Panama',
      'Europe/Madrid',
      'Asia/Kolkata',
      'America/Santiago',
      'Australia/Lord_Howe',
      'Pacific/Apia',
    ];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1990-01-01'), max: new Date('2060-12-31'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        (d, zone) => {
          const day = d.toISOString().slice(0, 10);
          const start = Date.parse(startOfDayIn(day, zone));
          expect(todayIn(zone, new Date(start))).toBe(day);
          // A minute before, it is still the day before.
          expect(todayIn(zone, new Date(start - 60_000))).not.toBe(day);
        },
      ),
    );
  });
});

describe('trailFilter', () => {
  const none = { actor: '', action: '', entityType: '', entityId: '', fromDate: '', toDate: '' };
  it('leaves out what is empty and trims the rest', () => {
    expect(trailFilter({ ...none, actor: '  senior@demo.firm ', action: 'period.' }, 'UTC')).toEqual({
      filter: { actor: 'senior@demo.firm', action: 'period.' },
      problem: null,
    });
    expect(trailFilter(none, 'UTC')).toEqual({ filter: {}, problem: null });
  });

  it('takes the days whole, in the client’s zone', () => {
    expect(trailFilter({ ...none, fromDate: '2026-03-01', toDate: '2026-03-31' }, 'America/Panama')).toEqual({
      filter: { from: '2026-03-01T05:00:00.000Z', to: '2026-04-01T05:00:00.000Z' },
      problem: null,
    });
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
  });

  it('says what is wrong with the days rather than sending them', () => {
    expect(trailFilter({ ...none, fromDate: '2026-02-31' }, 'UTC').problem).toMatch(/not a date/);
    expect(trailFilter({ ...none, toDate: 'yesterday' }, 'UTC').problem).toMatch(/not a date/);
    expect(trailFilter({ ...none, fromDate: '2026-03-02', toDate: '2026-03-01' }, 'UTC').problem).toMatch(
      /after the last/,
    );
  });

  it('has words for every break the API names', () => {
    expect(Object.keys(CHAIN_PROBLEMS).sort()).toEqual([
      'HASH_MISMATCH',
      'HEAD_MISMATCH',
      'PREVIOUS_HASH_MISMATCH',
      'SEQUENCE_GAP',
    ]);
  });
});

describe('the filters in the page address', () => {
  const text = fc.string({ maxLength: 40 }).map((s) => s.trim());
  const input = fc.record({
    actor: text,
    action: text,
    entityType: text,
    entityId: text,
    fromDate: text,
    toDate: text,
    tenant: text,
  });

  it('reads back what it wrote, for any text, and keeps the address’s other parameters', () => {
    fc.assert(
      fc.property(input, (f) => {
        const search = new URLSearchParams(searchWithFilter(new URLSearchParams('date=2026-03-31'), f));
        expect(filterFromSearch(search)).toEqual(f);
        expect(search.get('date')).toBe('2026-03-31');
      }),
    );
  });

  it('leaves out empty filters and reads an address without any as no filter', () => {
    expect(searchWithFilter(new URLSearchParams('actor=a&to=2026-01-31'), NO_FILTER)).toBe('');
    expect(searchWithFilter(new URLSearchParams(), { ...NO_FILTER, fromDate: '2026-01-01' })).toBe(
      '?from=2026-01-01',
    );
    expect(filterFromSearch(new URLSearchParams('?unknown=1'))).toEqual(NO_FILTER);
  });

  it('keeps no more of a pasted value than the API could take, and a bad date stays a stated problem', () => {
    const long = filterFromSearch(new URLSearchParams({ actor: 'x'.repeat(10_000), from: '31/02/2026' }));
    expect(long.actor).toHaveLength(320);
    expect(trailFilter(long, 'America/Panama')).toEqual({
      filter: null,
      problem: '“31/02/2026” is not a date (YYYY-MM-DD).',
    });
  });
});
