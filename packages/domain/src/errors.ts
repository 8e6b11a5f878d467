/**
 * Every business refusal the product can give, as a stable code clients can branch on.
 * Subgraphs turn a DomainError into a GraphQL error with `extensions.code` in one place.
 */
export const ErrorCodes = [
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'UNBALANCED_ENTRY',
  'PERIOD_NOT_FOUND',
  'PERIOD_LOCKED',
  'REASON_TOO_SHORT',
  'TENANT_EXISTS',
  'TENANT_UNAVAILABLE',
  'ALREADY_VOIDED',
  'CANNOT_VOID',
  'NOT_EDITABLE',
  'SELF_APPROVAL',
  'FORBIDDEN',
  'IDEMPOTENCY_KEY_REUSED',
] as const;
export type ErrorCode = (typeof ErrorCodes)[number];

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function badInput(message: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError('BAD_USER_INPUT', message, details);
}
