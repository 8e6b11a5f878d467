/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** A person to add to the firm (needs Firm.ManageUsers). */
export type AddFirmMemberInput = {
  /** The name to show. */
  displayName: string;
  /** Email address. */
  email: string;
  /** The firm-wide role; none when absent. */
  firmRole?: RoleCluster | null | undefined;
};

/** Where one client of a batch stands. */
export type BatchItemStatus =
  /** Applied to this client. */
  | 'DONE'
  /** Refused or failed; errorCode and errorMessage say why. */
  | 'FAILED'
  /** Waiting for a worker. */
  | 'PENDING'
  /** A worker is applying it now. */
  | 'RUNNING'
  /** The client was already where the action would take it; nothing done. */
  | 'SKIPPED';

/** Whether a batch still has work to do. */
export type BatchOperationStatus =
  /** Every item is DONE, FAILED or SKIPPED. */
  | 'FINISHED'
  /** Some items are still PENDING or RUNNING. */
  | 'RUNNING';

/** What a batch does to each client's month. */
export type BatchPeriodAction =
  /** Approve each client's close (never one you submitted): the month becomes LOCKED. */
  | 'APPROVE_CLOSE'
  /** Lock the month for purchasing postings. */
  | 'LOCK_PURCHASING'
  /** Lock the month for sales postings (as lockPeriod to LOCK_SALES). */
  | 'LOCK_SALES'
  /** Lock the month for sales and purchasing postings. */
  | 'LOCK_SALES_AND_PURCHASING'
  /** Start each client's month-end close (as startPeriodClose). */
  | 'START_CLOSE'
  /** Submit each client's close for approval. */
  | 'SUBMIT_CLOSE';

/** Whether a client's database answered the firm view (the same enum as the close board's). */
export type ClientAvailability =
  /** The client's database answered. */
  | 'AVAILABLE'
  /** It did not answer in time or refused: see unavailableCode. */
  | 'UNAVAILABLE';

/** Why a client's database could not be read for a firm-wide view. */
export type ClientUnavailableCode =
  /** Its database server refused the connection or is down. */
  | 'CONNECTION_REFUSED'
  /** Its database does not exist on the server the control plane names. */
  | 'DATABASE_NOT_FOUND'
  /** Anything else (logged on the server with the request id). */
  | 'ERROR'
  /** The server refused the client's own database login. */
  | 'LOGIN_REFUSED'
  /** It did not answer within the view's time limit (CLOSE_BOARD_CLIENT_TIMEOUT_MS). */
  | 'TIMEOUT';

/** What kind of attention a close exception needs. */
export type CloseExceptionKind =
  /** A close submitted and waiting for approval longer than allowed. */
  | 'APPROVAL_OVERDUE'
  /** A batch item that failed and was not redone since. */
  | 'BATCH_ITEM_FAILED'
  /** A client whose database did not answer, so its state is unknown. */
  | 'CLIENT_UNAVAILABLE'
  /** A month still not LOCKED more than the overdue days after it ended. */
  | 'MONTH_OPEN_OVERDUE'
  /**
   * A client with no backup taken within its backupVerifiedMaxAgeDays setting whose restore was
   * verified (daysOverdue: days since the newest verified one; null when none ever was).
   */
  | 'NO_VERIFIED_BACKUP';

/** The dashboard stage of a client for a month. */
export type CloseStage =
  /** The month is LOCKED by an approved close. */
  | 'CLOSED'
  /** A close is being prepared. */
  | 'DRAFT'
  /** No close in progress (none started, or the last one reopened); the month takes postings, maybe partly locked. */
  | 'OPEN'
  /** The close waits for someone else's approval. */
  | 'PENDING_APPROVAL'
  /** Its fiscal year is audited and final. */
  | 'YEAR_AUDITED'
  /** The month is CLOSED with its fiscal year. */
  | 'YEAR_CLOSED';

/**
 * Every code an error of this API carries in `extensions.code`. A refused request writes nothing;
 * branch on the code, show the message to a person.
 */
