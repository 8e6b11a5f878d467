import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountProblem, sameRate, smaller, toMinor } from './credit-words.ts';

describe('an amount typed for a credit, a refund or a write-off', () => {
  it('is read in the currency’s minor units: 250.00 PAB is 25000, 250 JPY is 250, 1.005 KWD is 1005', () => {
    expect(toMinor('250.00', 'PAB')).toBe(25000n);
    expect(toMinor('250.5', 'PAB')).toBe(25050n);
    expect(toMinor('250', 'JPY')).toBe(250n);
    expect(toMinor('1.005', 'KWD')).toBe(1005n);
    expect(toMinor('250.005', 'PAB')).toBeNull();
    expect(toMinor('1.5', 'JPY')).toBeNull();
  });

  it('refuses what the API refuses, in words: no amount, not a decimal, too many decimals, zero, more than open', () => {
    expect(amountProblem('', 'PAB')).toMatch(/Type an amount/);
    for (const bad of ['-5.00', '1e3', '1,000.00', '12.', '.5', 'NaN', '0x10'])
      expect(amountProblem(bad, 'PAB'), bad).toMatch(/not an amount/);
    expect(amountProblem('250.005', 'PAB')).toMatch(/2 decimals/);
    expect(amountProblem('1.5', 'JPY')).toMatch(/no minor unit/);
    expect(amountProblem('0.00', 'PAB')).toMatch(/greater than zero/);
    expect(amountProblem('321.01', 'PAB', '321.00')).toMatch(/OVER_ALLOCATION/);
    expect(amountProblem('321.00', 'PAB', '321.00')).toBeNull();
    expect(amountProblem(' 71.00 ', 'PAB', '321.00')).toBeNull();
  });

  it('compares with the limit exactly, never through a float (any two amounts of up to 30 digits)', () => {
    const amount = fc
      .tuple(fc.bigInt({ min: 1n, max: 10n ** 30n }), fc.integer({ min: 0, max: 2 }))
      .map(([n, scale]) => {
        const s = n.toString().padStart(scale + 1, '0');
        return scale ? `${s.slice(0, -scale)}.${s.slice(-scale)}` : s;
      });
    fc.assert(
      fc.property(amount, amount, (a, limit) => {
        const over = toMinor(a, 'PAB')! > toMinor(limit, 'PAB')!;
        expect(amountProblem(a, 'PAB', limit) !== null).toBe(over);
        expect(smaller(a, limit, 'PAB')).toBe(over ? limit : a);
      }),
    );
  });

  it('tells the same rate written two ways (1.10 and 1.1) from another', () => {
    expect(sameRate('1.10', '1.1')).toBe(true);
    expect(sameRate('1', '1.000000')).toBe(true);
    expect(sameRate('1.1', '1.11')).toBe(false);
    expect(sameRate('01.5', '1.5')).toBe(true);
  });
});
