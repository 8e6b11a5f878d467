import { useMutation, useQuery } from '@apollo/client/react';
import { graphql } from '../../__generated__/gql.ts';

/**
 * Every request the people-and-roles screen makes, in one place: the firm's members (a list
 * today; when it becomes a connection only this file changes), the clients a role can be given
 * on, and the five membership mutations. Each mutation answers the member as they now are, and
 * FirmMember has no `id`: the screen reads the members again after a change.
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

export const FirmMembersQuery = graphql(`
  query ConsoleFirmMembers {
    firmMembers {
      ...ConsoleMember
    }
  }
`);

/** The clients the signed-in person may use: where they can give someone a role. */
export const RoleClientsQuery = graphql(`
  query ConsoleRoleClients {
    tenants {
      id
      slug
      name
      status
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

export const useFirmMembers = () => useQuery(FirmMembersQuery);
export const useRoleClients = () => useQuery(RoleClientsQuery);

/** After any membership change the members are read again (the list is the source of truth). */
const refetch = () => ({ refetchQueries: [FirmMembersQuery], awaitRefetchQueries: true });
export const useAddFirmMember = () => useMutation(AddFirmMemberMutation, refetch());
export const useChangeFirmRole = () => useMutation(ChangeFirmRoleMutation, refetch());
export const useRemoveFirmMember = () => useMutation(RemoveFirmMemberMutation, refetch());
export const useAssignClientRole = () => useMutation(AssignClientRoleMutation, refetch());
export const useRevokeClientRole = () => useMutation(RevokeClientRoleMutation, refetch());
