/**
 * The one catalogue of every `extensions.code` the API answers with: the business refusals of
 * DomainError (errors.ts), the gateway's and the HTTP layer's own, and the few Apollo Server emits.
 * The schema's `ErrorCode` enum (subgraphs/tenancy/src/schema/error-codes.graphql) and the README's
 * Errors list are generated from it by `pnpm schema:compose` (schema/error-codes.ts), and
 * `pnpm schema:check` fails when either is stale. test/schema/error-codes.test.ts fails when the
 * source throws a code that is not here.
 */
export type ErrorGroup =
  | 'access'
  | 'HTTP and the request itself'
  | 'availability'
  | 'rate'
  | 'demand'
  | 'input'
  | 'posting'
  | 'documents'
  | 'control accounts'
  | 'chart of accounts'
  | 'investigation'
  | 'FX'
  | 'partner integrations'
  | 'firm administration'
  | 'periods'
  | 'backups'
  | 'bank';

/**
 * Each group as the schema's `ErrorGroup` enum names it (SCREAMING_SNAKE), with what it gathers:
 * `ErrorCodeInfo.errorGroup` answers the value, the README's list keeps the group's own words.
 */
export const ERROR_GROUPS = {
  access: {
    value: 'ACCESS',
    description: 'Who the caller is and what they may do: tokens, memberships, permissions.',
  },
  'HTTP and the request itself': {
    value: 'HTTP',
    description: 'The HTTP request itself: its method, media type, size, shape, or an operation not served.',
  },
  availability: {
    value: 'AVAILABILITY',
    description: "A client's database or a service did not answer in time.",
  },
  rate: {
    value: 'RATE',
    description: 'Too many requests: the caller is throttled (retry after the time given).',
  },
  demand: {
    value: 'DEMAND',
    description: 'An operation too large or complex for the limits, refused before it runs.',
  },
  input: { value: 'INPUT', description: 'Arguments that are malformed, out of range or refer to nothing.' },
  posting: {
    value: 'POSTING',
    description: "The posting rules of the books: balance, accounts, dates, the books' integrity.",
  },
  documents: {
    value: 'DOCUMENTS',
    description: 'Invoices, bills, receipts, payments and notes: their life cycle and settlement.',
  },
  'control accounts': {
    value: 'CONTROL_ACCOUNTS',
    description: 'Receivable and payable control accounts, which only documents post to.',
  },
  'chart of accounts': {
    value: 'CHART_OF_ACCOUNTS',
    description:
      'Account and tax code maintenance: accounts created, renamed, deactivated and bound to roles; tax codes and their rates.',
  },
  investigation: {
    value: 'INVESTIGATION',
    description: "Read-only SQL investigations of one client's books.",
  },
  FX: { value: 'FX', description: 'Exchange rates: missing, stale, overridden or unknown currencies.' },
  'partner integrations': {
    value: 'PARTNER_INTEGRATIONS',
    description: "Partners' systems and entity keys: their grants, secrets and trusted documents.",
  },
  'firm administration': {
    value: 'FIRM_ADMINISTRATION',
    description: "The firm's clients, people, roles and settings.",
  },
  periods: {
    value: 'PERIODS',
    description: 'Posting periods, month-end closes, batches and the year-end close.',
  },
  backups: { value: 'BACKUPS', description: "Clients' backups, restores and legal holds." },
  bank: { value: 'BANK', description: 'Bank accounts, imported statements and their reconciliation.' },
} as const satisfies Record<ErrorGroup, { value: string; description: string }>;

export interface ErrorEntry {
  group: ErrorGroup;
  /** What it means and what the caller can do; Markdown code spans allowed. */
  description: string;
}

