/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
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
  | 'MONTH_OPEN_OVERDUE';

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
  /** HTTP 413: a body over 5 MB. */
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

export const ConsoleBoardMonthFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleBoardMonth"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CloseBoard"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCount"}},{"kind":"Field","name":{"kind":"Name","value":"clientsConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"availability"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCode"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableReason"}},{"kind":"Field","name":{"kind":"Name","value":"periodState"}},{"kind":"Field","name":{"kind":"Name","value":"closeStatus"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleBoardMonthFragment, unknown>;
export const ConsoleMeDocument = {"__meta__":{"hash":"sha256:fbd321d640092b34f99f1cefb9faec65d9d5ffc401fe086e0908cd7a8cf8e823"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleMe"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"firmRole"}},{"kind":"Field","name":{"kind":"Name","value":"firm"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleMeQuery, ConsoleMeQueryVariables>;
export const ConsoleCloseBoardYearDocument = {"__meta__":{"hash":"sha256:e5574a733e8fd5486bf980911111786b83ba16bca4136631191a38a5e706468c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleCloseBoardYear"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"year"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"m01"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m02"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"2"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m03"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"3"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m04"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"4"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m05"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"5"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m06"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"6"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m07"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"7"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m08"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"8"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m09"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"9"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m10"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m11"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"11"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m12"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"12"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleBoardMonth"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CloseBoard"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCount"}},{"kind":"Field","name":{"kind":"Name","value":"clientsConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"availability"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCode"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableReason"}},{"kind":"Field","name":{"kind":"Name","value":"periodState"}},{"kind":"Field","name":{"kind":"Name","value":"closeStatus"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleCloseBoardYearQuery, ConsoleCloseBoardYearQueryVariables>;
export const ConsoleCloseExceptionsDocument = {"__meta__":{"hash":"sha256:7f331643f7ba028667e78b267f1240074e8529a5b5c2105fc3b0eb52e6c2ddfa"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleCloseExceptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"closeExceptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"daysOverdue"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"batchId"}},{"kind":"Field","name":{"kind":"Name","value":"failureCode"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCode"}}]}}]}}]} as unknown as DocumentNode<ConsoleCloseExceptionsQuery, ConsoleCloseExceptionsQueryVariables>;
export const ConsoleStaleRatesDocument = {"__meta__":{"hash":"sha256:cd6295ec93fecfb64d46484bc2e69d64159b7a250ae1211ddb73b1c9413ac4c0"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleStaleRates"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"staleRateUsage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCount"}},{"kind":"Field","name":{"kind":"Name","value":"clients"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clientId"}},{"kind":"Field","name":{"kind":"Name","value":"clientSlug"}},{"kind":"Field","name":{"kind":"Name","value":"clientName"}},{"kind":"Field","name":{"kind":"Name","value":"availability"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCode"}},{"kind":"Field","name":{"kind":"Name","value":"entryCount"}},{"kind":"Field","name":{"kind":"Name","value":"truncated"}}]}},{"kind":"Field","name":{"kind":"Name","value":"entries"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clientId"}},{"kind":"Field","name":{"kind":"Name","value":"entryId"}},{"kind":"Field","name":{"kind":"Name","value":"isFallback"}},{"kind":"Field","name":{"kind":"Name","value":"isOverride"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleStaleRatesQuery, ConsoleStaleRatesQueryVariables>;
export const ConsoleBoardMonthDetailDocument = {"__meta__":{"hash":"sha256:10a1dc1ac3fc7a996c543d63398ae086cc1220696705602cd51b2434a7473274"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleBoardMonthDetail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"year"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"month"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"clientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"Variable","name":{"kind":"Name","value":"month"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"clientsConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}},{"kind":"Argument","name":{"kind":"Name","value":"clientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"clientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"availability"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCode"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableReason"}},{"kind":"Field","name":{"kind":"Name","value":"periodId"}},{"kind":"Field","name":{"kind":"Name","value":"periodState"}},{"kind":"Field","name":{"kind":"Name","value":"closeStatus"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"lastTransition"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"byEmail"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}},{"kind":"Field","name":{"kind":"Name","value":"openChecklistItems"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleBoardMonthDetailQuery, ConsoleBoardMonthDetailQueryVariables>;