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
      firm {
        id
        name
      }
    }
  }
`);

/** What the board shows of one month: one page of its clients (`$first` after `$after`). */
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

/**
 * One page of clients of a fiscal year's close: the board of each month, in one request. Every
 * month's board orders its clients alike, so one `endCursor` pages all twelve
 * (screens/close-board.tsx asks page after page until none of them has a next page).
 */
export const CloseBoardYearQuery = graphql(`
  query ConsoleCloseBoardYear($year: Int!, $first: Int!, $after: String) {
    m01: closeBoard(year: $year, month: 1) {
      ...ConsoleBoardMonth
    }
    m02: closeBoard(year: $year, month: 2) {
      ...ConsoleBoardMonth
    }
    m03: closeBoard(year: $year, month: 3) {
      ...ConsoleBoardMonth
    }
    m04: closeBoard(year: $year, month: 4) {
      ...ConsoleBoardMonth
    }
    m05: closeBoard(year: $year, month: 5) {
      ...ConsoleBoardMonth
    }
    m06: closeBoard(year: $year, month: 6) {
      ...ConsoleBoardMonth
    }
    m07: closeBoard(year: $year, month: 7) {
      ...ConsoleBoardMonth
    }
    m08: closeBoard(year: $year, month: 8) {
      ...ConsoleBoardMonth
    }
    m09: closeBoard(year: $year, month: 9) {
      ...ConsoleBoardMonth
    }
    m10: closeBoard(year: $year, month: 10) {
      ...ConsoleBoardMonth
    }
    m11: closeBoard(year: $year, month: 11) {
      ...ConsoleBoardMonth
    }
    m12: closeBoard(year: $year, month: 12) {
      ...ConsoleBoardMonth
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
    closeBoard(year: $year, month: $month) {
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
