import { createHash } from 'node:crypto';
import { canonicalJson, payloadHash, type SourceKind } from '@cifra/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EntryPayloadOf, entryHash, entryJson } from '../src/index.ts';

/**
 * An entry's idempotency hash is stored with its key: a retry must hash to exactly what the first
 * request stored, so the hash's text may never change. `entryJson` writes it straight from the
 * request; what it must equal, character for character, is the payload as the engine built it
 * before (kept here as the reference) through the generic `canonicalJson`, hashed as before.
 */
function entryPayload(req: EntryPayloadOf) {
  return {
    kind: req.kind,
    postingDate: req.postingDate,
    memo: req.memo,
    sourceId: req.sourceId ?? null,
    reversesEntryId: req.reversesEntryId ?? null,
    autoReverse: req.autoReverse ?? false,
    ...(req.reverseOn ? { reverseOn: req.reverseOn } : {}),
    lines: req.lines.map((l) => ({
      accountId: l.accountId,
      amountMinor: l.amountMinor,
      originalCurrency: l.originalCurrency,
      originalAmountMinor: l.originalAmountMinor,
      partyId: l.partyId ?? null,
      memo: l.memo ?? '',
    })),
  };
}
const hashBefore = (payload: unknown) =>
  createHash('sha256').update('journal_entry').update('\n').update(canonicalJson(payload)).digest('hex');

/** Any text: unicode, quotes, backslashes, control characters, lone surrogates. */
const text = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.constant(''));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const orNull = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.constant(null), fc.constant(undefined));
const amount = fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n });
const line = fc.record({
  accountId: fc.uuid(),
  amountMinor: amount,
  originalCurrency: fc.constantFrom('USD', 'EUR', 'JPY', 'PAB'),
  originalAmountMinor: amount,
  partyId: orNull(fc.uuid()),
  memo: maybe(text),
});
const request: fc.Arbitrary<EntryPayloadOf> = fc.record({
  kind: fc.constantFrom<SourceKind>(
    'MANUAL',
    'SALES_INVOICE',
    'CUSTOMER_RECEIPT',
    'REVERSAL',
    'BAD_DEBT_WRITE_OFF',
  ),
  postingDate: fc.constantFrom('2026-03-04', '2025-12-31'),
  memo: text,
  sourceId: orNull(fc.uuid()),
  reversesEntryId: orNull(fc.uuid()),
  autoReverse: maybe(fc.boolean()),
  reverseOn: fc.oneof(fc.constant(undefined), fc.constant(null), fc.constant(''), fc.constant('2026-04-01')),
  lines: fc.array(line, { maxLength: 6 }),
});

describe("an entry's idempotency hash", () => {
  it('is written as the generic canonical JSON of its payload wrote it, for any request', () => {
    fc.assert(
      fc.property(request, (req) => {
        expect(entryJson(req)).toBe(canonicalJson(entryPayload(req)));
        expect(entryHash(req)).toBe(hashBefore(entryPayload(req)));
      }),
      { numRuns: 2_000 },
    );
  });

  it('is the hash a key stored before this change was stored with', () => {
    // A posting's payload and the hash the engine stored for it at afc1906b (createHash, generic walk).
    const req: EntryPayloadOf = {
      kind: 'MANUAL',
      postingDate: '2026-03-04',
      memo: 'Café — "Ñandú" \\ 🧾',
      autoReverse: true,
      reverseOn: '2026-04-01',
      lines: [
        {
          accountId: '46f54d4b-f0f5-4624-9c02-6ea27f0b66b5',
          amountMinor: 10025n,
          originalCurrency: 'USD',
          originalAmountMinor: 10025n,
          partyId: null,
          memo: 'Servicio',
        },
        {
          accountId: '49bf307a-8618-4d96-9ba7-aec3cebe3058',
          amountMinor: -10025n,
          originalCurrency: 'USD',
          originalAmountMinor: -10025n,
        },
      ],
    };
    expect(entryHash(req)).toBe('c20153e4a344653d3d57b55df01611200b870f40838a0ab477e0384b24c653ad');
    expect(payloadHash('journal_entry', entryPayload(req))).toBe(entryHash(req));
  });
});
