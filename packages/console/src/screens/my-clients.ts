import { useApolloClient } from '@apollo/client/react';
import { useMemo } from 'react';
import { graphql } from '../__generated__/gql.ts';
import type { ConsoleMyClientsQuery } from '../__generated__/graphql.ts';
import { allPages, useLoaded } from '../paging.ts';

/**
 * "My clients": the clients assigned to the signed-in person — those where they hold a role on the
 * client alone (`Tenant.assignedRole`, given with assignClientRole), not merely their firm-wide
 * role. The one place the board reads them: `tenantsConnection` paged to the end, 500 a page (the
 * API's largest), so a firm of 1,500 clients is 3 requests of three short fields each.
 */
export const MyClientsQuery = graphql(`
  query ConsoleMyClients($first: Int!, $after: String) {
    tenantsConnection(first: $first, after: $after, includeSandboxes: true) {
      edges {
        node {
          id
          slug
          assignedRole
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const PAGE = 500;
type Page = ConsoleMyClientsQuery['tenantsConnection'];

/** `enabled`: false until the caller wants them (the board asks once its own rows are in). */
export function useMyClients(enabled = true) {
  const client = useApolloClient();
  const { data, error, loading } = useLoaded(
    async () =>
      !enabled
        ? null
        : allPages<Page>(
            async (after) => {
              const r: { data?: ConsoleMyClientsQuery } = await client.query({
                query: MyClientsQuery,
                variables: { first: PAGE, after },
                fetchPolicy: 'network-only',
              });
              if (!r.data) throw new Error('The API answered no clients');
              return r.data.tenantsConnection;
            },
            (page) => (page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null),
          ),
    `my-clients:${enabled}`,
  );
  const slugs = useMemo(
    () =>
      new Set(
        (data ?? []).flatMap((p) => p.edges.filter((e) => e.node.assignedRole).map((e) => e.node.slug)),
      ),
    [data],
  );
  return { slugs, ready: data !== null, error, loading };
}
