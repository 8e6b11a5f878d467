import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { graphql } from '../../__generated__/gql.ts';

/**
 * Every request the batch-close screen makes, in one place: the clients to pick from (one month
 * of the close board), starting a batch, following one, and the firm's recent batches.
 */

/** The clients to pick from, with the month's state: the board of that month (its own fields too, so the board's cache stays whole). */
export const BatchClientsQuery = graphql(`
  query ConsoleBatchClients($year: Int!, $month: Int!) {
    closeBoard(year: $year, month: $month) {
      ...ConsoleBoardMonth
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
      errorCode
      errorMessage
      stateBefore
      stateAfter
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

export const useBatchClients = (year: number, month: number) =>
  useQuery(BatchClientsQuery, { variables: { year, month } });

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