export type ErrorCode =
  /** The entry or document is already voided. */
  | 'ALREADY_VOIDED'
  /** The backup has no sealed manifest, or a part is missing or short: it was never finished. */
  | 'BACKUP_INCOMPLETE'
  /** A backup of that client is already running. */
  | 'BACKUP_IN_PROGRESS'
  /** The backup was encrypted under a key this server does not hold (`BACKUP_KEY`, `BACKUP_KEYS_OLD`). */
  | 'BACKUP_KEY_UNKNOWN'
  /** No backup of that id for a client you may see. */
  | 'BACKUP_NOT_FOUND'
  /** The backup was taken by a newer cifraHQ than this one: upgrade before restoring it. */
  | 'BACKUP_SCHEMA_NEWER'
  /** The backup's seal or bytes differ from what was written: it is not restored. */
  | 'BACKUP_TAMPERED'
  /** HTTP 400: malformed JSON, a batched array, or a request the endpoint does not take. */
  | 'BAD_REQUEST'
  /** A value the API does not accept; `extensions.field` names the field (money such as `"1e3"`, more decimals than the currency has or more than 13 digits before the point; a date outside 1900 to 9999; text with a NUL or an unpaired surrogate, or longer than its field allows — bounds in `docs/architecture/posting.md`; a page size past its maximum; a cursor another field returned). */
  | 'BAD_USER_INPUT'
  /** Reversals and closing entries cannot be voided; entries a document posted are voided through it. */
  | 'CANNOT_VOID'
  /** The close's checklist still has open items. */
  | 'CHECKLIST_INCOMPLETE'
  /** A close of that month is already under way. */
  | 'CLOSE_IN_PROGRESS'
  /** LOCKED only through an approved month-end close. */
  | 'CLOSE_REQUIRED'
  /** A duplicate code, or a race the database settled: read again and retry. */
  | 'CONFLICT'
  /** A document's line, or a receipt's or payment's bank account, coded to one of those accounts. */
  | 'CONTROL_ACCOUNT_NOT_ALLOWED'
  /** A manual line on the receivable, the payable or a tax account that names no party: give the line's `partyId`, a customer on the receivable, a vendor on the payable. */
  | 'CONTROL_ACCOUNT_REQUIRES_DOCUMENT'
  /** A settlement in another currency than its invoice's. */
  | 'CURRENCY_MISMATCH'
  /** Void the receipts and notes that settle it first. */
  | 'DOCUMENT_HAS_SETTLEMENTS'
  /** A published document selects a field the integration's grants do not permit; `extensions.field` and `extensions.permissions` name them. */
  | 'DOCUMENT_NOT_PERMITTED'
  /** Something in the year changed since the year-end close was prepared: prepare it again. */
  | 'DRAFT_STALE'
  /** Every earlier month of the fiscal year must be LOCKED first. */
  | 'EARLIER_PERIOD_NOT_LOCKED'
  /** Not a member of that client, walled off it with `NO_ACCESS`, or a permission the field or mutation needs is missing. */
  | 'FORBIDDEN'
  /** The query text is not GraphQL. */
  | 'GRAPHQL_PARSE_FAILED'
  /** The query asks for a field, argument or type the schema does not have. */
  | 'GRAPHQL_VALIDATION_FAILED'
  /** An idempotency key sent again with another payload; `extensions.firstRequestAt` names the first request's time. */
  | 'IDEMPOTENCY_KEY_REUSED'
  /** Something unexpected; `extensions.correlationId` names it in the server log. Never a refusal of bad input. */
  | 'INTERNAL_SERVER_ERROR'
  /** No such step of the period or close state machine. */
  | 'INVALID_TRANSITION'
  /** Too many at once: two per person, three per client. */
  | 'INVESTIGATION_LIMIT'
  /** The answer passes 5 MB. */
  | 'INVESTIGATION_TOO_LARGE'
  /** The firm always keeps one FirmAdmin. */
  | 'LAST_FIRM_ADMIN'
  /** A later month is locked: reopen it first. */
  | 'LATER_PERIOD_LOCKED'
  /** The client's backups are already under legal hold: release it before setting another. */
  | 'LEGAL_HOLD_EXISTS'
  /** A posted or discarded draft or document. */
  | 'NOT_EDITABLE'
  /** No such object (or an export link that is not served here). */
  | 'NOT_FOUND'
  /** Another document kind numbers with that prefix. */
  | 'NUMBERING_PREFIX_TAKEN'
  /** HTTP 400: subscriptions are not served. */
  | 'OPERATION_NOT_SUPPORTED'
  /** More allocated than the payment or the open invoice allows. */
  | 'OVER_ALLOCATION'
  /** HTTP 413: a body over the caller's limit (1 MiB; 8 MiB for a caller who may post to the client), refused from its Content-Length before any of it is read, or as soon as a streamed body passes it. `limit`, `max` and `measured` say which. */
  | 'PAYLOAD_TOO_LARGE'
  /** The date's period is locked for this kind of posting. */
  | 'PERIOD_LOCKED'
  /** No posting period covers the date (its fiscal year is not open). */
  | 'PERIOD_NOT_FOUND'
  /** No live trusted document of that id for the integration. */
  | 'PERSISTED_DOCUMENT_NOT_FOUND'
  /** An integration sent a query's text instead of a `documentId`. */
  | 'PERSISTED_DOCUMENT_REQUIRED'
  /** An automatic persisted query hash the gateway does not know: send the query text with it. */
  | 'PERSISTED_QUERY_NOT_FOUND'
  /** HTTP 400: the request exceeds a limit; `extensions.limit` names it (`tokens`, `depth`, `aliases`, `directives` or `cost`) with `max` and the `measured` value. */
  | 'QUERY_TOO_COMPLEX'
  /** HTTP 429 with `Retry-After`; `extensions.retryAfterSeconds` says when to retry. */
  | 'RATE_LIMITED'
  /** No exchange rate recent enough (the client's `fxStalenessDays`), for a query or a document's date. */
  | 'RATE_NOT_AVAILABLE'
  /** The reason must have at least 20 characters. */
  | 'REASON_TOO_SHORT'
  /** A restore drill's process ended before it finished (a drill's outcome, never a request's): the sweep dropped its scratch database. The next drill tries again. */
  | 'RESTORE_DRILL_INTERRUPTED'
  /** A restore in place of that client is already running: wait for it to finish. */
  | 'RESTORE_IN_PROGRESS'
  /** The restored books did not match the backup (chain head, trial balance or row counts): nothing was kept. */
  | 'RESTORE_VERIFICATION_FAILED'
  /** Four eyes: someone else approves what you submitted or requested. */
  | 'SAME_PERSON'
  /** One's own memberships and roles are changed by someone else. */
  | 'SELF_ACCESS_CHANGE'
  /** Someone other than the author approves a draft. */
  | 'SELF_APPROVAL'
  /** HTTP 503 with `Retry-After`: the control plane or a service behind the gateway is unreachable. */
  | 'SERVICE_UNAVAILABLE'
  /** A note typed at another rate than its invoice's. */
  | 'SETTLEMENT_RATE_MISMATCH'
  /** A client with that slug already exists. */
  | 'TENANT_EXISTS'
  /** The client's books are read-only for a moment (a restore in place is switching its database): nothing was written; retry after `extensions.retryAfterSeconds`. */
  | 'TENANT_READ_ONLY'
  /** The client's database could not be reached or dropped the connection: retry shortly. */
  | 'TENANT_UNAVAILABLE'
  /** No token, or a bad, expired or revoked one. */
  | 'UNAUTHENTICATED'
  /** Debits and credits differ. */
  | 'UNBALANCED_ENTRY'
  /** HTTP 415: anything but `application/json`. */
  | 'UNSUPPORTED_MEDIA_TYPE'
  /** The fiscal year is audited and final. */
  | 'YEAR_AUDITED'
  /** The fiscal year is closed. */
  | 'YEAR_CLOSED'
  /** CLOSED only through the year-end close. */
  | 'YEAR_CLOSE_REQUIRED'
  /** The year cannot be closed yet (open months or drafts). */
  | 'YEAR_NOT_READY';

