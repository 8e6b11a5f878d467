import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client';
import { useApolloClient } from '@apollo/client/react';
import { useMemo } from 'react';

/**
 * The workspace's own Apollo Client for one client: the signed-in client's link (token, sign-out
 * on UNAUTHENTICATED, what this client cached forgotten on FORBIDDEN: refused-access.ts) with the
 * client's `X-Tenant` header added, and a cache of its own. Root fields such as `trialBalance` are
 * not objects with ids (README, "one cache across clients"), so a cache per client is what keeps
 * one client's statement from showing, even for a moment, under another's name.
 */
export function useTenantClient(slug: string): ApolloClient {
  const firm = useApolloClient();
  return useMemo(() => {
    const tenantHeader = new ApolloLink((operation, forward) => {
      operation.setContext(({ headers }: { headers?: Record<string, string> }) => ({
        headers: { ...headers, 'x-tenant': slug },
      }));
      return forward(operation);
    });
    return new ApolloClient({
      link: ApolloLink.from([tenantHeader, firm.link]),
      cache: new InMemoryCache(),
      defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
    });
  }, [firm, slug]);
}
