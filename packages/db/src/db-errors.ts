import { DomainError, type ErrorCode } from '@cifra/domain';

/**
 * The one translation of database errors into domain errors (docs/architecture/posting.md,
 * "Error translation"). drizzle-orm 0.45 wraps every failed query in `DrizzleQueryError` and keeps
 * the PostgreSQL error in `.cause`; pg itself may wrap again. Services never look at a SQLSTATE or
 * a constraint name: they ask `isUniqueViolation(err, Constraints.x)` for their fallback paths, or
 * let `translateDbError` name the refusal. Connection-class failures (08xxx, 57P0x, ECONNRESET …)
 * are not handled here: packages/db/src/unavailable.ts turns them into TENANT_UNAVAILABLE.
 */

/** SQLSTATEs this module understands (PostgreSQL appendix A). Only this file spells them. */
export const SqlState = {
  UNIQUE_VIOLATION: '23505',
  FOREIGN_KEY_VIOLATION: '23503',
  CHECK_VIOLATION: '23514',
  NOT_NULL_VIOLATION: '23502',
  EXCLUSION_VIOLATION: '23P01',
  NUMERIC_OUT_OF_RANGE: '22003',
  STRING_TOO_LONG: '22001',
  INVALID_TEXT_REPRESENTATION: '22P02',
  UNTRANSLATABLE_CHARACTER: '22P05',
  CHARACTER_NOT_IN_REPERTOIRE: '22021',
  DATETIME_OUT_OF_RANGE: '22008',
  SERIALIZATION_FAILURE: '40001',
  DEADLOCK_DETECTED: '40P01',
  QUERY_CANCELED: '57014',
  LOCK_NOT_AVAILABLE: '55P03',
  OBJECT_IN_USE: '55006',
  READ_ONLY_SQL_TRANSACTION: '25006',
  CONFIGURATION_LIMIT_EXCEEDED: '53400',
} as const;

export type DbErrorKind =
  | 'UNIQUE_VIOLATION'
  | 'FOREIGN_KEY_VIOLATION'
  | 'CHECK_VIOLATION'
  | 'NOT_NULL_VIOLATION'
  | 'EXCLUSION_VIOLATION'
  | 'OUT_OF_RANGE'
  | 'STRING_TOO_LONG'
  | 'INVALID_TEXT'
  | 'SERIALIZATION_FAILURE'
  | 'DEADLOCK'
  | 'QUERY_CANCELED'
  | 'LOCK_NOT_AVAILABLE'
  | 'OBJECT_IN_USE'
  | 'READ_ONLY'
  | 'TEMP_FILE_LIMIT'
  | 'OTHER';

const KIND_BY_STATE: Readonly<Record<string, DbErrorKind>> = {
  [SqlState.UNIQUE_VIOLATION]: 'UNIQUE_VIOLATION',
  [SqlState.FOREIGN_KEY_VIOLATION]: 'FOREIGN_KEY_VIOLATION',
  [SqlState.CHECK_VIOLATION]: 'CHECK_VIOLATION',
  [SqlState.NOT_NULL_VIOLATION]: 'NOT_NULL_VIOLATION',
  [SqlState.EXCLUSION_VIOLATION]: 'EXCLUSION_VIOLATION',
  [SqlState.NUMERIC_OUT_OF_RANGE]: 'OUT_OF_RANGE',
  [SqlState.DATETIME_OUT_OF_RANGE]: 'OUT_OF_RANGE',
  [SqlState.STRING_TOO_LONG]: 'STRING_TOO_LONG',
  [SqlState.INVALID_TEXT_REPRESENTATION]: 'INVALID_TEXT',
  [SqlState.UNTRANSLATABLE_CHARACTER]: 'INVALID_TEXT',
  [SqlState.CHARACTER_NOT_IN_REPERTOIRE]: 'INVALID_TEXT',
  [SqlState.SERIALIZATION_FAILURE]: 'SERIALIZATION_FAILURE',
  [SqlState.DEADLOCK_DETECTED]: 'DEADLOCK',
  [SqlState.QUERY_CANCELED]: 'QUERY_CANCELED',
  [SqlState.LOCK_NOT_AVAILABLE]: 'LOCK_NOT_AVAILABLE',
  [SqlState.OBJECT_IN_USE]: 'OBJECT_IN_USE',
  [SqlState.READ_ONLY_SQL_TRANSACTION]: 'READ_ONLY',
};