/** Where a month-end close is in its workflow. */
export type MonthCloseStatus =
  /** Approved: the month is LOCKED. */
  | 'APPROVED'
  /** Started (or sent back), being prepared. */
  | 'DRAFT'
  /** Submitted, waiting for someone else's approval. */
  | 'PENDING_APPROVAL'
  /** The month was reopened after this close was approved; a new close starts from DRAFT. */
  | 'REOPENED';

/** A month's posting state, from open to closed with its year. */
export type PeriodState =
  /** Closed with its fiscal year by the year-end close. */
  | 'CLOSED'
  /** Refuses every posting; reached only through an approved month-end close. */
  | 'LOCKED'
  /** Refuses purchasing postings; takes the rest. */
  | 'LOCK_PURCHASING'
  /** Refuses sales postings; takes the rest. */
  | 'LOCK_SALES'
  /** Refuses sales and purchasing postings; takes manual adjustments. */
  | 'LOCK_SALES_AND_PURCHASING'
  /** Takes every posting. */
  | 'UNLOCKED';

/** What moved a period's posting state or its close. */
export type PeriodTransitionAction =
  /** approvePeriodClose approved the close and LOCKED the month. */
  | 'APPROVE_CLOSE'
  /** lockPeriod moved the posting state forward (UNLOCKED → LOCK_SALES …). */
  | 'LOCK'
  /** rejectPeriodClose sent the close back to DRAFT. */
  | 'REJECT_CLOSE'
  /** reopenPeriod moved the posting state back. */
  | 'REOPEN'
  /** approveYearEndCloseReversal took the month back out of CLOSED. */
  | 'REVERSE_YEAR_END_CLOSE'
  /** startPeriodClose opened the month-end close. */
  | 'START_CLOSE'
  /** submitPeriodClose sent the close for approval. */
  | 'SUBMIT_CLOSE'
  /** approveYearEndClose CLOSED the month with its year. */
  | 'YEAR_END_CLOSE';

