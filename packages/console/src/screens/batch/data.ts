import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { graphql } from '../../__generated__/gql.ts';
import type { ConsoleBatchClientsQuery } from '../../__generated__/graphql.ts';
import { allPages, type Loaded, useLoaded } from '../../paging.ts';
import { useQuery } from '../../use-query.ts';

/**
 * Every request the batch-close screen makes, in one place: the clients to pick from (one month
 * of the close board), starting a batch, following one, and the firm's recent batches.
 */

/**
 * The clients to pick from, with the month's state: the board of that month (its own fields too, so
 * the board's cache stays whole), and on each line the batch actions the person may start there.
 */
export const BatchClientsQuery = graphql(`
  query ConsoleBatchClients($year: Int!, $month: Int!, $first: Int, $after: String) {
    closeBoard(year: $year, month: $month) {
      ...ConsoleBoardMonth
      clientsConnection(first: $first, after: $after) {
        edges {
          node {
            batchActions
          }
        }
      }
    }
  }
`);

export const BatchFragment = graphql(`
  fragment ConsoleBatch on BatchOperation {
    id
    action
    year
    month
    status
    requestedByEmail
    createdAt
    finishedAt
    counts {
      pending
      running
      done
      failed
      skipped
    }
    items {
      id
      client {
        id
        slug
        name
      }
      status
      attempts
      failureCode
      errorMessage
      monthBefore {
        periodState
        closeStatus
      }
      monthAfter {
        periodState
        closeStatus
      }
    }
  }
`);

export const StartBatchMutation = graphql(`
  mutation ConsoleStartBatch($input: StartBatchPeriodOperationInput!) {
    startBatchPeriodOperation(input: $input) {
      ...ConsoleBatch
    }
  }
`);

export const BatchOperationQuery = graphql(`
  query ConsoleBatchOperation($id: ID!) {
    batchOperation(id: $id) {
      ...ConsoleBatch
    }
  }
`);

export const RecentBatchesQuery = graphql(`
  query ConsoleRecentBatches($limit: Int!) {
    batchOperations(limit: $limit) {
      id
      action
      year
      month
      status
      requestedByEmail
      createdAt
      counts {
        pending
        running
        done
        failed
        skipped
      }
    }
  }
`);

/** How often a running batch is asked for again. */
export const POLL_MS = 1_000;

/** Clients a page of one month's board brings: the most `clientsConnection` gives. */
const MONTH_PAGE = 500;
export type BoardRow = NonNullable<
  ConsoleBatchClientsQuery['closeBoard']
>['clientsConnection']['edges'][number]['node'];

/** Every client of one month's board, page after page (a firm of 1,500 clients is 3 requests). */
export function useBatchClients(year: number, month: number): Loaded<BoardRow[]> {
  const client = useApolloClient();
  return useLoaded(async () => {
    const pages = await allPages(
      async (after) => {
        const result: { data?: ConsoleBatchClientsQuery } = await client.query({
          query: BatchClientsQuery,
          variables: { year, month, first: MONTH_PAGE, after },
          fetchPolicy: 'network-only',
        });
        return result.data?.closeBoard?.clientsConnection;
      },
      (page) => (page?.pageInfo.hasNextPage ? page.pageInfo.endCursor : null),
    );
    return pages.flatMap((page) => page?.edges.map((e) => e.node) ?? []);
  }, `${year}-${month}`);
}

/**
 * One batch, asked for again every POLL_MS while it runs; no more once it has finished, is not
 * found, or is refused (a network failure keeps trying: the batch runs on without the page).
 */
export function useBatch(id: string) {
  const [pollInterval, setPollInterval] = useState(POLL_MS);
  const result = useQuery(BatchOperationQuery, {
    variables: { id },
    pollInterval,
    notifyOnNetworkStatusChange: false,
  });
  const batch = result.data?.batchOperation;
  const done =
    batch?.status === 'FINISHED' ||
    (result.data !== undefined && batch === null) ||
    CombinedGraphQLErrors.is(result.error);
  useEffect(() => {
    setPollInterval(done ? 0 : POLL_MS);
  }, [done]);
  return result;
}

export const useRecentBatches = () => useQuery(RecentBatchesQuery, { variables: { limit: 10 } });

export const useStartBatch = () => useMutation(StartBatchMutation);
