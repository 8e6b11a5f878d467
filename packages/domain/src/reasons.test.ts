import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.ts';
import { countShown, MIN_REASON_LENGTH, requireReason } from './reasons.ts';

describe('requireReason', () => {
  it('returns the trimmed reason when it has at least 20 characters', () => {
    expect(requireReason('  Customer paid twice, refund issued  ')).toBe(
      'Customer paid twice, refund issued',
    );
    expect(requireReason('x'.repeat(MIN_REASON_LENGTH))).toBe('x'.repeat(20));
  });

  it.each([
    [null],
    [undefined],
    [''],
    ['too short'],
    ['x'.repeat(19)],
    [`   ${'x'.repeat(19)}      `],
    ['\n\t                         \t'],
    ['\u200b'.repeat(25)],
    [`${'\u200d\u2060\ufeff\u202e'.repeat(10)}short`],
    [`${'\u0000\u0007'.repeat(20)}x`],
    // Nineteen letters and a combining accent read as nineteen characters, not twenty.
    [`${'x'.repeat(18)}e\u0301`],
  ])('refuses %j with REASON_TOO_SHORT', (reason) => {
    try {
      requireReason(reason);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('REASON_TOO_SHORT');
      expect((e as DomainError).details.minLength).toBe(20);
    }
  });

  it('counts characters as read: a combining accent with its letter, an emoji as one', () => {
    expect(requireReason(`${'x'.repeat(19)}e\u0301`)).toBe(`${'x'.repeat(19)}e\u0301`);
    expect(requireReason('☕'.repeat(20))).toBe('☕'.repeat(20));
    expect(() => requireReason('☕'.repeat(19))).toThrow(DomainError);
  });

  it('keeps only what shows: no zero-width or direction characters, line breaks kept', () => {
    expect(requireReason('\u202eRefund issued twice to the customer\u200b')).toBe(
      'Refund issued twice to the customer',
    );
    expect(requireReason('Customer paid twice:\nrefund issued')).toBe('Customer paid twice:\nrefund issued');
  });

  it('counts characters, not UTF-16 units', () => {
    // 19 emoji are 38 UTF-16 units but 19 characters.
    expect(() => requireReason('😀'.repeat(19))).toThrow(DomainError);
    expect(requireReason('Reapertura corrección')).toBe('Reapertura corrección');
  });
});

/** What a person reads, counted the long way: grapheme clusters, as `countShown` counted them all before. */
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
const segments = (text: string) => [...segmenter.segment(text)].length;

describe('the characters a reason shows, counted', () => {
  it('as grapheme clusters, printable ASCII by its length included', () => {
    const ascii = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)) });
    fc.assert(
      fc.property(fc.oneof(ascii, fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), (text) => {
        expect(countShown(text)).toBe(segments(text));
      }),
      { numRuns: 5_000 },
    );
    // A CR and an LF are one; a tab, a line feed and a space each one; an e and its accent one.
    expect(countShown('a\r\nb')).toBe(3);
    expect(countShown('a\t\nb ')).toBe(5);
    expect(countShown('corrección')).toBe(countShown('correccio\u0301n'));
    // Twenty printable characters kept (trimmed), nineteen refused.
    expect(requireReason('  The customer closed!  ')).toBe('The customer closed!');
    expect(() => requireReason('The customer closed')).toThrow(/got 19/);
  });
});