/** A role cluster: a named set of permissions a person holds firm-wide or on one client. */
export type RoleCluster =
  /** A person of the client business: reads that client's books only. */
  | 'CLIENT_READ_ONLY'
  /** The outside auditor: reads the books and the audit trail, marks a year audited. */
  | 'EXTERNAL_REVIEWER'
  /** Runs the firm: people, roles, settings, clients, integrations, and everything a Senior does. */
  | 'FIRM_ADMIN'
  /** Drafts entries and documents for someone else to approve; reads the books. */
  | 'JUNIOR'
  /** Only on one client: an ethical wall that keeps the person away from it whatever their firm-wide role. */
  | 'NO_ACCESS'
  /** Posts, approves, voids and closes the books; manages people up to Senior. */
  | 'SENIOR';

/** A batch to start: clients, month, action and idempotency key. */
export type StartBatchPeriodOperationInput = {
  /** What moved it. */
  action: BatchPeriodAction;
  /** Retrying with the same key returns the same batch instead of starting another. */
  idempotencyKey?: string | null | undefined;
  /** Month of the year, 1 to 12. */
  month: number;
  /** Client slugs. */
  tenants: Array<string>;
  /** Calendar year (e.g. 2026). */
  year: number;
};

/** Whether a client can be used. */
export type TenantStatus =
  /** In use. */
  | 'ACTIVE'
  /** Its database is being created; not usable yet. */
  | 'PROVISIONING'
  /** Kept but not served. */
  | 'SUSPENDED';

export type ConsoleMeQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleMeQuery = { me: { id: string, email: string, displayName: string, firmRole: RoleCluster | null, firm: { id: string, name: string } } | null };

