// biome-ignore lint/style/noRestrictedImports: the one place the console takes Apollo's query hooks.
import { useLazyQuery as apolloUseLazyQuery, useQuery as apolloUseQuery } from '@apollo/client/react';
import { useMemo } from 'react';

/** What of a query's result decides what a screen draws. */
interface Drawn {
  error?: unknown;
  data?: unknown;
  previousData?: unknown;
}

/**
 * No screen draws figures beside a refusal or a failure: Apollo keeps a query's last data (and
 * `previousData`) when its next answer is an error — the copy cached before a wall was put up or a
 * role lowered, or before the network went down — and every screen draws `data` when present. Here
 * an error comes with no data at all; a screen shows the error and nothing of what it had.
 */
export function withoutDataOnError<R extends Drawn>(result: R): R {
  if (!result.error || (result.data === undefined && result.previousData === undefined)) return result;
  return { ...result, data: undefined, previousData: undefined, dataState: 'empty' };
}

/** Apollo's `useQuery`, with no data beside an error (`withoutDataOnError`). */
export const useQuery = ((...args: Parameters<typeof apolloUseQuery>) => {
  const result = apolloUseQuery(...args);
  return useMemo(() => withoutDataOnError(result), [result]);
}) as typeof apolloUseQuery;

/** Apollo's `useLazyQuery`, with no data beside an error (`withoutDataOnError`). */
export const useLazyQuery = ((...args: Parameters<typeof apolloUseLazyQuery>) => {
  const [execute, result] = apolloUseLazyQuery(...args);
  const drawn = useMemo(() => withoutDataOnError(result), [result]);
  return useMemo(() => [execute, drawn] as const, [execute, drawn]);
}) as typeof apolloUseLazyQuery;
