import { graphql } from '../../__generated__/gql.ts';

/** The month-end close screen's requests (sent with the client's X-Tenant, as every workspace request). */

export const MonthCloseQuery = graphql(`
  query ConsoleMonthClose($year: Int!, $month: Int!) {
    me {
      id
      email
    }
    periodCloseStatus(year: $year, month: $month) {
      stage
      periodState
      fiscalYearState
      period {
        id
        state
        startDate
        endDate
      }
      lastTransition {
        action
        byEmail
        at
      }
      openChecklistItems {
        checkCode
        label
        detail
        blocking
        count
      }
      close {
        id
        status
        startedAt
        startedByEmail
        submittedAt
        submittedByEmail
        approvedAt
        approvedByEmail
        rejectedAt
        rejectedByEmail
        rejectionReason
      }
    }
  }
`);

export const StartCloseMutation = graphql(`
  mutation ConsoleStartClose($periodId: ID!) {
    startPeriodClose(periodId: $periodId) {
      id
      status
    }
  }
`);

export const SubmitCloseMutation = graphql(`
  mutation ConsoleSubmitClose($closeId: ID!) {
    submitPeriodClose(closeId: $closeId) {
      id
      status
    }
  }
`);

export const ApproveCloseMutation = graphql(`
  mutation ConsoleApproveClose($closeId: ID!) {
    approvePeriodClose(closeId: $closeId) {
      id
      status
    }
  }
`);

export const RejectCloseMutation = graphql(`
  mutation ConsoleRejectClose($closeId: ID!, $reason: String!) {
    rejectPeriodClose(closeId: $closeId, reason: $reason) {
      id
      status
    }
  }
`);

export const LockPeriodMutation = graphql(`
  mutation ConsoleLockPeriod($periodId: ID!, $state: PeriodState!) {
    lockPeriod(periodId: $periodId, state: $state) {
      id
      state
    }
  }
`);

export const ReopenPeriodMutation = graphql(`
  mutation ConsoleReopenPeriod($periodId: ID!, $state: PeriodState!, $reason: String!) {
    reopenPeriod(periodId: $periodId, state: $state, reason: $reason) {
      id
      state
    }
  }
`);