export type ConsoleBoardMonthFragment = { year: number, month: number, unavailableCount: number, clientsConnection: { edges: Array<{ node: { availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type ConsoleCloseBoardYearQueryVariables = Exact<{
  year: number;
  first: number;
  after?: string | null | undefined;
}>;


export type ConsoleCloseBoardYearQuery = { m01: { year: number, month: number, unavailableCount: number, clientsConnection: { edges: Array<{ node: { availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null, m02: { year: number, month: number, unavailableCount: number, clientsConnection: { edges: Array<{ node: { availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null, m03: { year: number, month: number, unavailableCount: number, clientsConnection: { edges: Array<{ node: { availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null, m04: { year: number, month: number, unavailableCount: number, clientsConnection: { edges: Array<{ node: { availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null, m05: { year: number, month: number, unavailableCount: number, clientsConnection: { edges: Array<{ node: { availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null, m06: { year: number, month: number, unavailableCount: number, clientsConnection: { edges: Array<{ node: { availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null, m07: { year: number, month: number, unavailableCount: number, clientsConnection: { edges: Array<{ node: { availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null, m08: { year: number, month: number, unavailableCount: number, clientsConnection: { edges: Array<{ node: { availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null, m09: { year: number, month: number, unavailableCount: number, clientsConnection: { edges: Array<{ node: { availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null, m10: { year: number, month: number, unavailableCount: number, clientsConnection: { edges: Array<{ node: { availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null, m11: { year: number, month: number, unavailableCount: number, clientsConnection: { edges: Array<{ node: { availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null, m12: { year: number, month: number, unavailableCount: number, clientsConnection: { edges: Array<{ node: { availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type ConsoleCloseExceptionsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleCloseExceptionsQuery = { closeExceptions: Array<{ kind: CloseExceptionKind, year: number | null, month: number | null, daysOverdue: number | null, since: string | null, message: string, batchId: string | null, failureCode: ErrorCode | null, unavailableCode: ClientUnavailableCode | null, client: { id: string, slug: string, name: string } }> | null };

export type ConsoleStaleRatesQueryVariables = Exact<{
  from: string;
  to: string;
}>;


export type ConsoleStaleRatesQuery = { staleRateUsage: { from: string, to: string, unavailableCount: number, clients: Array<{ clientId: string, clientSlug: string, clientName: string, availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, entryCount: number | null, truncated: boolean | null }>, entries: Array<{ clientId: string, entryId: string, isFallback: boolean, isOverride: boolean }> } | null };

export type ConsoleBoardMonthDetailQueryVariables = Exact<{
  year: number;
  month: number;
  clientId: string | number;
}>;


export type ConsoleBoardMonthDetailQuery = { closeBoard: { year: number, month: number, clientsConnection: { edges: Array<{ node: { availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodId: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string }, lastTransition: { action: PeriodTransitionAction, byEmail: string | null, at: string } | null, openChecklistItems: Array<{ code: string, description: string }> | null } }> } } | null };

export type ConsoleBatchClientsQueryVariables = Exact<{
  year: number;
  month: number;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ConsoleBatchClientsQuery = { closeBoard: { year: number, month: number, unavailableCount: number, clientsConnection: { edges: Array<{ node: { availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type ConsoleBatchFragment = { id: string, action: BatchPeriodAction, year: number, month: number, status: BatchOperationStatus, requestedByEmail: string, createdAt: string, finishedAt: string | null, counts: { pending: number, running: number, done: number, failed: number, skipped: number }, items: Array<{ id: string, status: BatchItemStatus, attempts: number, errorCode: string | null, errorMessage: string | null, stateBefore: string | null, stateAfter: string | null, client: { id: string, slug: string, name: string } }> };

export type ConsoleStartBatchMutationVariables = Exact<{
  input: StartBatchPeriodOperationInput;
}>;


export type ConsoleStartBatchMutation = { startBatchPeriodOperation: { id: string, action: BatchPeriodAction, year: number, month: number, status: BatchOperationStatus, requestedByEmail: string, createdAt: string, finishedAt: string | null, counts: { pending: number, running: number, done: number, failed: number, skipped: number }, items: Array<{ id: string, status: BatchItemStatus, attempts: number, errorCode: string | null, errorMessage: string | null, stateBefore: string | null, stateAfter: string | null, client: { id: string, slug: string, name: string } }> } | null };

export type ConsoleBatchOperationQueryVariables = Exact<{
  id: string | number;
}>;


export type ConsoleBatchOperationQuery = { batchOperation: { id: string, action: BatchPeriodAction, year: number, month: number, status: BatchOperationStatus, requestedByEmail: string, createdAt: string, finishedAt: string | null, counts: { pending: number, running: number, done: number, failed: number, skipped: number }, items: Array<{ id: string, status: BatchItemStatus, attempts: number, errorCode: string | null, errorMessage: string | null, stateBefore: string | null, stateAfter: string | null, client: { id: string, slug: string, name: string } }> } | null };

export type ConsoleRecentBatchesQueryVariables = Exact<{
  limit: number;
}>;


export type ConsoleRecentBatchesQuery = { batchOperations: Array<{ id: string, action: BatchPeriodAction, year: number, month: number, status: BatchOperationStatus, requestedByEmail: string, createdAt: string, counts: { pending: number, running: number, done: number, failed: number, skipped: number } }> | null };

export type ConsoleMyClientsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleMyClientsQuery = { tenants: Array<{ id: string, slug: string, assignedRole: RoleCluster | null }> | null };

export type ConsoleMemberFragment = { userId: string, email: string, displayName: string, active: boolean, firmRole: RoleCluster | null, memberSince: string, clientRoles: Array<{ role: RoleCluster, tenant: { id: string, slug: string, name: string } }> };

export type ConsoleFirmMembersQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleFirmMembersQuery = { firmMembers: Array<{ userId: string, email: string, displayName: string, active: boolean, firmRole: RoleCluster | null, memberSince: string, clientRoles: Array<{ role: RoleCluster, tenant: { id: string, slug: string, name: string } }> }> | null };

export type ConsoleRoleClientsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleRoleClientsQuery = { tenants: Array<{ id: string, slug: string, name: string, status: TenantStatus }> | null };

export type ConsoleAddFirmMemberMutationVariables = Exact<{
  input: AddFirmMemberInput;
}>;


export type ConsoleAddFirmMemberMutation = { addFirmMember: { userId: string, email: string, displayName: string, active: boolean, firmRole: RoleCluster | null, memberSince: string, clientRoles: Array<{ role: RoleCluster, tenant: { id: string, slug: string, name: string } }> } | null };

export type ConsoleChangeFirmRoleMutationVariables = Exact<{
  userId: string | number;
  role?: RoleCluster | null | undefined;
  reason?: string | null | undefined;
}>;


export type ConsoleChangeFirmRoleMutation = { changeFirmRole: { userId: string, email: string, displayName: string, active: boolean, firmRole: RoleCluster | null, memberSince: string, clientRoles: Array<{ role: RoleCluster, tenant: { id: string, slug: string, name: string } }> } | null };

export type ConsoleRemoveFirmMemberMutationVariables = Exact<{
  userId: string | number;
  reason: string;
}>;


export type ConsoleRemoveFirmMemberMutation = { removeFirmMember: { userId: string, email: string, displayName: string, active: boolean, firmRole: RoleCluster | null, memberSince: string, clientRoles: Array<{ role: RoleCluster, tenant: { id: string, slug: string, name: string } }> } | null };

export type ConsoleAssignClientRoleMutationVariables = Exact<{
  userId: string | number;
  tenant: string;
  role: RoleCluster;
  reason?: string | null | undefined;
}>;


export type ConsoleAssignClientRoleMutation = { assignClientRole: { userId: string, email: string, displayName: string, active: boolean, firmRole: RoleCluster | null, memberSince: string, clientRoles: Array<{ role: RoleCluster, tenant: { id: string, slug: string, name: string } }> } | null };

export type ConsoleRevokeClientRoleMutationVariables = Exact<{
  userId: string | number;
  tenant: string;
  reason: string;
}>;


export type ConsoleRevokeClientRoleMutation = { revokeClientRole: { userId: string, email: string, displayName: string, active: boolean, firmRole: RoleCluster | null, memberSince: string, clientRoles: Array<{ role: RoleCluster, tenant: { id: string, slug: string, name: string } }> } | null };

export const ConsoleBoardMonthFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleBoardMonth"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CloseBoard"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCount"}},{"kind":"Field","name":{"kind":"Name","value":"clientsConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"availability"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCode"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableReason"}},{"kind":"Field","name":{"kind":"Name","value":"periodState"}},{"kind":"Field","name":{"kind":"Name","value":"closeStatus"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleBoardMonthFragment, unknown>;
export const ConsoleBatchFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleBatch"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"BatchOperation"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"requestedByEmail"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"counts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pending"}},{"kind":"Field","name":{"kind":"Name","value":"running"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"skipped"}}]}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"errorCode"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"stateBefore"}},{"kind":"Field","name":{"kind":"Name","value":"stateAfter"}}]}}]}}]} as unknown as DocumentNode<ConsoleBatchFragment, unknown>;
export const ConsoleMemberFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleMember"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FirmMember"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"firmRole"}},{"kind":"Field","name":{"kind":"Name","value":"memberSince"}},{"kind":"Field","name":{"kind":"Name","value":"clientRoles"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"tenant"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleMemberFragment, unknown>;
export const ConsoleMeDocument = {"__meta__":{"hash":"sha256:fbd321d640092b34f99f1cefb9faec65d9d5ffc401fe086e0908cd7a8cf8e823"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleMe"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"firmRole"}},{"kind":"Field","name":{"kind":"Name","value":"firm"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleMeQuery, ConsoleMeQueryVariables>;
export const ConsoleCloseBoardYearDocument = {"__meta__":{"hash":"sha256:e5574a733e8fd5486bf980911111786b83ba16bca4136631191a38a5e706468c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleCloseBoardYear"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"year"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"m01"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m02"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"2"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m03"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"3"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m04"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"4"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m05"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"5"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m06"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"6"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m07"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"7"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m08"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"8"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m09"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"9"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m10"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m11"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"11"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m12"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"12"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleBoardMonth"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CloseBoard"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCount"}},{"kind":"Field","name":{"kind":"Name","value":"clientsConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"availability"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCode"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableReason"}},{"kind":"Field","name":{"kind":"Name","value":"periodState"}},{"kind":"Field","name":{"kind":"Name","value":"closeStatus"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleCloseBoardYearQuery, ConsoleCloseBoardYearQueryVariables>;
export const ConsoleCloseExceptionsDocument = {"__meta__":{"hash":"sha256:7f331643f7ba028667e78b267f1240074e8529a5b5c2105fc3b0eb52e6c2ddfa"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleCloseExceptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"closeExceptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"daysOverdue"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"batchId"}},{"kind":"Field","name":{"kind":"Name","value":"failureCode"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCode"}}]}}]}}]} as unknown as DocumentNode<ConsoleCloseExceptionsQuery, ConsoleCloseExceptionsQueryVariables>;
export const ConsoleStaleRatesDocument = {"__meta__":{"hash":"sha256:cd6295ec93fecfb64d46484bc2e69d64159b7a250ae1211ddb73b1c9413ac4c0"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleStaleRates"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"staleRateUsage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCount"}},{"kind":"Field","name":{"kind":"Name","value":"clients"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clientId"}},{"kind":"Field","name":{"kind":"Name","value":"clientSlug"}},{"kind":"Field","name":{"kind":"Name","value":"clientName"}},{"kind":"Field","name":{"kind":"Name","value":"availability"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCode"}},{"kind":"Field","name":{"kind":"Name","value":"entryCount"}},{"kind":"Field","name":{"kind":"Name","value":"truncated"}}]}},{"kind":"Field","name":{"kind":"Name","value":"entries"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clientId"}},{"kind":"Field","name":{"kind":"Name","value":"entryId"}},{"kind":"Field","name":{"kind":"Name","value":"isFallback"}},{"kind":"Field","name":{"kind":"Name","value":"isOverride"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleStaleRatesQuery, ConsoleStaleRatesQueryVariables>;
export const ConsoleBoardMonthDetailDocument = {"__meta__":{"hash":"sha256:10a1dc1ac3fc7a996c543d63398ae086cc1220696705602cd51b2434a7473274"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleBoardMonthDetail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"year"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"month"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"clientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"Variable","name":{"kind":"Name","value":"month"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"clientsConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}},{"kind":"Argument","name":{"kind":"Name","value":"clientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"clientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"availability"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCode"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableReason"}},{"kind":"Field","name":{"kind":"Name","value":"periodId"}},{"kind":"Field","name":{"kind":"Name","value":"periodState"}},{"kind":"Field","name":{"kind":"Name","value":"closeStatus"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"lastTransition"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"byEmail"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}},{"kind":"Field","name":{"kind":"Name","value":"openChecklistItems"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleBoardMonthDetailQuery, ConsoleBoardMonthDetailQueryVariables>;
export const ConsoleBatchClientsDocument = {"__meta__":{"hash":"sha256:0841409e31115f3c7c6aab6b7316c3d59e00166cee140d6438a40cd72fa51383"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleBatchClients"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"year"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"month"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"Variable","name":{"kind":"Name","value":"month"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleBoardMonth"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CloseBoard"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCount"}},{"kind":"Field","name":{"kind":"Name","value":"clientsConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"availability"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCode"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableReason"}},{"kind":"Field","name":{"kind":"Name","value":"periodState"}},{"kind":"Field","name":{"kind":"Name","value":"closeStatus"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleBatchClientsQuery, ConsoleBatchClientsQueryVariables>;
export const ConsoleStartBatchDocument = {"__meta__":{"hash":"sha256:ad8a4259cf4e85740010baac2fb56ab7c77b7f28177d7a3f5d46c5e5fca5ac76"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleStartBatch"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"StartBatchPeriodOperationInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startBatchPeriodOperation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBatch"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleBatch"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"BatchOperation"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"requestedByEmail"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"counts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pending"}},{"kind":"Field","name":{"kind":"Name","value":"running"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"skipped"}}]}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"errorCode"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"stateBefore"}},{"kind":"Field","name":{"kind":"Name","value":"stateAfter"}}]}}]}}]} as unknown as DocumentNode<ConsoleStartBatchMutation, ConsoleStartBatchMutationVariables>;
export const ConsoleBatchOperationDocument = {"__meta__":{"hash":"sha256:1edbafafb7f171adc418ba99bc2f4fcc6d34de38d1a8e710585f33a8d6b7bd3b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleBatchOperation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"batchOperation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBatch"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleBatch"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"BatchOperation"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"requestedByEmail"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"counts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pending"}},{"kind":"Field","name":{"kind":"Name","value":"running"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"skipped"}}]}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"errorCode"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"stateBefore"}},{"kind":"Field","name":{"kind":"Name","value":"stateAfter"}}]}}]}}]} as unknown as DocumentNode<ConsoleBatchOperationQuery, ConsoleBatchOperationQueryVariables>;
export const ConsoleRecentBatchesDocument = {"__meta__":{"hash":"sha256:5ea3f0133fe36ea8b24ccf3fb64975ac4f073ed0ae092f58892dc292cc3dcf32"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleRecentBatches"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"batchOperations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"requestedByEmail"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"counts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pending"}},{"kind":"Field","name":{"kind":"Name","value":"running"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"skipped"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleRecentBatchesQuery, ConsoleRecentBatchesQueryVariables>;
export const ConsoleMyClientsDocument = {"__meta__":{"hash":"sha256:213e3d2c520cd9665c6e2d83458f3ef1139edf5413c0181a27fd96e305d2b9d0"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleMyClients"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tenants"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"assignedRole"}}]}}]}}]} as unknown as DocumentNode<ConsoleMyClientsQuery, ConsoleMyClientsQueryVariables>;
export const ConsoleFirmMembersDocument = {"__meta__":{"hash":"sha256:161bf151f50be35599cba56a3df8618ef85961c564194ba19522180bb63d521b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleFirmMembers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"firmMembers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleMember"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleMember"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FirmMember"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"firmRole"}},{"kind":"Field","name":{"kind":"Name","value":"memberSince"}},{"kind":"Field","name":{"kind":"Name","value":"clientRoles"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"tenant"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleFirmMembersQuery, ConsoleFirmMembersQueryVariables>;
export const ConsoleRoleClientsDocument = {"__meta__":{"hash":"sha256:92407c034486a2ef92aadad50ced3022e055c5f488ff67821f2641cf885ac517"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleRoleClients"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tenants"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<ConsoleRoleClientsQuery, ConsoleRoleClientsQueryVariables>;
export const ConsoleAddFirmMemberDocument = {"__meta__":{"hash":"sha256:5ae3713004d414db5e6421d8d4cf1ff8e5372351884c73bc13ef835d4e89bd70"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleAddFirmMember"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AddFirmMemberInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addFirmMember"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleMember"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleMember"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FirmMember"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"firmRole"}},{"kind":"Field","name":{"kind":"Name","value":"memberSince"}},{"kind":"Field","name":{"kind":"Name","value":"clientRoles"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"tenant"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleAddFirmMemberMutation, ConsoleAddFirmMemberMutationVariables>;
export const ConsoleChangeFirmRoleDocument = {"__meta__":{"hash":"sha256:8d025ce55b29d709e74c3d66d262933e784d0a8839783c6bd4925cdbaf2b9d6c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleChangeFirmRole"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"role"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"RoleCluster"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"changeFirmRole"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"role"},"value":{"kind":"Variable","name":{"kind":"Name","value":"role"}}},{"kind":"Argument","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleMember"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleMember"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FirmMember"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"firmRole"}},{"kind":"Field","name":{"kind":"Name","value":"memberSince"}},{"kind":"Field","name":{"kind":"Name","value":"clientRoles"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"tenant"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleChangeFirmRoleMutation, ConsoleChangeFirmRoleMutationVariables>;
export const ConsoleRemoveFirmMemberDocument = {"__meta__":{"hash":"sha256:eb18cce86ed67efc57718460cb93330ba9424dc021ada8d915fd631655c6f0d3"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleRemoveFirmMember"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"removeFirmMember"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleMember"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleMember"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FirmMember"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"firmRole"}},{"kind":"Field","name":{"kind":"Name","value":"memberSince"}},{"kind":"Field","name":{"kind":"Name","value":"clientRoles"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"tenant"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleRemoveFirmMemberMutation, ConsoleRemoveFirmMemberMutationVariables>;
export const ConsoleAssignClientRoleDocument = {"__meta__":{"hash":"sha256:d1a2be8031eb81a0c2a42a0e9969930260149cb8c824d663fe02776f3d52350d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleAssignClientRole"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"tenant"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"role"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RoleCluster"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"assignClientRole"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"tenant"},"value":{"kind":"Variable","name":{"kind":"Name","value":"tenant"}}},{"kind":"Argument","name":{"kind":"Name","value":"role"},"value":{"kind":"Variable","name":{"kind":"Name","value":"role"}}},{"kind":"Argument","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleMember"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleMember"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FirmMember"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"firmRole"}},{"kind":"Field","name":{"kind":"Name","value":"memberSince"}},{"kind":"Field","name":{"kind":"Name","value":"clientRoles"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"tenant"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleAssignClientRoleMutation, ConsoleAssignClientRoleMutationVariables>;
export const ConsoleRevokeClientRoleDocument = {"__meta__":{"hash":"sha256:13950270b1b8adb5ba778ef61d49097f76a6e7a6de4ed8f298e68a4578d9e0c7"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleRevokeClientRole"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"tenant"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeClientRole"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"tenant"},"value":{"kind":"Variable","name":{"kind":"Name","value":"tenant"}}},{"kind":"Argument","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleMember"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleMember"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FirmMember"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"firmRole"}},{"kind":"Field","name":{"kind":"Name","value":"memberSince"}},{"kind":"Field","name":{"kind":"Name","value":"clientRoles"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"tenant"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleRevokeClientRoleMutation, ConsoleRevokeClientRoleMutationVariables>;