/**
 * Constraint names services refer to, in one list so that a renamed constraint breaks the build
 * here rather than a fallback path silently at run time.
 */
export const Constraints = {
  restoreInPlaceOneRunning: 'restore_in_place_one_running',
  journalEntryIdempotencyKey: 'journal_entries_idempotency_key_unique',
  journalEntryReversedOnce: 'journal_entries_reverses_entry_id_unique',
  entryVoidedOnce: 'voids_pkey',
  voidReversalOnce: 'voids_reversal_entry_id_unique',
  documentIdempotencyKey: 'documents_idempotency_key_unique',
  numberingPrefixUnique: 'numbering_prefixes_prefix_unique',
  itemCode: 'items_code_unique',
  partyCode: 'parties_kind_code',
  periodCloseOneLive: 'period_closes_one_live',
  integrationName: 'integrations_firm_name',
  integrationOidcClient: 'integrations_oidc_client_id_key',
  yearEndCloseOneApproved: 'year_end_closes_one_approved',
  yearEndCloseOneDraft: 'year_end_closes_one_draft',
  yearEndReversalOnePending: 'year_end_close_reversals_one_pending',
  tenantSlug: 'tenants_slug_unique',
  firmSlug: 'firms_slug_unique',
  tenantIdempotencyKey: 'tenants_idempotency_key_unique',
  tenantDatabaseName: 'tenants_database_name_unique',
  periodBatchIdempotency: 'period_batches_idempotency',
  periodBatchOneRunning: 'period_batches_one_running',
  controlAccountParty: 'gl_lines_control_account_party',
  accountCode: 'accounts_code_unique',
  taxCodePkey: 'tax_codes_pkey',
  bankStatementDigest: 'bank_statements_digest',
  bankStatementBankId: 'bank_statements_bank_id',
  bankStatementSeq: 'bank_statements_seq',
  bankMatchStatementLine: 'bank_match_items_statement_line',
  openingImportOneLive: 'opening_imports_one_live',
  entryBeforeOpening: 'journal_entries_before_opening',
  entryReverseOnReach: 'journal_entries_reverse_on_reach',
  bankMatchGlLine: 'bank_match_items_gl_line',
  voidNotBankReconciled: 'voids_not_bank_reconciled',
  bankStatementDeleteUnmatched: 'bank_statements_delete_unmatched',
} as const;
export type ConstraintName = (typeof Constraints)[keyof typeof Constraints];

/** What the database said, stripped of every wrapper. */
export interface DbError {
  kind: DbErrorKind;
  sqlState: string;
  constraint: string | null;
  table: string | null;
  column: string | null;
  message: string;
}

interface PgLike {
  code: string;
  message?: string;
  constraint?: string;
  table?: string;
  column?: string;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * The PostgreSQL error inside `err`, following `.cause` through drizzle's DrizzleQueryError and
 * any other wrapper (bounded: a cyclic cause chain must not hang a request). Node's own error
 * codes (ECONNRESET …) are not SQLSTATEs and yield null.
 */
export function pgErrorOf(err: unknown): PgLike | null {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && SQLSTATE.test(code)) return current as PgLike;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * A session's temporary files passed its `temp_file_limit` (the investigator login's,
 * INVESTIGATOR_TEMP_FILE_LIMIT): 53400, which other limits share, naming the setting and the limit
 * ("temporary file size exceeds temp_file_limit (262144kB)"; quoted since PostgreSQL 18).
 */
const TEMP_FILE_LIMIT = /temp_file_limit"? \((\d+)kB\)/;

function kindOf(pg: PgLike): DbErrorKind {
  if (pg.code === SqlState.CONFIGURATION_LIMIT_EXCEEDED && pg.message?.includes('temp_file_limit'))
    return 'TEMP_FILE_LIMIT';
  return KIND_BY_STATE[pg.code] ?? 'OTHER';
}

/** The database error behind `err`, classified; null when `err` did not come from PostgreSQL. */
export function dbErrorOf(err: unknown): DbError | null {
  const pg = pgErrorOf(err);
  if (!pg) return null;
  return {
    kind: kindOf(pg),
    sqlState: pg.code,
    constraint: pg.constraint ?? null,
    table: pg.table ?? null,
    column: pg.column ?? null,
    message: pg.message ?? '',
  };
}

