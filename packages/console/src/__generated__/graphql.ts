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

export type ConsoleBoardMonthFragment = { year: number, month: number, unavailableCount: number, clients: Array<{ availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } }> };

export type ConsoleCloseBoardYearQueryVariables = Exact<{
  year: number;
}>;


export type ConsoleCloseBoardYearQuery = { m01: { year: number, month: number, unavailableCount: number, clients: Array<{ availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } }> } | null, m02: { year: number, month: number, unavailableCount: number, clients: Array<{ availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } }> } | null, m03: { year: number, month: number, unavailableCount: number, clients: Array<{ availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } }> } | null, m04: { year: number, month: number, unavailableCount: number, clients: Array<{ availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } }> } | null, m05: { year: number, month: number, unavailableCount: number, clients: Array<{ availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } }> } | null, m06: { year: number, month: number, unavailableCount: number, clients: Array<{ availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } }> } | null, m07: { year: number, month: number, unavailableCount: number, clients: Array<{ availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } }> } | null, m08: { year: number, month: number, unavailableCount: number, clients: Array<{ availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } }> } | null, m09: { year: number, month: number, unavailableCount: number, clients: Array<{ availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } }> } | null, m10: { year: number, month: number, unavailableCount: number, clients: Array<{ availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } }> } | null, m11: { year: number, month: number, unavailableCount: number, clients: Array<{ availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } }> } | null, m12: { year: number, month: number, unavailableCount: number, clients: Array<{ availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string } }> } | null };

export type ConsoleCloseExceptionsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleCloseExceptionsQuery = { closeExceptions: Array<{ kind: CloseExceptionKind, year: number | null, month: number | null, daysOverdue: number | null, since: string | null, message: string, batchId: string | null, errorCode: string | null, client: { id: string, slug: string, name: string } }> | null };

export type ConsoleStaleRatesQueryVariables = Exact<{
  from: string;
  to: string;
}>;


export type ConsoleStaleRatesQuery = { staleRateUsage: { from: string, to: string, unavailableCount: number, clients: Array<{ clientId: string, clientSlug: string, clientName: string, availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, entryCount: number | null, truncated: boolean | null }>, entries: Array<{ clientId: string, entryId: string, isFallback: boolean, isOverride: boolean }> } | null };

export type ConsoleBoardMonthDetailQueryVariables = Exact<{
  year: number;
  month: number;
}>;


export type ConsoleBoardMonthDetailQuery = { closeBoard: { year: number, month: number, unavailableCount: number, clients: Array<{ periodId: string | null, availability: ClientAvailability, unavailableCode: ClientUnavailableCode | null, unavailableReason: string | null, periodState: PeriodState | null, closeStatus: MonthCloseStatus | null, stage: CloseStage | null, client: { id: string, slug: string, name: string }, lastTransition: { action: PeriodTransitionAction, byEmail: string | null, at: string } | null, openChecklistItems: Array<{ code: string, description: string }> | null }> } | null };

export const ConsoleBoardMonthFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleBoardMonth"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CloseBoard"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCount"}},{"kind":"Field","name":{"kind":"Name","value":"clients"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"availability"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCode"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableReason"}},{"kind":"Field","name":{"kind":"Name","value":"periodState"}},{"kind":"Field","name":{"kind":"Name","value":"closeStatus"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}}]}}]}}]} as unknown as DocumentNode<ConsoleBoardMonthFragment, unknown>;
export const ConsoleMeDocument = {"__meta__":{"hash":"sha256:fbd321d640092b34f99f1cefb9faec65d9d5ffc401fe086e0908cd7a8cf8e823"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleMe"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"firmRole"}},{"kind":"Field","name":{"kind":"Name","value":"firm"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleMeQuery, ConsoleMeQueryVariables>;
export const ConsoleCloseBoardYearDocument = {"__meta__":{"hash":"sha256:047ce8f583cc923c02f4a291e85352e13cd8c973312de50460845e88f492e4db"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleCloseBoardYear"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"year"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"m01"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m02"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"2"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m03"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"3"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m04"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"4"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m05"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"5"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m06"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"6"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m07"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"7"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m08"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"8"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m09"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"9"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m10"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m11"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"11"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"m12"},"name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"IntValue","value":"12"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleBoardMonth"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CloseBoard"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCount"}},{"kind":"Field","name":{"kind":"Name","value":"clients"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"availability"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCode"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableReason"}},{"kind":"Field","name":{"kind":"Name","value":"periodState"}},{"kind":"Field","name":{"kind":"Name","value":"closeStatus"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}}]}}]}}]} as unknown as DocumentNode<ConsoleCloseBoardYearQuery, ConsoleCloseBoardYearQueryVariables>;
export const ConsoleCloseExceptionsDocument = {"__meta__":{"hash":"sha256:271d48644e7cc21f4fb87bcfd712f46b64736cb3342efa73dd64521b188e3a61"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleCloseExceptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"closeExceptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"daysOverdue"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"batchId"}},{"kind":"Field","name":{"kind":"Name","value":"errorCode"}}]}}]}}]} as unknown as DocumentNode<ConsoleCloseExceptionsQuery, ConsoleCloseExceptionsQueryVariables>;
export const ConsoleStaleRatesDocument = {"__meta__":{"hash":"sha256:cd6295ec93fecfb64d46484bc2e69d64159b7a250ae1211ddb73b1c9413ac4c0"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleStaleRates"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"staleRateUsage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCount"}},{"kind":"Field","name":{"kind":"Name","value":"clients"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clientId"}},{"kind":"Field","name":{"kind":"Name","value":"clientSlug"}},{"kind":"Field","name":{"kind":"Name","value":"clientName"}},{"kind":"Field","name":{"kind":"Name","value":"availability"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCode"}},{"kind":"Field","name":{"kind":"Name","value":"entryCount"}},{"kind":"Field","name":{"kind":"Name","value":"truncated"}}]}},{"kind":"Field","name":{"kind":"Name","value":"entries"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clientId"}},{"kind":"Field","name":{"kind":"Name","value":"entryId"}},{"kind":"Field","name":{"kind":"Name","value":"isFallback"}},{"kind":"Field","name":{"kind":"Name","value":"isOverride"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleStaleRatesQuery, ConsoleStaleRatesQueryVariables>;
export const ConsoleBoardMonthDetailDocument = {"__meta__":{"hash":"sha256:9f9bb89c38a20deab6bb1ee993deec0aa2354b90f16241f6956e740338335def"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleBoardMonthDetail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"year"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"month"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"closeBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"Variable","name":{"kind":"Name","value":"month"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleBoardMonth"}},{"kind":"Field","name":{"kind":"Name","value":"clients"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"periodId"}},{"kind":"Field","name":{"kind":"Name","value":"lastTransition"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"byEmail"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}},{"kind":"Field","name":{"kind":"Name","value":"openChecklistItems"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleBoardMonth"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CloseBoard"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCount"}},{"kind":"Field","name":{"kind":"Name","value":"clients"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"availability"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableCode"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableReason"}},{"kind":"Field","name":{"kind":"Name","value":"periodState"}},{"kind":"Field","name":{"kind":"Name","value":"closeStatus"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}}]}}]}}]} as unknown as DocumentNode<ConsoleBoardMonthDetailQuery, ConsoleBoardMonthDetailQueryVariables>;