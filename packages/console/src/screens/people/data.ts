import { useMutation } from '@apollo/client/react';
import { graphql } from '../../__generated__/gql.ts';
import { useQuery } from '../../use-query.ts';

/**
 * Every request the people-and-roles screen makes, in one place: a page of the firm's members
 * (`firmMembersConnection`, paged on screen with a search), the clients a role can be given on
 * (`tenantsConnection`, searched: a firm has up to 1,500) and the membership mutations.
 */

export const MemberFragment = graphql(`
  fragment ConsoleMember on FirmMember {
    userId
    email
    displayName
    active
    firmRole
    memberSince
    clientRoles {
      role
      tenant {
        id
        slug
        name
      }
    }
  }
`);

/** Members on one page of the screen. */
export const MEMBERS_PAGE = 25;

/** One page of the firm's members, by email then id, optionally only those matching `search`. */
export const FirmMembersQuery = graphql(`
  query ConsoleFirmMembers($first: Int!, $after: String, $search: String) {
    firmMembersConnection(first: $first, after: $after, search: $search) {
      edges {
        node {
          ...ConsoleMember
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/** Clients to offer in the dialog's client picker: the first 20 whose name or slug matches. */
export const ROLE_CLIENTS_SHOWN = 20;
export const RoleClientsQuery = graphql(`
  query ConsoleRoleClients($first: Int!, $search: String) {
    tenantsConnection(first: $first, search: $search) {
      edges {
        node {
          id
          slug
          name
          status
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`);

export const AddFirmMemberMutation = graphql(`
  mutation ConsoleAddFirmMember($input: AddFirmMemberInput!) {
    addFirmMember(input: $input) {
      ...ConsoleMember
    }
  }
`);

export const ChangeFirmRoleMutation = graphql(`
  mutation ConsoleChangeFirmRole($userId: ID!, $role: RoleCluster, $reason: String) {
    changeFirmRole(userId: $userId, role: $role, reason: $reason) {
      ...ConsoleMember
    }
  }
`);

export const RemoveFirmMemberMutation = graphql(`
  mutation ConsoleRemoveFirmMember($userId: ID!, $reason: String!) {
    removeFirmMember(userId: $userId, reason: $reason) {
      ...ConsoleMember
    }
  }
`);

export const DeactivateFirmMemberMutation = graphql(`
  mutation ConsoleDeactivateFirmMember($userId: ID!, $reason: String!) {
    deactivateFirmMember(userId: $userId, reason: $reason) {
      ...ConsoleMember
    }
  }
`);

export const ReactivateFirmMemberMutation = graphql(`
  mutation ConsoleReactivateFirmMember($userId: ID!, $reason: String) {
    reactivateFirmMember(userId: $userId, reason: $reason) {
      ...ConsoleMember
    }
  }
`);

export const AssignClientRoleMutation = graphql(`
  mutation ConsoleAssignClientRole($userId: ID!, $tenant: String!, $role: RoleCluster!, $reason: String) {
    assignClientRole(userId: $userId, tenant: $tenant, role: $role, reason: $reason) {
      ...ConsoleMember
    }
  }
`);

export const RevokeClientRoleMutation = graphql(`
  mutation ConsoleRevokeClientRole($userId: ID!, $tenant: String!, $reason: String!) {
    revokeClientRole(userId: $userId, tenant: $tenant, reason: $reason) {
      ...ConsoleMember
    }
  }
`);

export const useFirmMembers = (search: string, after: string | null) =>
  useQuery(FirmMembersQuery, {
    variables: { first: MEMBERS_PAGE, after, search: search.trim() || null },
  });
export const useRoleClients = (search: string) =>
  useQuery(RoleClientsQuery, { variables: { first: ROLE_CLIENTS_SHOWN, search: search.trim() || null } });

/**
 * A member's changed roles land in the cache by themselves (FirmMember is keyed by `userId`, see
 * apollo.ts, and each mutation answers the member as they now are). Adding or removing someone
 * changes which members a page holds: the pages shown are read again.
 */
const pagesAgain = { refetchQueries: [FirmMembersQuery], awaitRefetchQueries: true };
export const useAddFirmMember = () => useMutation(AddFirmMemberMutation, pagesAgain);
export const useChangeFirmRole = () => useMutation(ChangeFirmRoleMutation);
export const useRemoveFirmMember = () =>
  useMutation(RemoveFirmMemberMutation, {
    ...pagesAgain,
    update(cache, { data }) {
      const gone = data?.removeFirmMember;
      if (gone) cache.evict({ id: cache.identify(gone) });
    },
  });
export const useDeactivateFirmMember = () => useMutation(DeactivateFirmMemberMutation);
export const useReactivateFirmMember = () => useMutation(ReactivateFirmMemberMutation);
export const useAssignClientRole = () => useMutation(AssignClientRoleMutation);
export const useRevokeClientRole = () => useMutation(RevokeClientRoleMutation);

/** The firm's locale (FirmAdmin): firm-locale.tsx. */
export const UpdateFirmLocaleMutation = graphql(`
  mutation ConsoleUpdateFirmLocale($locale: String!) {
    updateFirmLocale(locale: $locale) {
      id
      locale
    }
  }
`);
