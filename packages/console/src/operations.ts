import { graphql } from './__generated__/gql.ts';

/**
 * Every operation the console runs. GraphQL Code Generator turns them into typed documents and
 * the persisted-documents manifest (`pnpm --filter @cifra/console codegen`).
 */

export const MeQuery = graphql(`
  query ConsoleMe {
    me {
      id
      email
      displayName
      firmRole
      mayManagePeople
      mayReadFirmAudit
      mayReadFirmDashboard
      mayDeactivatePeople
      grantableRoles
      firm {
        id
        name
        locale
      }
    }
  }
`);

/** What batch close reads of one month's board: one page of its clients (`$first` after `$after`). */
export const BoardMonthFragment = graphql(`
  fragment ConsoleBoardMonth on CloseBoard {
    year
    month
    unavailableCount
    clientsConnection(first: $first, after: $after) {
      edges {
        node {
          client {
            id
            slug
            name
          }
          availability
          unavailableCode
          unavailableReason
          periodState
          closeStatus
          stage
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const CloseExceptionsQuery = graphql(`
  query ConsoleCloseExceptions {
    closeExceptions {
      kind
      client {
        id
        slug
        name
      }
      year
      month
      daysOverdue
      since
      message
      batchId
      failureCode
      unavailableCode
    }
  }
`);

/** Entries posted on a stale (fallback) or overridden exchange rate, across clients, in a date range. */
export const StaleRatesQuery = graphql(`
  query ConsoleStaleRates($from: Date!, $to: Date!, $first: Int!, $after: String) {
    staleRateUsage(from: $from, to: $to) {
      from
      to
      unavailableCount
      clientsConnection(first: $first, after: $after) {
        edges {
          node {
            clientId
            clientSlug
            clientName
            availability
            unavailableCode
            entryCount
            fallbackCount
            overrideCount
            truncated
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

/** One client's month, with what a cell's detail shows. */
export const BoardMonthDetailQuery = graphql(`
  query ConsoleBoardMonthDetail($year: Int!, $month: Int!, $clientId: ID!) {
    closeBoard(year: $year, month: $month, includeSandboxes: true) {
      year
      month
      clientsConnection(first: 1, clientId: $clientId) {
        edges {
          node {
            client {
              id
              slug
              name
            }
            availability
            unavailableCode
            unavailableReason
            periodId
            periodState
            closeStatus
            stage
            lastTransition {
              action
              byEmail
              at
            }
            openChecklistItems {
              checkCode
              description
            }
          }
        }
      }
    }
  }
`);