/** Is `err` (however wrapped) a unique violation — of `constraint`, when one is named? */
export function isUniqueViolation(err: unknown, constraint?: ConstraintName): boolean {
  const db = dbErrorOf(err);
  return db?.kind === 'UNIQUE_VIOLATION' && (constraint === undefined || db.constraint === constraint);
}

/** Did the transaction lose a race PostgreSQL resolves by aborting one side (safe to retry whole)? */
export function isRetryableConflict(err: unknown): boolean {
  const kind = dbErrorOf(err)?.kind;
  return kind === 'SERIALIZATION_FAILURE' || kind === 'DEADLOCK';
}

interface Meaning {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * What a constraint's violation means to a client, for the paths where no service caught it with
 * more context (a service that knows the entry's number says so itself).
 */
const BY_CONSTRAINT: Readonly<Record<ConstraintName, Meaning>> = {
  restore_in_place_one_running: {
    code: 'RESTORE_IN_PROGRESS',
    message: 'A restore in place of this client is already running',
  },
  journal_entries_idempotency_key_unique: {
    code: 'CONFLICT',
    message: 'A concurrent request with this idempotency key is being posted; retry to get its entry',
  },
  journal_entries_reverses_entry_id_unique: {
    code: 'ALREADY_VOIDED',
    message: 'This entry was already voided',
  },
  voids_pkey: { code: 'ALREADY_VOIDED', message: 'This entry was already voided' },
  voids_reversal_entry_id_unique: { code: 'ALREADY_VOIDED', message: 'This entry was already voided' },
  documents_idempotency_key_unique: {
    code: 'CONFLICT',
    message: 'A concurrent request with this idempotency key is being saved; retry to get its document',
  },
  gl_lines_control_account_party: {
    code: 'CONTROL_ACCOUNT_REQUIRES_DOCUMENT',
    message: 'A manual line on a control account must name its party, so the subledger follows',
  },
  numbering_prefixes_prefix_unique: {
    code: 'NUMBERING_PREFIX_TAKEN',
    message: 'Another document kind already numbers with this prefix',
  },
  items_code_unique: { code: 'CONFLICT', message: 'An item with this code already exists' },
  accounts_code_unique: { code: 'ACCOUNT_CODE_TAKEN', message: 'Another account already has this code' },
  tax_codes_pkey: { code: 'CONFLICT', message: 'A tax code with this code already exists' },
  parties_kind_code: { code: 'CONFLICT', message: 'A party of this kind with this code already exists' },
  opening_imports_one_live: {
    code: 'OPENING_BALANCES_EXIST',
    message: 'The client already has opening balances: void them first',
  },
  journal_entries_before_opening: {
    code: 'BEFORE_OPENING_BALANCES',
    message: 'The entry is dated before the opening date of the live opening balances: the books start there',
  },
  journal_entries_reverse_on_reach: {
    code: 'BAD_USER_INPUT',
    message:
      "The accrual's reversal date is after the last day of the fiscal year after the books' last: no period could take it",
    details: { field: 'reverseOn' },
  },
  period_closes_one_live: {
    code: 'CLOSE_IN_PROGRESS',
    message: 'This month already has a close in progress',
  },
  year_end_closes_one_approved: {
    code: 'INVALID_TRANSITION',
    message: 'This fiscal year already has an approved year-end close',
  },
  year_end_closes_one_draft: {
    code: 'CONFLICT',
    message: 'This fiscal year already has a year-end close draft',
  },
  year_end_close_reversals_one_pending: {
    code: 'CONFLICT',
    message: "A reversal of this year's close is already waiting for approval",
  },
  tenants_slug_unique: { code: 'TENANT_EXISTS', message: 'A client with this slug already exists' },
  firms_slug_unique: { code: 'CONFLICT', message: 'A firm with this slug already exists' },
  tenants_idempotency_key_unique: {
    code: 'CONFLICT',
    message: 'A concurrent provisioning with this idempotency key is under way',
  },
  // A database holds one client's books (repointClient checks first; this is the race's answer).
  tenants_database_name_unique: { code: 'CONFLICT', message: "This database holds another client's books" },
  period_batches_idempotency: {
    code: 'CONFLICT',
    message: 'A batch with this idempotency key already exists',
  },
  period_batches_one_running: { code: 'CONFLICT', message: 'The same batch is already running' },
  bank_statements_digest: {
    code: 'STATEMENT_DUPLICATE',
    message: 'This statement was already imported for this bank account',
  },
  bank_statements_bank_id: {
    code: 'STATEMENT_DUPLICATE',
    message: 'A statement with this bank statement id was already imported for this bank account',
  },
  bank_statements_seq: {
    code: 'CONFLICT',
    message: 'Another statement of this bank account was imported at the same moment; retry',
  },
  bank_match_items_statement_line: {
    code: 'BANK_LINE_ALREADY_MATCHED',
    message: 'A statement line is already matched (perhaps a moment ago, by someone else)',
  },
  bank_match_items_gl_line: {
    code: 'BANK_LINE_ALREADY_MATCHED',
    message: 'A GL line is already matched (perhaps a moment ago, by someone else)',
  },
  voids_not_bank_reconciled: {
    code: 'BANK_RECONCILED',
    message: 'The entry has lines matched to a bank statement: unmatch them before voiding it',
  },
  bank_statements_delete_unmatched: {
    code: 'STATEMENT_MATCHED',
    message:
      'A line of this statement is matched (perhaps a moment ago): unmatch it before deleting the statement',
  },
  integrations_firm_name: { code: 'CONFLICT', message: 'The firm already has an integration of that name' },
  integrations_oidc_client_id_key: {
    code: 'CONFLICT',
    message: 'Another integration is registered under this OIDC client id',
  },
};

/** SQLSTATE classes that are the client's input reaching a database bound (not a bug of ours). */
const BY_KIND: Partial<Record<DbErrorKind, Meaning>> = {
  UNIQUE_VIOLATION: { code: 'CONFLICT', message: 'This conflicts with a record that already exists' },
  FOREIGN_KEY_VIOLATION: { code: 'NOT_FOUND', message: 'A record this refers to does not exist' },
  CHECK_VIOLATION: { code: 'BAD_USER_INPUT', message: 'A value is outside what the books accept' },
  OUT_OF_RANGE: { code: 'BAD_USER_INPUT', message: 'A value is out of range' },
  STRING_TOO_LONG: { code: 'BAD_USER_INPUT', message: 'A text value is too long' },
  INVALID_TEXT: {
    code: 'BAD_USER_INPUT',
    message: 'A value has characters or a format the books do not accept',
  },
  SERIALIZATION_FAILURE: { code: 'CONFLICT', message: 'A concurrent change conflicted with this one; retry' },
  DEADLOCK: { code: 'CONFLICT', message: 'A concurrent change conflicted with this one; retry' },
  QUERY_CANCELED: { code: 'CONFLICT', message: 'The database cancelled the statement (time limit); retry' },
  LOCK_NOT_AVAILABLE: { code: 'CONFLICT', message: 'The record is busy; retry' },
  TEMP_FILE_LIMIT: {
    code: 'QUERY_DISK_LIMIT',
    message:
      'The statement needed more temporary disk space than it may use and was cancelled: narrow it (a tighter WHERE, fewer rows, joins or sorts) and run it again',
  },
  // A client database made read-only while it is swapped (a restore in place, a move) or because the
  // client is archived (archiveClient): nothing was written. The database cannot say which.
  READ_ONLY: {
    code: 'TENANT_READ_ONLY',
    message:
      "This client's books are read-only: nothing was written. Either for a moment while its database is switched (retry in a few seconds), or because the client is archived (unarchive it first)",
    details: { retryAfterSeconds: 5 },
  },
};

/**
 * The domain error a database error means, or null when `err` is not a database error or means
 * nothing a client can act on (a bug: it stays INTERNAL_SERVER_ERROR). Details never carry the
 * server's message (it can name tables and values of other rows); they carry the constraint.
 */
export function translateDbError(err: unknown): DomainError | null {
  if (err instanceof DomainError) return err;
  const db = dbErrorOf(err);
  if (!db) return null;
  const meaning =
    (db.constraint ? BY_CONSTRAINT[db.constraint as ConstraintName] : undefined) ?? BY_KIND[db.kind];
  if (!meaning) return null;
  const limitKb = db.kind === 'TEMP_FILE_LIMIT' ? Number(TEMP_FILE_LIMIT.exec(db.message)?.[1]) : undefined;
  return new DomainError(meaning.code, meaning.message, {
    ...meaning.details,
    ...(limitKb ? { limitKb } : {}),
    sqlState: db.sqlState,
    ...(db.constraint ? { constraint: db.constraint } : {}),
  });
}
