import { canonicalJson, payloadHash } from '@cifra/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// Every idempotency hash (journal entries, documents, write-offs, bank statements) is SHA-256 over
// canonicalJson: a key already stored must hash the same forever, so its output is pinned here to
// its definition — the value with object keys sorted at every level (undefined members dropped,
// bigints and dates as strings), then JSON.stringify — over arbitrary values.

/** The definition, spelled the plain way. */
function normalized(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : normalized(v)));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, normalized(v)]),
    );
  }
  return value;
}

const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    fc.string({ unit: 'binary' }),
    fc.bigInt(),
    fc.date({ noInvalidDate: true }),
    fc.array(fc.oneof(tie('value'), fc.constant(undefined)), { maxLength: 5 }),
    fc.dictionary(
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.oneof(tie('value'), fc.constant(undefined)),
      {
        maxKeys: 6,
      },
    ),
  ),
}));

/** The same object with its keys inserted in another order (reversed, at every level). */
function reordered(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reordered);
  if (v === null || typeof v !== 'object' || v instanceof Date) return v;
  return Object.fromEntries(
    Object.entries(v)
      .reverse()
      .map(([k, m]) => [k, reordered(m)]),
  );
}

describe('canonicalJson', () => {
  it('is JSON.stringify of the value with its keys sorted, whatever the value', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(JSON.stringify(normalized(v)) ?? 'null');
      }),
      { numRuns: 2_000 },
    );
  });

  it('does not depend on the order the keys were written in', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(reordered(v))).toBe(canonicalJson(v));
      }),
    );
  });

  it('hashes a journal entry as it always has', () => {
    // Stored hashes compare against this: a change of the output is a change of every stored key's hash.
    const payload = {
      lines: [
        { memo: '', amountMinor: 10025n, accountId: 'a1', originalCurrency: 'PAB', partyId: null },
        { memo: 'ITBMS', amountMinor: -10025n, accountId: 'b2', originalCurrency: 'PAB', partyId: null },
      ],
      kind: 'MANUAL',
      postingDate: '2026-03-01',
      memo: 'café "fino"',
      sourceId: undefined,
    };
    expect(canonicalJson(payload)).toBe(
      '{"kind":"MANUAL","lines":[{"accountId":"a1","amountMinor":"10025","memo":"","originalCurrency":"PAB","partyId":null},' +
        '{"accountId":"b2","amountMinor":"-10025","memo":"ITBMS","originalCurrency":"PAB","partyId":null}],' +
        '"memo":"café \\"fino\\"","postingDate":"2026-03-01"}',
    );
    expect(payloadHash('journal_entry', payload)).toBe(
      '5594d4738eead5074805cfea18e10b4c7f557f0ffbefd5dff8f493f2b99a71e5',
    );
  });
});
