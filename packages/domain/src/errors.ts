import type { ApiErrorCode } from './error-catalogue.ts';

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
  // An auto-reversing entry whose scheduled reversal is posted (docs/architecture/posting.md).
  'ALREADY_REVERSED',
  'NOT_EDITABLE',
  'SELF_APPROVAL',
  'FORBIDDEN',
  'IDEMPOTENCY_KEY_REUSED',
  'NUMBERING_PREFIX_TAKEN',
  // Periods, month-end close and year-end close (docs/architecture/periods.md).
  'INVALID_TRANSITION',
  'CLOSE_REQUIRED',
  'CLOSE_IN_PROGRESS',
  'CHECKLIST_INCOMPLETE',
  'EARLIER_PERIOD_NOT_LOCKED',
  'PERIOD_NOT_ENDED',
  'LATER_PERIOD_LOCKED',
  'SAME_PERSON',
  'YEAR_CLOSE_REQUIRED',
  'YEAR_NOT_READY',
  'YEAR_CLOSED',
  'YEAR_AUDITED',
  'DRAFT_STALE',
  'RATE_NOT_AVAILABLE',
  // Documents (sales, purchasing, settlement).
  'DOCUMENT_HAS_SETTLEMENTS',
  'PARTY_HAS_OPEN_ITEMS',
  'DOCUMENT_NOT_POSTED',
  'OVER_ALLOCATION',
  'CURRENCY_MISMATCH',
  'SETTLEMENT_RATE_MISMATCH',
  // Opening balances (docs/architecture/opening-balances.md).
  'OPENING_BALANCES_INVALID',
  'OPENING_BALANCES_EXIST',
  'BEFORE_OPENING_BALANCES',
  // Control accounts (DefaultAR, DefaultAP, the tax accounts): docs/architecture/documents.md.
  'CONTROL_ACCOUNT_REQUIRES_DOCUMENT',
  'CONTROL_ACCOUNT_NOT_ALLOWED',
  // Account maintenance (docs/architecture/accounts.md).
  'ACCOUNT_CODE_TAKEN',
  'ACCOUNT_HAS_BALANCE',
  'ACCOUNT_HAS_ROLE',
  'ACCOUNT_HAS_OPEN_DOCUMENTS',
  'ROLE_ACCOUNT_TYPE_MISMATCH',
  'ROLE_ACCOUNT_CONFLICT',
  'ROLE_HAS_OPEN_ITEMS',
  // Legal details and tax codes (docs/architecture/legal-and-tax.md).
  'LEGAL_DETAILS_REQUIRED',
  'TAX_RATE_DATE_IN_USE',
  'TAX_RETURN_NOT_AVAILABLE',
  // Firm administration (memberships and roles).
  'LAST_FIRM_ADMIN',
  'UNSUPPORTED_LOCALE',
  'SELF_ACCESS_CHANGE',
  'MEMBER_DEACTIVATED',
  'INVESTIGATION_LIMIT',
  'TENANT_UNAVAILABLE',
  'SERVICE_UNAVAILABLE',
  'INVESTIGATION_TOO_LARGE',
  'QUERY_DISK_LIMIT',
  // Partner integrations' trusted documents (docs/partners.md).
  'DOCUMENT_NOT_PERMITTED',
  'PERSISTED_DOCUMENT_REQUIRED',
  'PERSISTED_DOCUMENT_NOT_FOUND',
  // Client backups and restores (docs/architecture/backups.md).
  'BACKUP_NOT_FOUND',
  'BACKUP_INCOMPLETE',
  'BACKUP_TAMPERED',
  'BACKUP_KEY_UNKNOWN',
  'BACKUP_SCHEMA_NEWER',
  'BACKUP_IN_PROGRESS',
  'LEGAL_HOLD_EXISTS',
  'RESTORE_VERIFICATION_FAILED',
  'RESTORE_IN_PROGRESS',
  'RESTORE_REQUEST_NOT_PENDING',
  'RESTORE_REQUEST_EXPIRED',
  // Bank statements and reconciliation (docs/architecture/bank.md).
  'NOT_A_BANK_ACCOUNT',
  'STATEMENT_FORMAT_INVALID',
  'STATEMENT_DUPLICATE',
  'STATEMENT_GAP',
  'STATEMENT_UNBALANCED',
  'STATEMENT_MATCHED',
  'STATEMENT_NOT_LATEST',
  'BANK_LINE_ALREADY_MATCHED',
  'BANK_MATCH_AMOUNTS_DIFFER',
  'BANK_RECONCILED',
  // A client database read-only while a restore in place switches it.
  'TENANT_READ_ONLY',
  // provisionTenant's named database server (docs/architecture/backups.md).
  'SERVER_UNKNOWN',
  'SERVER_NOT_ACCEPTING',
  // deleteSandboxClient on a live client (docs/architecture/tenancy.md, "Sandbox and archived clients").
  'NOT_A_SANDBOX',
] as const satisfies readonly ApiErrorCode[];
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

/**
 * TENANT_EXISTS for a slug a client already has, or that one is being made under (`state`):
 * provisioning and a restore as a new client refuse alike.
 */
export function tenantExists(slug: string, state = 'already exists'): DomainError {
  return new DomainError('TENANT_EXISTS', `A client with slug ${slug} ${state}`, { slug });
}

export function badInput(message: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError('BAD_USER_INPUT', message, details);
}
