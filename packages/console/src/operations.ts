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
      firm {
        id
        name
      }
    }
  }
`);

/** What the board shows of one month. */
export const BoardMonthFragment = graphql(`
  fragment ConsoleBoardMonth on CloseBoard {
    year
    month
    unavailableCount
    clients {
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
`);

/** One fiscal year of the firm's close: the board of each month, in one request. */
export const CloseBoardYearQuery = graphql(`
  query ConsoleCloseBoardYear($year: Int!) {
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
      errorCode
    }
  }
`);

/** Entries posted on a stale (fallback) or overridden exchange rate, across clients, in a date range. */
export const StaleRatesQuery = graphql(`
  query ConsoleStaleRates($from: Date!, $to: Date!) {
    staleRateUsage(from: $from, to: $to) {
      from
      to
      unavailableCount
      clients {
        clientId
        clientSlug
        clientName
        availability
        unavailableCode
        entryCount
        truncated
      }
      entries {
        clientId
        entryId
        isFallback
        isOverride
      }
    }
  }
`);

/**
 * One month of the board with what a cell's detail shows. It repeats the board's own fields, so
 * writing it to the cache (the same `closeBoard(year, month)` field) leaves the board complete.
 */
export const BoardMonthDetailQuery = graphql(`
  query ConsoleBoardMonthDetail($year: Int!, $month: Int!) {
    closeBoard(year: $year, month: $month) {
      ...ConsoleBoardMonth
      clients {
        client {
          id
        }
        periodId
        lastTransition {
          action
          byEmail
          at
        }
        openChecklistItems {
          code
          description
        }
      }
    }
  }
`);
