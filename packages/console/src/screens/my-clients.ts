import { useQuery } from '@apollo/client/react';
import { useMemo } from 'react';
import { graphql } from '../__generated__/gql.ts';

/**
 * "My clients": the clients assigned to the signed-in person — those where they hold a role on the
 * client alone (`Tenant.assignedRole`, given with assignClientRole), not merely their firm-wide
 * role. The one place the board reads them (`tenants` is a list today; when it becomes a
 * connection only this file changes).
 */
export const MyClientsQuery = graphql(`
  query ConsoleMyClients {
    tenants {
      id
      slug
      assignedRole
    }
  }
`);

export function useMyClients() {
  const { data, error, loading } = useQuery(MyClientsQuery);
  const slugs = useMemo(
    () => new Set((data?.tenants ?? []).filter((t) => t.assignedRole).map((t) => t.slug)),
    [data],
  );
  return { slugs, ready: data !== undefined, error, loading };
}
