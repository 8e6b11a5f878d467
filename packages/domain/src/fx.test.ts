import { Settings } from 'luxon';
import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.ts';
import {
  crossRate,
  divHalfEven,
  formatRate,
  nextLocalRun,
  parsePublishedRate,
  parseRate,
  peggedRate,
  pegsForRegion,
  type RateSnapshot,
  rateMoveProblem,
  translateMinor,
} from './fx.ts';

const ecb = (quotes: Record<string, string>): RateSnapshot => ({
  provider: 'ECB',
  date: '2026-11-20',
  anchor: 'EUR',
  style: 'UNITS_PER_ANCHOR',
  quotes: new Map(Object.entries(quotes).map(([k, v]) => [k, parsePublishedRate(v)])),
});

describe('rates as exact decimals', () => {
  it('rounds half to even', () => {
    expect(divHalfEven(5n, 2n)).toBe(2n);
    expect(divHalfEven(7n, 2n)).toBe(4n);
    expect(divHalfEven(-5n, 2n)).toBe(-2n);
    expect(divHalfEven(-7n, 2n)).toBe(-4n);
    expect(divHalfEven(10n, 3n)).toBe(3n);
    expect(divHalfEven(20n, 3n)).toBe(7n);
  });

  it('keeps what a person typed, or refuses it', () => {
    expect(formatRate(parseRate('1.0812'))).toBe('1.0812');
    expect(formatRate(parseRate('25000'))).toBe('25000');
    expect(formatRate(parseRate('0.000000000001'))).toBe('0.000000000001');
    for (const bad of ['0', '-1', '1e3', '1,5', '0.0000000000001', '12345678901234567']) {
      expect(() => parseRate(bad)).toThrow(DomainError);
    }
  });

  it('rounds a published rate with more than twelve decimals half to even', () => {
    expect(formatRate(parsePublishedRate('1.0000000000005'))).toBe('1');
    expect(formatRate(parsePublishedRate('1.0000000000015'))).toBe('1.000000000002');
  });
});

describe('cross rates through the provider anchor', () => {
  const day = ecb({ USD: '1.0812', GBP: '0.8543', JPY: '162.53' });

  it('EUR in a USD book is the published USD quote', () => {
    expect(formatRate(crossRate(day, 'EUR', 'USD')!.rate)).toBe('1.0812');
  });

  it('USD in a EUR book is the inverse, rounded once at twelve decimals', () => {
    // 1 / 1.0812 = 0.92489826119126896…
    expect(formatRate(crossRate(day, 'USD', 'EUR')!.rate)).toBe('0.924898261191');
  });

  it('GBP in a USD book is USD per EUR over GBP per EUR, one division, half to even', () => {
    // 1.0812 / 0.8543 = 1.26559756525810605…
    expect(formatRate(crossRate(day, 'GBP', 'USD')!.rate)).toBe('1.265597565258');
  });

  it('a PAB book reads through the peg to USD, exactly', () => {
    const pegs = pegsForRegion('PA');
    expect(formatRate(crossRate(day, 'EUR', 'PAB', pegs)!.rate)).toBe('1.0812');
    expect(formatRate(crossRate(day, 'JPY', 'PAB', pegs)!.rate)).toBe(
      formatRate(crossRate(day, 'JPY', 'USD')!.rate),
    );
    expect(crossRate(day, 'EUR', 'PAB')).toBeNull();
  });

  it('misses a currency the provider does not quote', () => {
    expect(crossRate(day, 'ARS', 'USD')).toBeNull();
  });

  it('handles providers quoting anchor units per currency', () => {
    const inverse: RateSnapshot = {
      ...day,
      anchor: 'USD',
      style: 'ANCHOR_PER_UNIT',
      quotes: new Map([['EUR', parsePublishedRate('1.0812')]]),
    };
    expect(formatRate(crossRate(inverse, 'EUR', 'USD')!.rate)).toBe('1.0812');
    expect(formatRate(crossRate(inverse, 'USD', 'EUR')!.rate)).toBe('0.924898261191');
  });
});

describe('the Panama peg', () => {
  it('PAB↔USD is exactly 1 both ways and nothing else is pegged', () => {
    const pegs = pegsForRegion('PA');
    expect(formatRate(peggedRate('USD', 'PAB', pegs)!)).toBe('1');
    expect(formatRate(peggedRate('PAB', 'USD', pegs)!)).toBe('1');
    expect(peggedRate('EUR', 'PAB', pegs)).toBeNull();
    expect(peggedRate('USD', 'PAB', pegsForRegion('XX'))).toBeNull();
  });
});

describe('translation into the base currency', () => {
  it('USD 1,200.00 at 1 is PAB 1,200.00', () => {
    expect(translateMinor(120000n, 2, parseRate('1'), 2)).toBe(120000n);
  });
  it('rounds half to even at the base minor unit, keeping the sign', () => {
    // EUR 10.05 × 1.05 = 10.5525 → 10.55; JPY 1 × 0.0065 USD = 0.0065 → 0.01
    expect(translateMinor(1005n, 2, parseRate('1.05'), 2)).toBe(1055n);
    expect(translateMinor(-1005n, 2, parseRate('1.05'), 2)).toBe(-1055n);
    expect(translateMinor(1n, 0, parseRate('0.0065'), 2)).toBe(1n);
    expect(translateMinor(125n, 2, parseRate('0.1'), 2)).toBe(12n);
  });
});

