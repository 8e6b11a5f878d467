import { graphql } from '../../__generated__/gql.ts';

/** The year-end close screen's requests (sent with the client's X-Tenant, as every workspace request). */

/** Who is asking (the four-eyes note) and the client's fiscal years with their states. */
export const FiscalYearsQuery = graphql(`
  query ConsoleYearEndYears {
    me {
      id
      email
    }
    fiscalYearsConnection(first: 100) {
      edges {
        node {
          year
          startDate
          endDate
          state
        }
      }
    }
  }
`);

/** The year's latest close (null when none was ever prepared), line by line with each line's why. */
export const YearEndDraftQuery = graphql(`
  query ConsoleYearEndDraft($fiscalYear: Int!) {
    yearEndCloseDraft(fiscalYear: $fiscalYear) {
      id
      fiscalYear
      status
      stale
      fingerprint
      fxVarianceMode
      closingDate
      netIncome
      currency
      preparedByEmail
      preparedAt
      approvedByEmail
      approvedAt
      closingEntryId
      reversalEntryId
      lines {
        lineNumber
        kind
        postingDate
        accountCode
        accountName
        debit
        credit
        originalCurrency
        originalAmount
        reversesEntryId
        explanation
      }
    }
  }
`);

/** The year's requests to reverse its close, newest first: the 25 most recent (a year has a handful). */
export const YearEndReversalsQuery = graphql(`
  query ConsoleYearEndReversals($fiscalYear: Int!, $first: Int!, $after: String) {
    yearEndCloseReversalsConnection(fiscalYear: $fiscalYear, first: $first, after: $after) {
      edges {
        node {
          id
          fiscalYear
          status
          reason
          requestedByEmail
          requestedAt
          approvedByEmail
          approvedAt
          reversalEntryId
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const PrepareYearEndMutation = graphql(`
  mutation ConsolePrepareYearEnd($fiscalYear: Int!) {
    prepareYearEndClose(fiscalYear: $fiscalYear) {
      id
      status
      stale
    }
  }
`);

export const ApproveYearEndMutation = graphql(`
  mutation ConsoleApproveYearEnd($draftId: ID!) {
    approveYearEndClose(draftId: $draftId) {
      id
      status
    }
  }
`);

export const MarkYearAuditedMutation = graphql(`
  mutation ConsoleMarkYearAudited($fiscalYear: Int!) {
    markYearAudited(fiscalYear: $fiscalYear) {
      year
      state
    }
  }
`);

export const RequestYearEndReversalMutation = graphql(`
  mutation ConsoleRequestYearEndReversal($fiscalYear: Int!, $reason: String!) {
    requestYearEndCloseReversal(fiscalYear: $fiscalYear, reason: $reason) {
      id
      status
    }
  }
`);

export const ApproveYearEndReversalMutation = graphql(`
  mutation ConsoleApproveYearEndReversal($requestId: ID!) {
    approveYearEndCloseReversal(requestId: $requestId) {
      id
      status
    }
  }
`);
