import { describe, expect, it } from 'vitest';
import { boundRequest, canonicalDecimal, payloadHash, withCanonicalDecimals } from './idempotency.ts';

describe('canonicalDecimal', () => {
  it.each([
    ['100.00', '100'],
    ['0100', '100'],
    ['1.50', '1.5'],
    ['01.2500', '1.25'],
    ['0.000', '0'],
    ['-0', '0'],
    ['-1.10', '-1.1'],
    ['0.05', '0.05'],
  ])('spells %s as %s', (text, canonical) => {
    expect(canonicalDecimal(text)).toBe(canonical);
  });

  it('leaves a canonical decimal as it is, so such a payload hashes as it did before', () => {
    for (const text of ['0', '5', '1.5', '-2.25', '1000000000000.01', '0.000000000001']) {
      expect(canonicalDecimal(text)).toBe(text);
    }
  });

  it('keeps text that is not a decimal, for its field to refuse', () => {
    for (const text of ['1e3', '', ' 5', '5.', '.5', 'abc']) expect(canonicalDecimal(text)).toBe(text);
  });
});

describe('boundRequest', () => {
  const fields = new Set(['amount', 'quantity']);

  it('canonicalises only the named members, at any depth', () => {
    expect(
      withCanonicalDecimals(
        { amount: '5.00', code: '007', lines: [{ quantity: '1.0', memo: '2.50' }], at: null },
        fields,
      ),
    ).toEqual({ amount: '5', code: '007', lines: [{ quantity: '1', memo: '2.50' }], at: null });
  });

  it('matches its own hash, the hash of the payload as sent, and nothing else', () => {
    const sent = { amount: '5.00', lines: [{ quantity: '2' }] };
    const bound = boundRequest('op', sent, fields);
    expect(bound.hash).toBe(payloadHash('op', { amount: '5', lines: [{ quantity: '2' }] }));
    expect(bound.matches(bound.hash)).toBe(true);
    expect(bound.matches(payloadHash('op', sent))).toBe(true);
    expect(bound.matches(payloadHash('op', { amount: '5.0', lines: [{ quantity: '2' }] }))).toBe(false);
    expect(bound.matches(payloadHash('other', sent))).toBe(false);
    expect(bound.matches(null)).toBe(false);
  });
});
