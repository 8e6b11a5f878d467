import { DomainError } from './errors.ts';

/** The shortest reason a reverse transition accepts (reopen, reverse a close, void, rate override). */
export const MIN_REASON_LENGTH = 20;

/**
 * Characters that show nothing: format characters (zero-width spaces and joiners, direction marks
 * and overrides, the byte-order mark) and control characters other than tab and line breaks.
 */
const INVISIBLE = /[\p{Cf}\p{Cc}]/gu;
const LINE_SPACING = new Set(['\t', '\n', '\r']);
const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Printable ASCII, tabs and line feeds: each one grapheme cluster of its own (a CR may pair with an LF). */
const ONE_EACH = /^[\x20-\x7e\t\n]*$/;

/**
 * How many characters a person reads in `text` (grapheme clusters). Text of printable ASCII alone is
 * counted by its length: segmenting it (several microseconds a reason, in every write-off, void and
 * reopening) counts the same (reasons.test.ts).
 */
export const countShown = (text: string): number => {
  if (ONE_EACH.test(text)) return text.length;
  let n = 0;
  for (const _ of GRAPHEMES.segment(text)) n += 1;
  return n;
};

/** `text` without what shows nothing (tabs and line breaks kept), trimmed: what a person reads. */
export const shownText = (text: string | null | undefined): string =>
  (text ?? '').replace(INVISIBLE, (c) => (LINE_SPACING.has(c) ? c : '')).trim();

/**
 * The reason for a reverse transition, without what shows nothing and trimmed, or
 * `REASON_TOO_SHORT` when it has fewer than {@link MIN_REASON_LENGTH} characters. Call it before
 * anything is written: the refusal must leave the books untouched. Length counts characters as a
 * person reads them (grapheme clusters), not UTF-16 units nor code points, so "Reapertura por
 * corrección" counts the same with a precomposed é or an e and a combining accent, and an emoji is
 * one; and only characters a person sees, so twenty zero-width spaces are no reason, and the trail
 * never keeps a direction override that would show a reason other than the one recorded.
 */
export function requireReason(reason: string | null | undefined): string {
  const shown = shownText(reason);
  const length = countShown(shown);
  if (length < MIN_REASON_LENGTH) {
    throw new DomainError(
      'REASON_TOO_SHORT',
      `A reason of at least ${MIN_REASON_LENGTH} characters is required (got ${length}); it stays in the audit trail forever.`,
      { field: 'reason', minLength: MIN_REASON_LENGTH, length },
    );
  }
  return shown;
}
