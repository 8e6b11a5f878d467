import { DomainError } from './errors.ts';

/** The shortest reason a reverse transition accepts (reopen, reverse a close, void, rate override). */
export const MIN_REASON_LENGTH = 20;

/**
 * The reason for a reverse transition, trimmed, or `REASON_TOO_SHORT` when it has fewer than
 * {@link MIN_REASON_LENGTH} characters. Call it before anything is written: the refusal must
 * leave the books untouched. Length counts characters (code points), not UTF-16 units, so
 * "Reapertura por corrección" counts as a person reads it.
 */
export function requireReason(reason: string | null | undefined): string {
  const trimmed = (reason ?? '').trim();
  const length = [...trimmed].length;
  if (length < MIN_REASON_LENGTH) {
    throw new DomainError(
      'REASON_TOO_SHORT',
      `A reason of at least ${MIN_REASON_LENGTH} characters is required (got ${length}); it stays in the audit trail forever.`,
      { field: 'reason', minLength: MIN_REASON_LENGTH, length },
    );
  }
  return trimmed;
}