describe('next local refresh time', () => {
  it('is the next 00:15 on the client’s own clock', () => {
    const at = new Date('2026-11-20T12:00:00Z');
    expect(nextLocalRun(at, 'America/Panama', '00:15').toISOString()).toBe('2026-11-21T05:15:00.000Z');
    expect(nextLocalRun(at, 'Asia/Tokyo', '00:15').toISOString()).toBe('2026-11-20T15:15:00.000Z');
    expect(nextLocalRun(at, 'UTC', '12:00').toISOString()).toBe('2026-11-21T12:00:00.000Z');
  });

  it('follows daylight saving time', () => {
    // New York: EST (UTC-5) before 8 March 2026, EDT (UTC-4) after.
    expect(nextLocalRun(new Date('2026-03-07T12:00:00Z'), 'America/New_York', '06:00').toISOString()).toBe(
      '2026-03-08T10:00:00.000Z',
    );
    expect(nextLocalRun(new Date('2026-03-06T12:00:00Z'), 'America/New_York', '06:00').toISOString()).toBe(
      '2026-03-07T11:00:00.000Z',
    );
    // 02:30 does not exist on 8 March: the run is at the first instant after the gap.
    const gap = nextLocalRun(new Date('2026-03-08T05:00:00Z'), 'America/New_York', '02:30');
    expect(gap.toISOString()).toBe('2026-03-08T07:30:00.000Z');
    // 01:30 happens twice on 1 November: the run is once, at the second (standard time).
    const twice = nextLocalRun(new Date('2026-11-01T04:00:00Z'), 'America/New_York', '01:30');
    expect(twice.toISOString()).toBe('2026-11-01T06:30:00.000Z');
    expect(nextLocalRun(twice, 'America/New_York', '01:30').toISOString()).toBe('2026-11-02T06:30:00.000Z');
  });

  it('answers the same whatever the season it runs in (luxon guesses by the offset in force now)', () => {
    const runs = (now: string) => {
      const before = Settings.now;
      Settings.now = () => Date.parse(now);
      try {
        return [
          nextLocalRun(new Date('2026-11-01T04:00:00Z'), 'America/New_York', '01:30').toISOString(),
          nextLocalRun(new Date('2026-03-08T05:00:00Z'), 'America/New_York', '02:30').toISOString(),
          // Lord Howe Island falls back half an hour: 01:45 happens twice on 5 April 2026 (+11, then +10:30).
          nextLocalRun(new Date('2026-04-04T13:00:00Z'), 'Australia/Lord_Howe', '01:45').toISOString(),
        ];
      } finally {
        Settings.now = before;
      }
    };
    const expected = ['2026-11-01T06:30:00.000Z', '2026-03-08T07:30:00.000Z', '2026-04-04T15:15:00.000Z'];
    for (const now of ['2026-07-01T12:00:00Z', '2026-12-01T12:00:00Z', '2026-11-01T05:45:00Z'])
      expect(runs(now), now).toEqual(expected);
  });

  it('refuses an unknown time zone', () => {
    expect(() => nextLocalRun(new Date(), 'Mars/Olympus', '00:15')).toThrow(DomainError);
  });
});

describe('rateMoveProblem', () => {
  const r = (text: string) => parseRate(text);
  it('believes a move up to 25 % up or down to 1 ÷ 1.25, and not a hair past either', () => {
    expect(rateMoveProblem(r('1.2'), r('1.5'))).toBeNull(); // +25 %
    expect(rateMoveProblem(r('1.5'), r('1.2'))).toBeNull(); // −20 %, the same move back
    expect(rateMoveProblem(r('1.2'), r('1.500000000001'))).toMatch(
      /^moved \+25\.0 % from 1\.2 to 1\.500000000001/,
    );
    expect(rateMoveProblem(r('1.5'), r('1.199999999999'))).toMatch(/^moved -20\.0 % from 1\.5/);
    expect(rateMoveProblem(r('0.000062'), r('0.000031'))).toMatch(
      /^moved -50\.0 % from 0\.000062 to 0\.000031 \(more than 25 %\)$/,
    );
  });

  it('is symmetric: a move refused one way is refused back, a move believed one way believed back', () => {
    for (const [a, b] of [
      ['1', '1.25'],
      ['1', '1.250000000001'],
      ['3.7', '2.96'],
      ['3.7', '2.959999999999'],
      ['0.000062', '0.00008'],
      ['1000000', '0.5'],
    ] as const) {
      expect(rateMoveProblem(r(a), r(b)) === null, `${a} → ${b}`).toBe(rateMoveProblem(r(b), r(a)) === null);
    }
  });
});