export const ERROR_CATALOGUE = {
  UNAUTHENTICATED: { group: 'access', description: 'No token, or a bad, expired or revoked one.' },
  FORBIDDEN: {
    group: 'access',
    description:
      'Not a member of that client, walled off it with `NO_ACCESS`, or a permission the field or mutation needs is missing.',
  },
  MEMBER_DEACTIVATED: {
    group: 'access',
    description:
      'HTTP 401: the signed-in person was deactivated by a FirmAdmin (`deactivateFirmMember`); refused at once, until reactivated.',
  },
  SELF_ACCESS_CHANGE: {
    group: 'access',
    description: "One's own memberships and roles are changed by someone else.",
  },
  BAD_REQUEST: {
    group: 'HTTP and the request itself',
    description:
      'HTTP 400: malformed JSON, a batched array, an operationName the document does not hold, an apollographql-client-name or -version header over 128 characters (extensions.header names it), or a request the endpoint does not take.',
  },
  PAYLOAD_TOO_LARGE: {
    group: 'HTTP and the request itself',
    description:
      "HTTP 413: a body over the caller's limit (1 MiB; 8 MiB for a caller who may post to the client), refused from its Content-Length before any of it is read, or as soon as a streamed body passes it. `limit`, `max` and `measured` say which.",
  },
  REQUEST_HEADERS_TOO_LARGE: {
    group: 'HTTP and the request itself',
    description:
      'HTTP 431: the request line and headers are over 16 KiB (a token that large is not one the gateway issues or accepts); refused before anything is read, and the connection is closed.',
  },
  REQUEST_TIMEOUT: {
    group: 'HTTP and the request itself',
    description:
      "HTTP 408: a request's headers did not all arrive within 66 s, or the whole request within 300 s; the connection is closed.",
  },
  UNSUPPORTED_MEDIA_TYPE: {
    group: 'HTTP and the request itself',
    description: 'HTTP 415: anything but `application/json`.',
  },
  EXPECTATION_FAILED: {
    group: 'HTTP and the request itself',
    description:
      'HTTP 417: an `Expect` header other than `100-continue`; the body is not read and the connection is closed.',
  },
  OPERATION_NOT_SUPPORTED: {
    group: 'HTTP and the request itself',
    description: 'HTTP 400: subscriptions are not served.',
  },
  GRAPHQL_PARSE_FAILED: {
    group: 'HTTP and the request itself',
    description: 'The query text is not GraphQL.',
  },
  GRAPHQL_VALIDATION_FAILED: {
    group: 'HTTP and the request itself',
    description: 'The query asks for a field, argument or type the schema does not have.',
  },
  PERSISTED_QUERY_NOT_FOUND: {
    group: 'HTTP and the request itself',
    description: 'An automatic persisted query hash the gateway does not know: send the query text with it.',
  },
  INTERNAL_SERVER_ERROR: {
    group: 'HTTP and the request itself',
    description:
      'Something unexpected; `extensions.correlationId` names it in the server log. Never a refusal of bad input.',
  },
  TENANT_UNAVAILABLE: {
    group: 'availability',
    description:
      "The client's database could not be reached, dropped the connection, or is so slow that the request waited its turn at the gateway in vain (`SUBGRAPH_FETCH_WAIT_MS`): retry shortly.",
  },
  TENANT_READ_ONLY: {
    group: 'availability',
    description:
      "The client's books are read-only: nothing was written. Either for a moment (a restore in place or a move is switching its database: retry after `extensions.retryAfterSeconds`), or because the client is archived (archiveClient: then `extensions.archived` is true, with no retry hint; unarchiveClient makes its books writable again).",
  },
  SERVICE_UNAVAILABLE: {
    group: 'availability',
    description:
      'The control plane or a service behind the gateway is unreachable, busy with your requests, or refused what the gateway forwarded: retry shortly. HTTP 503 with `Retry-After` when the control plane is.',
  },
  RATE_LIMITED: {
    group: 'rate',
    description: 'HTTP 429 with `Retry-After`; `extensions.retryAfterSeconds` says when to retry.',
  },
  QUERY_TOO_COMPLEX: {
    group: 'demand',
    description:
      'HTTP 400: the request exceeds a limit; `extensions.limit` names it (`tokens`, `depth`, `aliases`, `directives` or `cost`) with `max` and the `measured` value.',
  },
  BAD_USER_INPUT: {
    group: 'input',
    description:
      'A value the API does not accept; `extensions.field` names the field (money such as `"1e3"`, more decimals than the currency has or more than 13 digits before the point; a date outside 1900 to 9999; text with a NUL or an unpaired surrogate, or longer than its field allows — bounds in `docs/architecture/posting.md`; a page size past its maximum; a cursor another field returned).',
  },
  NOT_FOUND: { group: 'input', description: 'No such object (or an export link that is not served here).' },
  CONFLICT: {
    group: 'input',
    description: 'A duplicate code, or a race the database settled: read again and retry.',
  },
  TENANT_EXISTS: { group: 'input', description: 'A client with that slug already exists.' },
  NOT_A_SANDBOX: {
    group: 'input',
    description:
      'Only a sandbox client is ever deleted (deleteSandboxClient): a live client keeps its books, archive it instead (archiveClient). Nothing was written.',
  },
  SERVER_UNKNOWN: {
    group: 'input',
    description: 'No database server is registered under that name (`pnpm server list`).',
  },
  SERVER_NOT_ACCEPTING: {
    group: 'input',
    description:
      'The named database server takes no new clients: name another, or leave the server out to let the firm place the client.',
  },
  REASON_TOO_SHORT: {
    group: 'input',
    description:
      'The reason must have at least 20 characters that show (zero-width and direction characters do not count).',
  },
  IDEMPOTENCY_KEY_REUSED: {
    group: 'input',
    description:
      "An idempotency key sent again with another payload; `extensions.firstRequestAt` names the first request's time.",
  },
  NUMBERING_PREFIX_TAKEN: { group: 'input', description: 'Another document kind numbers with that prefix.' },
  UNBALANCED_ENTRY: { group: 'posting', description: 'Debits and credits differ.' },
  PERIOD_NOT_FOUND: {
    group: 'posting',
    description: 'No posting period covers the date (its fiscal year is not open).',
  },
  PERIOD_LOCKED: { group: 'posting', description: "The date's period is locked for this kind of posting." },
  BEFORE_OPENING_BALANCES: {
    group: 'posting',
    description:
      'Dated before the opening date of the live opening balances (`extensions.openingDate`, the date in `extensions.field`): the books start there. Post on or after it, or void the opening balances first.',
  },
  NOT_EDITABLE: { group: 'posting', description: 'A posted or discarded draft or document.' },
  SELF_APPROVAL: {
    group: 'posting',
    description:
      'Someone who wrote none of a draft approves it: neither its creator nor anyone who changed it.',
  },
  ALREADY_VOIDED: { group: 'posting', description: 'The entry or document is already voided.' },
  CANNOT_VOID: {
    group: 'posting',
    description:
      'Reversals and closing entries cannot be voided; entries a document posted are voided through it.',
  },
  ALREADY_REVERSED: {
    group: 'posting',
    description:
      'An accrual whose scheduled reversal is posted cannot be voided (that would reverse it twice): post a correcting entry.',
  },
  NOT_A_BANK_ACCOUNT: {
    group: 'bank',
    description: 'The account is not bound to the Bank role: bind it with `bindBankAccount` first.',
  },
  STATEMENT_FORMAT_INVALID: {
    group: 'bank',
    description:
      'The statement file cannot be read as the format named (or breaks a bound: size, lines, decimals, dates); `extensions.line` says where when known. Nothing was imported.',
  },
  STATEMENT_DUPLICATE: {
    group: 'bank',
    description:
      'This statement was already imported for this bank account (same content, or the same bank statement id): `extensions.statementId` names it.',
  },
  STATEMENT_GAP: {
    group: 'bank',
    description:
      "The statement's opening balance is not the previous statement's closing balance (or it starts before that one ends): import the statements in between first.",
  },
  STATEMENT_UNBALANCED: {
    group: 'bank',
    description:
      "The statement's lines do not sum from its opening balance to its closing balance, or an opening or closing balance given is not the file's own (`extensions.field` names it).",
  },
  STATEMENT_MATCHED: {
    group: 'bank',
    description:
      'A line of the statement is in a live match: unmatch it (`unmatchBankLines`, with a reason) before deleting the statement.',
  },
  STATEMENT_NOT_LATEST: {
    group: 'bank',
    description:
      "Only a bank account's latest statement can be deleted (the next one's opening balance follows it): delete the later ones first.",
  },
  BANK_LINE_ALREADY_MATCHED: {
    group: 'bank',
    description:
      'A statement line or GL line is already in a live match (perhaps someone else matched it a moment ago): unmatch it first.',
  },
  BANK_MATCH_AMOUNTS_DIFFER: {
    group: 'bank',
    description: 'The statement lines and GL lines of a match must sum to exactly the same amount.',
  },
  BANK_RECONCILED: {
    group: 'bank',
    description:
      'The entry has lines matched to a bank statement: unmatch them (`unmatchBankLines`, with a reason) before voiding it.',
  },
  PARTY_HAS_OPEN_ITEMS: {
    group: 'documents',
    description:
      'The customer or vendor still has drafts, open invoices or bills, credit on account or active recurring templates naming it (counts in `extensions`): post or discard the drafts, settle, write off or refund, end the templates, then deactivate.',
  },
  DOCUMENT_HAS_SETTLEMENTS: {
    group: 'documents',
    description: 'Void the receipts and notes that settle it first.',
  },
  OPENING_BALANCES_INVALID: {
    group: 'documents',
    description:
      'The opening balances have problems (all of them in `extensions.problems`: index, field, code, message); nothing was posted. A dry run lists the same.',
  },
  OPENING_BALANCES_EXIST: {
    group: 'documents',
    description: 'The client already has opening balances: void that import first.',
  },
  OVER_ALLOCATION: {
    group: 'documents',
    description: 'More allocated than the payment or the open invoice allows.',
  },
  CURRENCY_MISMATCH: {
    group: 'documents',
    description: "A settlement in another currency than its invoice's.",
  },
  SETTLEMENT_RATE_MISMATCH: {
    group: 'documents',
    description: "A note typed at another rate than its invoice's.",
  },
  CONTROL_ACCOUNT_REQUIRES_DOCUMENT: {
    group: 'control accounts',
    description:
      "A manual line on the receivable, the payable or a tax account that names no party: give the line's `partyId`, a customer on the receivable, a vendor on the payable.",
  },
  CONTROL_ACCOUNT_NOT_ALLOWED: {
    group: 'control accounts',
    description:
      "A document's line, or a receipt's or payment's bank account, coded to one of those accounts.",
  },
  ACCOUNT_CODE_TAKEN: {
    group: 'chart of accounts',
    description: 'Another account of the chart already has this code (active or not).',
  },
  ACCOUNT_HAS_BALANCE: {
    group: 'chart of accounts',
    description:
      'The account still carries a balance (deactivation), or the account chosen for a control role carries one (bindAccountRole): clear it with an entry first.',
  },
  ACCOUNT_HAS_ROLE: {
    group: 'chart of accounts',
    description:
      'The account is bound to a role (`extensions.roles`): bind the role to another account first.',
  },
  ACCOUNT_HAS_OPEN_DOCUMENTS: {
    group: 'chart of accounts',
    description:
      'Draft documents, journal-entry drafts or active recurring templates still name the account (`extensions.documents`, `extensions.journalDrafts`, `extensions.recurringTemplates`): post, edit or discard the drafts, change or deactivate the templates first.',
  },
  ROLE_ACCOUNT_TYPE_MISMATCH: {
    group: 'chart of accounts',
    description: "The account's type cannot carry the role (e.g. the receivable on a LIABILITY account).",
  },
  ROLE_ACCOUNT_CONFLICT: {
    group: 'chart of accounts',
    description:
      'A control role (receivable, payable, sales or purchase tax) shares its account with no other role.',
  },
  ROLE_HAS_OPEN_ITEMS: {
    group: 'chart of accounts',
    description:
      "The control role's current account still has open items (a party's balance on it is not zero): moving the role would part the subledger from its account.",
  },
  DOCUMENT_NOT_POSTED: {
    group: 'documents',
    description:
      'Only a posted document is rendered: a draft or a discarded one has no number and is not in the books.',
  },
  LEGAL_DETAILS_REQUIRED: {
    group: 'documents',
    description:
      "A sales document issued before the client's legal details (legal name, RUC and DV, address, tax regime) are set: updateLegalDetails first.",
  },
  TAX_RATE_DATE_IN_USE: {
    group: 'chart of accounts',
    description:
      'A new tax rate dated on or before a document that already uses the code (posted, or a draft): date it after them, or post, edit or discard the drafts.',
  },
  TAX_RETURN_NOT_AVAILABLE: {
    group: 'documents',
    description:
      "No tax return for the client's region: the ITBMS return is Panama's (region PA); another region plugs in its own report.",
  },
  INVESTIGATION_LIMIT: {
    group: 'investigation',
    description: 'Too many at once: two per person, three per client.',
  },
  INVESTIGATION_TOO_LARGE: { group: 'investigation', description: 'The answer passes 5 MB.' },
  QUERY_DISK_LIMIT: {
    group: 'investigation',
    description:
      'The statement needed more temporary disk space (sorts, hashes) than it may use — an investigation 256 MB, `extensions.limitKb` — and was cancelled: narrow it.',
  },
  RATE_NOT_AVAILABLE: {
    group: 'FX',
    description:
      "No exchange rate recent enough (the client's `fxStalenessDays`), for a query or a document's date.",
  },
  DOCUMENT_NOT_PERMITTED: {
    group: 'partner integrations',
    description:
      "A published document selects a field the integration's grants do not permit; `extensions.field` and `extensions.permissions` name them.",
  },
  PERSISTED_DOCUMENT_REQUIRED: {
    group: 'partner integrations',
    description:
      "An integration — or the firm's staff, where the gateway runs only the console's documents for them (`STAFF_TRUSTED_DOCUMENTS_ONLY`) — sent a query's text instead of a `documentId`.",
  },
  PERSISTED_DOCUMENT_NOT_FOUND: {
    group: 'partner integrations',
    description:
      "No trusted document of that id: no live one of the integration's, or, from a person, none of the console's.",
  },
  LAST_FIRM_ADMIN: { group: 'firm administration', description: 'The firm always keeps one FirmAdmin.' },
  UNSUPPORTED_LOCALE: {
    group: 'firm administration',
    description:
      'A firm locale that is not a well-formed BCP 47 tag (`Intl.getCanonicalLocales`) or that the server cannot format numbers and dates in; `extensions.field` names it.',
  },
  INVALID_TRANSITION: { group: 'periods', description: 'No such step of the period or close state machine.' },
  CLOSE_REQUIRED: { group: 'periods', description: 'LOCKED only through an approved month-end close.' },
  YEAR_CLOSE_REQUIRED: { group: 'periods', description: 'CLOSED only through the year-end close.' },
  CLOSE_IN_PROGRESS: { group: 'periods', description: 'A close of that month is already under way.' },
  CHECKLIST_INCOMPLETE: { group: 'periods', description: "The close's checklist still has open items." },
  EARLIER_PERIOD_NOT_LOCKED: {
    group: 'periods',
    description: 'Every earlier month of the fiscal year must be LOCKED first.',
  },
  PERIOD_NOT_ENDED: {
    group: 'periods',
    description:
      "The month has not ended on the client's clock: its close is approved (the month LOCKED) from the day after its last day.",
  },
  LATER_PERIOD_LOCKED: { group: 'periods', description: 'A later month is locked: reopen it first.' },
  SAME_PERSON: {
    group: 'periods',
    description: 'Four eyes: someone else approves what you submitted or requested.',
  },
  YEAR_NOT_READY: {
    group: 'periods',
    description:
      "The year cannot be closed yet: it has not ended on the client's clock, a month is not LOCKED, or an earlier year is still OPEN.",
  },
  YEAR_CLOSED: { group: 'periods', description: 'The fiscal year is closed.' },
  YEAR_AUDITED: { group: 'periods', description: 'The fiscal year is audited and final.' },
  DRAFT_STALE: {
    group: 'periods',
    description:
      "A draft made from what has since changed: the year-end close when something in the year changed since it was prepared (prepare it again), or a document draft with a line taxed at a rate other than its tax code's rate in force on the document date (update the draft to price it again).",
  },
  BACKUP_NOT_FOUND: { group: 'backups', description: 'No backup of that id for a client you may see.' },
  BACKUP_INCOMPLETE: {
    group: 'backups',
    description: 'The backup has no sealed manifest, or a part is missing or short: it was never finished.',
  },
  BACKUP_TAMPERED: {
    group: 'backups',
    description: "The backup's seal or bytes differ from what was written: it is not restored.",
  },
  BACKUP_KEY_UNKNOWN: {
    group: 'backups',
    description:
      'The backup was encrypted under a key this server does not hold (`BACKUP_KEY`, `BACKUP_KEYS_OLD`).',
  },
  BACKUP_SCHEMA_NEWER: {
    group: 'backups',
    description: 'The backup was taken by a newer cifraHQ than this one: upgrade before restoring it.',
  },
  BACKUP_IN_PROGRESS: { group: 'backups', description: 'A backup of that client is already running.' },
  LEGAL_HOLD_EXISTS: {
    group: 'backups',
    description: "The client's backups are already under legal hold: release it before setting another.",
  },
  RESTORE_VERIFICATION_FAILED: {
    group: 'backups',
    description:
      'The restored books did not match the backup (chain head, trial balance or row counts): nothing was kept.',
  },
  RESTORE_IN_PROGRESS: {
    group: 'backups',
    description: 'A restore in place of that client is already running: wait for it to finish.',
  },
  RESTORE_REQUEST_NOT_PENDING: {
    group: 'backups',
    description:
      'The restore in place request is no longer PENDING (approved, restored, failed or withdrawn; `extensions.status` says which): it can be neither approved nor withdrawn.',
  },
  RESTORE_REQUEST_EXPIRED: {
    group: 'backups',
    description:
      'The restore in place request waited longer than `RESTORE_REQUEST_EXPIRES_HOURS` for its approval: it is EXPIRED. Ask again.',
  },
  RESTORE_DRILL_INTERRUPTED: {
    group: 'backups',
    description:
      "A restore drill's process ended before it finished (a drill's outcome, never a request's): the sweep dropped its scratch database. The next drill tries again.",
  },
} as const satisfies Record<string, ErrorEntry>;

export type ApiErrorCode = keyof typeof ERROR_CATALOGUE;
export const API_ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ApiErrorCode[];
