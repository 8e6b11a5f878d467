import { describe, expect, it } from 'vitest';
import { createTaxCodeInput } from '../src/tax-codes/tax-codes.ts';

describe('a tax code rate', () => {
  const ok = (ratePercent: string) =>
    createTaxCodeInput.safeParse({ code: 'T', name: 'T', ratePercent }).success;

  it('takes exact percentages from 0 to 100, with at most 3 decimals', () => {
    for (const r of ['0', '7', '7.5', '15', '99.999', '100', '100.000']) expect(ok(r), r).toBe(true);
  });

  it('refuses anything above 100, however little, and what is not an exact percentage', () => {
    for (const r of ['100.001', '101', '999', '7.5555', '-1', '1e2', '', 'ten']) expect(ok(r), r).toBe(false);
  });
});
