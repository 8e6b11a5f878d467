import { describe, expect, it } from 'vitest';
import { decimalOf, divRoundHalfAway, formatDecimal, parseDecimal, translateAtRate } from './decimal.ts';
import { agingBucket, computeLine, sumLines, translateLines } from './documents.ts';
import { DomainError } from './errors.ts';

const d = decimalOf;
const ITBMS = d('7.000');

describe('exact decimals', () => {
  it('rounds half away from zero', () => {
    expect(divRoundHalfAway(5n, 10n)).toBe(1n);
    expect(divRoundHalfAway(-5n, 10n)).toBe(-1n);
    expect(divRoundHalfAway(49n, 100n)).toBe(0n);
    expect(divRoundHalfAway(-49n, 100n)).toBe(0n);
    expect(divRoundHalfAway(15n, 10n)).toBe(2n);
    expect(divRoundHalfAway(25n, 10n)).toBe(3n); // not banker's rounding
  });

  it.each([
    ['1e3', 'not a decimal'],
    ['1.', 'not a decimal'],
    ['.5', 'not a decimal'],
    ['1.12345', 'more than 4 decimal places'],
    ['-1', 'cannot be negative'],
    ['0', 'greater than zero'],
  ])('refuses quantity %s', (text, message) => {
    const parse = () => parseDecimal(text, { maxScale: 4, field: 'quantity', allowZero: false });
    expect(parse).toThrow(DomainError);
    expect(parse).toThrow(message);
  });

  it('formats without trailing zeros', () => {
    expect(formatDecimal(d('1.500000'))).toBe('1.5');
    expect(formatDecimal(d('2.000'))).toBe('2');
    expect(formatDecimal(d('0.000001'))).toBe('0.000001');
  });
});

describe('the per-line rounding rule', () => {
  it('rounds the line amount then its tax, each half away from zero to the minor unit', () => {
    // 3 × 0.335 = 1.005 → 1.01; ITBMS 7 % of 1.01 = 0.0707 → 0.07
    expect(computeLine(d('3'), d('0.335'), ITBMS, 2)).toEqual({ amountMinor: 101n, taxMinor: 7n });
    // 7 % of 0.50 = 0.035 → 0.04 (half away from zero, not to even)
    expect(computeLine(d('1'), d('0.5'), ITBMS, 2)).toEqual({ amountMinor: 50n, taxMinor: 4n });
    // 7 % of 0.07 = 0.0049 → 0.00
    expect(computeLine(d('1'), d('0.07'), ITBMS, 2)).toEqual({ amountMinor: 7n, taxMinor: 0n });
    // exempt
    expect(computeLine(d('2.5'), d('10'), d('0'), 2)).toEqual({ amountMinor: 2500n, taxMinor: 0n });
    // a zero-decimal currency (JPY): 1.5 × 333 = 499.5 → 500; 7 % = 35
    expect(computeLine(d('1.5'), d('333'), ITBMS, 0)).toEqual({ amountMinor: 500n, taxMinor: 35n });
  });

  it('sums rounded lines, so a document can differ from rounding its total once', () => {
    // Three lines of 0.50 at 7 %: 0.04 tax each → 0.12, where 7 % of 1.50 would be 0.105 → 0.11.
    const lines = [1, 2, 3].map(() => computeLine(d('1'), d('0.50'), ITBMS, 2));
    expect(sumLines(lines)).toEqual({ subtotalMinor: 150n, taxMinor: 12n, totalMinor: 162n });
  });
});

describe('translation into the base currency', () => {
  const t = {
    currency: 'EUR',
    minorUnits: 2,
    baseCurrency: 'PAB',
    baseMinorUnits: 2,
    rate: d('1.0835'),
    roundingAccountId: 'ROUND',
  };

  it('translates each line and sends the residue to the Rounding account', () => {
    // EUR 0.33 × 3 lines + 0.07 tax... use amounts whose translations do not add up:
    // AR 1.06 → 1.148510 → 1.15; income 0.33 → 0.357555 → 0.36 three times = 1.08; tax 0.07 → 0.0758 → 0.08
    const lines = [
      { accountId: 'AR', amountMinor: 106n, partyId: 'P' },
      { accountId: 'INC', amountMinor: -33n },
      { accountId: 'INC', amountMinor: -33n },
      { accountId: 'INC', amountMinor: -33n },
      { accountId: 'TAX', amountMinor: -7n },
    ];
    const out = translateLines(lines, t);
    expect(out.map((l) => [l.accountId, l.amountMinor, l.originalCurrency, l.originalAmountMinor])).toEqual([
      ['AR', 115n, 'EUR', 106n],
      ['INC', -36n, 'EUR', -33n],
      ['INC', -36n, 'EUR', -33n],
      ['INC', -36n, 'EUR', -33n],
      ['TAX', -8n, 'EUR', -7n],
      ['ROUND', 1n, 'PAB', 1n],
    ]);
    expect(out.reduce((s, l) => s + l.amountMinor, 0n)).toBe(0n);
  });

  it('adds no rounding line when the translation balances, nor for base-currency documents', () => {
    expect(translateAtRate(10000n, d('1.0835'), 2, 2)).toBe(10835n);
    const base = { ...t, currency: 'PAB', rate: d('1') };
    const out = translateLines(
      [
        { accountId: 'AR', amountMinor: 107n },
        { accountId: 'INC', amountMinor: -107n },
      ],
      base,
    );
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ amountMinor: 107n, originalCurrency: 'PAB', originalAmountMinor: 107n });
  });

  it('refuses, naming the rate, a line whose base amount is past the largest the books accept', () => {
    const huge = 999_999_999_999_900n; // EUR 9,999,999,999,999.00
    const lines = [
      { accountId: 'AR', amountMinor: huge },
      { accountId: 'INC', amountMinor: -huge },
    ];
    let refused: unknown;
    try {
      translateLines(lines, { ...t, rate: d('9999999999999') });
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'exchangeRate' } });
    // The same lines at a rate that keeps them within the bound translate as ever.
    expect(translateLines(lines, { ...t, rate: d('1.0835') })[0]?.amountMinor).toBe(1_083_499_999_999_892n);
  });
});

describe('aging buckets', () => {
  it.each([
    [-5, 'current'],
    [0, 'current'],
    [1, 'days1To30'],
    [30, 'days1To30'],
    [31, 'days31To60'],
    [60, 'days31To60'],
    [61, 'days61To90'],
    [90, 'days61To90'],
    [91, 'over90'],
  ])('%i days past due is %s', (days, bucket) => {
    expect(agingBucket(days)).toBe(bucket);
  });
});
