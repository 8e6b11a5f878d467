import type { ApolloClient } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { MeQuery } from './operations.ts';

/**
 * The root fields a FORBIDDEN refusal names (`path[0]` of each such error), or null when it refuses
 * the whole request — the gateway's 403 for a client one is walled off or no longer a member of,
 * which names no field.
 */
export function refusedFields(error: unknown): string[] | null {
  if (!CombinedGraphQLErrors.is(error)) return null;
  const fields = error.errors.filter((e) => e.extensions?.code === 'FORBIDDEN').map((e) => e.path?.[0]);
  if (fields.length === 0 || !fields.every((f): f is string => typeof f === 'string')) return null;
  return [...new Set(fields)];
}

/**
 * A request refused FORBIDDEN may mean the person lost access since the page was loaded (a wall
 * put up, a firm-wide role lowered): what the client that sent it cached of the refused fields is
 * forgotten — all it cached, when the whole request was refused (and then the firm's lists of
 * clients too, which still name that client) — and `me` is read again, so that the header, the role
 * and the links follow. Done once the refusal has reached the query that asked: a query in error
 * does not ask again when its cache entries go, while another screen's query that read them does,
 * and is answered or refused in turn. A field of a mutation is in no query's cache: a mutation's
 * refusal forgets nothing but reads `me` again.
 */
export function forgetRefused(
  refusedBy: ApolloClient,
  firm: ApolloClient,
  error: unknown,
  operationName: string | undefined,
): void {
  const fields = refusedFields(error);
  setTimeout(() => {
    if (fields) {
      for (const fieldName of fields) refusedBy.cache.evict({ id: 'ROOT_QUERY', fieldName });
    } else {
      refusedBy.cache.evict({ id: 'ROOT_QUERY' });
      if (refusedBy !== firm) firm.cache.evict({ id: 'ROOT_QUERY', fieldName: 'tenantsConnection' });
    }
    refusedBy.cache.gc();
    firm.cache.gc();
    // (`me` itself refused would ask for `me` again and again: it is not read again for that.)
    if (operationName !== 'ConsoleMe') {
      void firm.refetchQueries({ include: [MeQuery] }).then(undefined, () => undefined);
    }
  }, 0);
}
