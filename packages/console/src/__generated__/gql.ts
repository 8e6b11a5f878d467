/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query ConsoleMe {\n    me {\n      id\n      email\n      displayName\n      firmRole\n      firm {\n        id\n        name\n      }\n    }\n  }\n": typeof types.ConsoleMeDocument,
    "\n  fragment ConsoleBoardMonth on CloseBoard {\n    year\n    month\n    unavailableCount\n    clientsConnection(first: $first, after: $after) {\n      edges {\n        node {\n          client {\n            id\n            slug\n            name\n          }\n          availability\n          unavailableCode\n          unavailableReason\n          periodState\n          closeStatus\n          stage\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ConsoleBoardMonthFragmentDoc,
    "\n  query ConsoleCloseBoardYear($year: Int!, $first: Int!, $after: String) {\n    m01: closeBoard(year: $year, month: 1) {\n      ...ConsoleBoardMonth\n    }\n    m02: closeBoard(year: $year, month: 2) {\n      ...ConsoleBoardMonth\n    }\n    m03: closeBoard(year: $year, month: 3) {\n      ...ConsoleBoardMonth\n    }\n    m04: closeBoard(year: $year, month: 4) {\n      ...ConsoleBoardMonth\n    }\n    m05: closeBoard(year: $year, month: 5) {\n      ...ConsoleBoardMonth\n    }\n    m06: closeBoard(year: $year, month: 6) {\n      ...ConsoleBoardMonth\n    }\n    m07: closeBoard(year: $year, month: 7) {\n      ...ConsoleBoardMonth\n    }\n    m08: closeBoard(year: $year, month: 8) {\n      ...ConsoleBoardMonth\n    }\n    m09: closeBoard(year: $year, month: 9) {\n      ...ConsoleBoardMonth\n    }\n    m10: closeBoard(year: $year, month: 10) {\n      ...ConsoleBoardMonth\n    }\n    m11: closeBoard(year: $year, month: 11) {\n      ...ConsoleBoardMonth\n    }\n    m12: closeBoard(year: $year, month: 12) {\n      ...ConsoleBoardMonth\n    }\n  }\n": typeof types.ConsoleCloseBoardYearDocument,
    "\n  query ConsoleCloseExceptions {\n    closeExceptions {\n      kind\n      client {\n        id\n        slug\n        name\n      }\n      year\n      month\n      daysOverdue\n      since\n      message\n      batchId\n      failureCode\n      unavailableCode\n    }\n  }\n": typeof types.ConsoleCloseExceptionsDocument,
    "\n  query ConsoleStaleRates($from: Date!, $to: Date!) {\n    staleRateUsage(from: $from, to: $to) {\n      from\n      to\n      unavailableCount\n      clients {\n        clientId\n        clientSlug\n        clientName\n        availability\n        unavailableCode\n        entryCount\n        truncated\n      }\n      entries {\n        clientId\n        entryId\n        isFallback\n        isOverride\n      }\n    }\n  }\n": typeof types.ConsoleStaleRatesDocument,
    "\n  query ConsoleBoardMonthDetail($year: Int!, $month: Int!, $clientId: ID!) {\n    closeBoard(year: $year, month: $month) {\n      year\n      month\n      clientsConnection(first: 1, clientId: $clientId) {\n        edges {\n          node {\n            client {\n              id\n              slug\n              name\n            }\n            availability\n            unavailableCode\n            unavailableReason\n            periodId\n            periodState\n            closeStatus\n            stage\n            lastTransition {\n              action\n              byEmail\n              at\n            }\n            openChecklistItems {\n              checkCode\n              description\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.ConsoleBoardMonthDetailDocument,
    "\n  query ConsoleBatchClients($year: Int!, $month: Int!, $first: Int, $after: String) {\n    closeBoard(year: $year, month: $month) {\n      ...ConsoleBoardMonth\n    }\n  }\n": typeof types.ConsoleBatchClientsDocument,
    "\n  fragment ConsoleBatch on BatchOperation {\n    id\n    action\n    year\n    month\n    status\n    requestedByEmail\n    createdAt\n    finishedAt\n    counts {\n      pending\n      running\n      done\n      failed\n      skipped\n    }\n    items {\n      id\n      client {\n        id\n        slug\n        name\n      }\n      status\n      attempts\n      errorCode\n      errorMessage\n      stateBefore\n      stateAfter\n    }\n  }\n": typeof types.ConsoleBatchFragmentDoc,
    "\n  mutation ConsoleStartBatch($input: StartBatchPeriodOperationInput!) {\n    startBatchPeriodOperation(input: $input) {\n      ...ConsoleBatch\n    }\n  }\n": typeof types.ConsoleStartBatchDocument,
    "\n  query ConsoleBatchOperation($id: ID!) {\n    batchOperation(id: $id) {\n      ...ConsoleBatch\n    }\n  }\n": typeof types.ConsoleBatchOperationDocument,
    "\n  query ConsoleRecentBatches($limit: Int!) {\n    batchOperations(limit: $limit) {\n      id\n      action\n      year\n      month\n      status\n      requestedByEmail\n      createdAt\n      counts {\n        pending\n        running\n        done\n        failed\n        skipped\n      }\n    }\n  }\n": typeof types.ConsoleRecentBatchesDocument,
    "\n  query ConsoleMyClients {\n    tenants {\n      id\n      slug\n      assignedRole\n    }\n  }\n": typeof types.ConsoleMyClientsDocument,
    "\n  fragment ConsoleMember on FirmMember {\n    userId\n    email\n    displayName\n    active\n    firmRole\n    memberSince\n    clientRoles {\n      role\n      tenant {\n        id\n        slug\n        name\n      }\n    }\n  }\n": typeof types.ConsoleMemberFragmentDoc,
    "\n  query ConsoleFirmMembers {\n    firmMembers {\n      ...ConsoleMember\n    }\n  }\n": typeof types.ConsoleFirmMembersDocument,
    "\n  query ConsoleRoleClients {\n    tenants {\n      id\n      slug\n      name\n      status\n    }\n  }\n": typeof types.ConsoleRoleClientsDocument,
    "\n  mutation ConsoleAddFirmMember($input: AddFirmMemberInput!) {\n    addFirmMember(input: $input) {\n      ...ConsoleMember\n    }\n  }\n": typeof types.ConsoleAddFirmMemberDocument,
    "\n  mutation ConsoleChangeFirmRole($userId: ID!, $role: RoleCluster, $reason: String) {\n    changeFirmRole(userId: $userId, role: $role, reason: $reason) {\n      ...ConsoleMember\n    }\n  }\n": typeof types.ConsoleChangeFirmRoleDocument,
    "\n  mutation ConsoleRemoveFirmMember($userId: ID!, $reason: String!) {\n    removeFirmMember(userId: $userId, reason: $reason) {\n      ...ConsoleMember\n    }\n  }\n": typeof types.ConsoleRemoveFirmMemberDocument,
    "\n  mutation ConsoleAssignClientRole($userId: ID!, $tenant: String!, $role: RoleCluster!, $reason: String) {\n    assignClientRole(userId: $userId, tenant: $tenant, role: $role, reason: $reason) {\n      ...ConsoleMember\n    }\n  }\n": typeof types.ConsoleAssignClientRoleDocument,
    "\n  mutation ConsoleRevokeClientRole($userId: ID!, $tenant: String!, $reason: String!) {\n    revokeClientRole(userId: $userId, tenant: $tenant, reason: $reason) {\n      ...ConsoleMember\n    }\n  }\n": typeof types.ConsoleRevokeClientRoleDocument,
};
const documents: Documents = {
    "\n  query ConsoleMe {\n    me {\n      id\n      email\n      displayName\n      firmRole\n      firm {\n        id\n        name\n      }\n    }\n  }\n": types.ConsoleMeDocument,
    "\n  fragment ConsoleBoardMonth on CloseBoard {\n    year\n    month\n    unavailableCount\n    clientsConnection(first: $first, after: $after) {\n      edges {\n        node {\n          client {\n            id\n            slug\n            name\n          }\n          availability\n          unavailableCode\n          unavailableReason\n          periodState\n          closeStatus\n          stage\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ConsoleBoardMonthFragmentDoc,
    "\n  query ConsoleCloseBoardYear($year: Int!, $first: Int!, $after: String) {\n    m01: closeBoard(year: $year, month: 1) {\n      ...ConsoleBoardMonth\n    }\n    m02: closeBoard(year: $year, month: 2) {\n      ...ConsoleBoardMonth\n    }\n    m03: closeBoard(year: $year, month: 3) {\n      ...ConsoleBoardMonth\n    }\n    m04: closeBoard(year: $year, month: 4) {\n      ...ConsoleBoardMonth\n    }\n    m05: closeBoard(year: $year, month: 5) {\n      ...ConsoleBoardMonth\n    }\n    m06: closeBoard(year: $year, month: 6) {\n      ...ConsoleBoardMonth\n    }\n    m07: closeBoard(year: $year, month: 7) {\n      ...ConsoleBoardMonth\n    }\n    m08: closeBoard(year: $year, month: 8) {\n      ...ConsoleBoardMonth\n    }\n    m09: closeBoard(year: $year, month: 9) {\n      ...ConsoleBoardMonth\n    }\n    m10: closeBoard(year: $year, month: 10) {\n      ...ConsoleBoardMonth\n    }\n    m11: closeBoard(year: $year, month: 11) {\n      ...ConsoleBoardMonth\n    }\n    m12: closeBoard(year: $year, month: 12) {\n      ...ConsoleBoardMonth\n    }\n  }\n": types.ConsoleCloseBoardYearDocument,
    "\n  query ConsoleCloseExceptions {\n    closeExceptions {\n      kind\n      client {\n        id\n        slug\n        name\n      }\n      year\n      month\n      daysOverdue\n      since\n      message\n      batchId\n      failureCode\n      unavailableCode\n    }\n  }\n": types.ConsoleCloseExceptionsDocument,
    "\n  query ConsoleStaleRates($from: Date!, $to: Date!) {\n    staleRateUsage(from: $from, to: $to) {\n      from\n      to\n      unavailableCount\n      clients {\n        clientId\n        clientSlug\n        clientName\n        availability\n        unavailableCode\n        entryCount\n        truncated\n      }\n      entries {\n        clientId\n        entryId\n        isFallback\n        isOverride\n      }\n    }\n  }\n": types.ConsoleStaleRatesDocument,
    "\n  query ConsoleBoardMonthDetail($year: Int!, $month: Int!, $clientId: ID!) {\n    closeBoard(year: $year, month: $month) {\n      year\n      month\n      clientsConnection(first: 1, clientId: $clientId) {\n        edges {\n          node {\n            client {\n              id\n              slug\n              name\n            }\n            availability\n            unavailableCode\n            unavailableReason\n            periodId\n            periodState\n            closeStatus\n            stage\n            lastTransition {\n              action\n              byEmail\n              at\n            }\n            openChecklistItems {\n              checkCode\n              description\n            }\n          }\n        }\n      }\n    }\n  }\n": types.ConsoleBoardMonthDetailDocument,
    "\n  query ConsoleBatchClients($year: Int!, $month: Int!, $first: Int, $after: String) {\n    closeBoard(year: $year, month: $month) {\n      ...ConsoleBoardMonth\n    }\n  }\n": types.ConsoleBatchClientsDocument,
    "\n  fragment ConsoleBatch on BatchOperation {\n    id\n    action\n    year\n    month\n    status\n    requestedByEmail\n    createdAt\n    finishedAt\n    counts {\n      pending\n      running\n      done\n      failed\n      skipped\n    }\n    items {\n      id\n      client {\n        id\n        slug\n        name\n      }\n      status\n      attempts\n      errorCode\n      errorMessage\n      stateBefore\n      stateAfter\n    }\n  }\n": types.ConsoleBatchFragmentDoc,
    "\n  mutation ConsoleStartBatch($input: StartBatchPeriodOperationInput!) {\n    startBatchPeriodOperation(input: $input) {\n      ...ConsoleBatch\n    }\n  }\n": types.ConsoleStartBatchDocument,
    "\n  query ConsoleBatchOperation($id: ID!) {\n    batchOperation(id: $id) {\n      ...ConsoleBatch\n    }\n  }\n": types.ConsoleBatchOperationDocument,
    "\n  query ConsoleRecentBatches($limit: Int!) {\n    batchOperations(limit: $limit) {\n      id\n      action\n      year\n      month\n      status\n      requestedByEmail\n      createdAt\n      counts {\n        pending\n        running\n        done\n        failed\n        skipped\n      }\n    }\n  }\n": types.ConsoleRecentBatchesDocument,
    "\n  query ConsoleMyClients {\n    tenants {\n      id\n      slug\n      assignedRole\n    }\n  }\n": types.ConsoleMyClientsDocument,
    "\n  fragment ConsoleMember on FirmMember {\n    userId\n    email\n    displayName\n    active\n    firmRole\n    memberSince\n    clientRoles {\n      role\n      tenant {\n        id\n        slug\n        name\n      }\n    }\n  }\n": types.ConsoleMemberFragmentDoc,
    "\n  query ConsoleFirmMembers {\n    firmMembers {\n      ...ConsoleMember\n    }\n  }\n": types.ConsoleFirmMembersDocument,
    "\n  query ConsoleRoleClients {\n    tenants {\n      id\n      slug\n      name\n      status\n    }\n  }\n": types.ConsoleRoleClientsDocument,
    "\n  mutation ConsoleAddFirmMember($input: AddFirmMemberInput!) {\n    addFirmMember(input: $input) {\n      ...ConsoleMember\n    }\n  }\n": types.ConsoleAddFirmMemberDocument,
    "\n  mutation ConsoleChangeFirmRole($userId: ID!, $role: RoleCluster, $reason: String) {\n    changeFirmRole(userId: $userId, role: $role, reason: $reason) {\n      ...ConsoleMember\n    }\n  }\n": types.ConsoleChangeFirmRoleDocument,
    "\n  mutation ConsoleRemoveFirmMember($userId: ID!, $reason: String!) {\n    removeFirmMember(userId: $userId, reason: $reason) {\n      ...ConsoleMember\n    }\n  }\n": types.ConsoleRemoveFirmMemberDocument,
    "\n  mutation ConsoleAssignClientRole($userId: ID!, $tenant: String!, $role: RoleCluster!, $reason: String) {\n    assignClientRole(userId: $userId, tenant: $tenant, role: $role, reason: $reason) {\n      ...ConsoleMember\n    }\n  }\n": types.ConsoleAssignClientRoleDocument,
    "\n  mutation ConsoleRevokeClientRole($userId: ID!, $tenant: String!, $reason: String!) {\n    revokeClientRole(userId: $userId, tenant: $tenant, reason: $reason) {\n      ...ConsoleMember\n    }\n  }\n": types.ConsoleRevokeClientRoleDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleMe {\n    me {\n      id\n      email\n      displayName\n      firmRole\n      firm {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleMe {\n    me {\n      id\n      email\n      displayName\n      firmRole\n      firm {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConsoleBoardMonth on CloseBoard {\n    year\n    month\n    unavailableCount\n    clientsConnection(first: $first, after: $after) {\n      edges {\n        node {\n          client {\n            id\n            slug\n            name\n          }\n          availability\n          unavailableCode\n          unavailableReason\n          periodState\n          closeStatus\n          stage\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment ConsoleBoardMonth on CloseBoard {\n    year\n    month\n    unavailableCount\n    clientsConnection(first: $first, after: $after) {\n      edges {\n        node {\n          client {\n            id\n            slug\n            name\n          }\n          availability\n          unavailableCode\n          unavailableReason\n          periodState\n          closeStatus\n          stage\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleCloseBoardYear($year: Int!, $first: Int!, $after: String) {\n    m01: closeBoard(year: $year, month: 1) {\n      ...ConsoleBoardMonth\n    }\n    m02: closeBoard(year: $year, month: 2) {\n      ...ConsoleBoardMonth\n    }\n    m03: closeBoard(year: $year, month: 3) {\n      ...ConsoleBoardMonth\n    }\n    m04: closeBoard(year: $year, month: 4) {\n      ...ConsoleBoardMonth\n    }\n    m05: closeBoard(year: $year, month: 5) {\n      ...ConsoleBoardMonth\n    }\n    m06: closeBoard(year: $year, month: 6) {\n      ...ConsoleBoardMonth\n    }\n    m07: closeBoard(year: $year, month: 7) {\n      ...ConsoleBoardMonth\n    }\n    m08: closeBoard(year: $year, month: 8) {\n      ...ConsoleBoardMonth\n    }\n    m09: closeBoard(year: $year, month: 9) {\n      ...ConsoleBoardMonth\n    }\n    m10: closeBoard(year: $year, month: 10) {\n      ...ConsoleBoardMonth\n    }\n    m11: closeBoard(year: $year, month: 11) {\n      ...ConsoleBoardMonth\n    }\n    m12: closeBoard(year: $year, month: 12) {\n      ...ConsoleBoardMonth\n    }\n  }\n"): (typeof documents)["\n  query ConsoleCloseBoardYear($year: Int!, $first: Int!, $after: String) {\n    m01: closeBoard(year: $year, month: 1) {\n      ...ConsoleBoardMonth\n    }\n    m02: closeBoard(year: $year, month: 2) {\n      ...ConsoleBoardMonth\n    }\n    m03: closeBoard(year: $year, month: 3) {\n      ...ConsoleBoardMonth\n    }\n    m04: closeBoard(year: $year, month: 4) {\n      ...ConsoleBoardMonth\n    }\n    m05: closeBoard(year: $year, month: 5) {\n      ...ConsoleBoardMonth\n    }\n    m06: closeBoard(year: $year, month: 6) {\n      ...ConsoleBoardMonth\n    }\n    m07: closeBoard(year: $year, month: 7) {\n      ...ConsoleBoardMonth\n    }\n    m08: closeBoard(year: $year, month: 8) {\n      ...ConsoleBoardMonth\n    }\n    m09: closeBoard(year: $year, month: 9) {\n      ...ConsoleBoardMonth\n    }\n    m10: closeBoard(year: $year, month: 10) {\n      ...ConsoleBoardMonth\n    }\n    m11: closeBoard(year: $year, month: 11) {\n      ...ConsoleBoardMonth\n    }\n    m12: closeBoard(year: $year, month: 12) {\n      ...ConsoleBoardMonth\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleCloseExceptions {\n    closeExceptions {\n      kind\n      client {\n        id\n        slug\n        name\n      }\n      year\n      month\n      daysOverdue\n      since\n      message\n      batchId\n      failureCode\n      unavailableCode\n    }\n  }\n"): (typeof documents)["\n  query ConsoleCloseExceptions {\n    closeExceptions {\n      kind\n      client {\n        id\n        slug\n        name\n      }\n      year\n      month\n      daysOverdue\n      since\n      message\n      batchId\n      failureCode\n      unavailableCode\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleStaleRates($from: Date!, $to: Date!) {\n    staleRateUsage(from: $from, to: $to) {\n      from\n      to\n      unavailableCount\n      clients {\n        clientId\n        clientSlug\n        clientName\n        availability\n        unavailableCode\n        entryCount\n        truncated\n      }\n      entries {\n        clientId\n        entryId\n        isFallback\n        isOverride\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleStaleRates($from: Date!, $to: Date!) {\n    staleRateUsage(from: $from, to: $to) {\n      from\n      to\n      unavailableCount\n      clients {\n        clientId\n        clientSlug\n        clientName\n        availability\n        unavailableCode\n        entryCount\n        truncated\n      }\n      entries {\n        clientId\n        entryId\n        isFallback\n        isOverride\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleBoardMonthDetail($year: Int!, $month: Int!, $clientId: ID!) {\n    closeBoard(year: $year, month: $month) {\n      year\n      month\n      clientsConnection(first: 1, clientId: $clientId) {\n        edges {\n          node {\n            client {\n              id\n              slug\n              name\n            }\n            availability\n            unavailableCode\n            unavailableReason\n            periodId\n            periodState\n            closeStatus\n            stage\n            lastTransition {\n              action\n              byEmail\n              at\n            }\n            openChecklistItems {\n              checkCode\n              description\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleBoardMonthDetail($year: Int!, $month: Int!, $clientId: ID!) {\n    closeBoard(year: $year, month: $month) {\n      year\n      month\n      clientsConnection(first: 1, clientId: $clientId) {\n        edges {\n          node {\n            client {\n              id\n              slug\n              name\n            }\n            availability\n            unavailableCode\n            unavailableReason\n            periodId\n            periodState\n            closeStatus\n            stage\n            lastTransition {\n              action\n              byEmail\n              at\n            }\n            openChecklistItems {\n              checkCode\n              description\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleBatchClients($year: Int!, $month: Int!, $first: Int, $after: String) {\n    closeBoard(year: $year, month: $month) {\n      ...ConsoleBoardMonth\n    }\n  }\n"): (typeof documents)["\n  query ConsoleBatchClients($year: Int!, $month: Int!, $first: Int, $after: String) {\n    closeBoard(year: $year, month: $month) {\n      ...ConsoleBoardMonth\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConsoleBatch on BatchOperation {\n    id\n    action\n    year\n    month\n    status\n    requestedByEmail\n    createdAt\n    finishedAt\n    counts {\n      pending\n      running\n      done\n      failed\n      skipped\n    }\n    items {\n      id\n      client {\n        id\n        slug\n        name\n      }\n      status\n      attempts\n      errorCode\n      errorMessage\n      stateBefore\n      stateAfter\n    }\n  }\n"): (typeof documents)["\n  fragment ConsoleBatch on BatchOperation {\n    id\n    action\n    year\n    month\n    status\n    requestedByEmail\n    createdAt\n    finishedAt\n    counts {\n      pending\n      running\n      done\n      failed\n      skipped\n    }\n    items {\n      id\n      client {\n        id\n        slug\n        name\n      }\n      status\n      attempts\n      errorCode\n      errorMessage\n      stateBefore\n      stateAfter\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleStartBatch($input: StartBatchPeriodOperationInput!) {\n    startBatchPeriodOperation(input: $input) {\n      ...ConsoleBatch\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleStartBatch($input: StartBatchPeriodOperationInput!) {\n    startBatchPeriodOperation(input: $input) {\n      ...ConsoleBatch\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleBatchOperation($id: ID!) {\n    batchOperation(id: $id) {\n      ...ConsoleBatch\n    }\n  }\n"): (typeof documents)["\n  query ConsoleBatchOperation($id: ID!) {\n    batchOperation(id: $id) {\n      ...ConsoleBatch\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleRecentBatches($limit: Int!) {\n    batchOperations(limit: $limit) {\n      id\n      action\n      year\n      month\n      status\n      requestedByEmail\n      createdAt\n      counts {\n        pending\n        running\n        done\n        failed\n        skipped\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleRecentBatches($limit: Int!) {\n    batchOperations(limit: $limit) {\n      id\n      action\n      year\n      month\n      status\n      requestedByEmail\n      createdAt\n      counts {\n        pending\n        running\n        done\n        failed\n        skipped\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleMyClients {\n    tenants {\n      id\n      slug\n      assignedRole\n    }\n  }\n"): (typeof documents)["\n  query ConsoleMyClients {\n    tenants {\n      id\n      slug\n      assignedRole\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConsoleMember on FirmMember {\n    userId\n    email\n    displayName\n    active\n    firmRole\n    memberSince\n    clientRoles {\n      role\n      tenant {\n        id\n        slug\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment ConsoleMember on FirmMember {\n    userId\n    email\n    displayName\n    active\n    firmRole\n    memberSince\n    clientRoles {\n      role\n      tenant {\n        id\n        slug\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleFirmMembers {\n    firmMembers {\n      ...ConsoleMember\n    }\n  }\n"): (typeof documents)["\n  query ConsoleFirmMembers {\n    firmMembers {\n      ...ConsoleMember\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleRoleClients {\n    tenants {\n      id\n      slug\n      name\n      status\n    }\n  }\n"): (typeof documents)["\n  query ConsoleRoleClients {\n    tenants {\n      id\n      slug\n      name\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleAddFirmMember($input: AddFirmMemberInput!) {\n    addFirmMember(input: $input) {\n      ...ConsoleMember\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleAddFirmMember($input: AddFirmMemberInput!) {\n    addFirmMember(input: $input) {\n      ...ConsoleMember\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleChangeFirmRole($userId: ID!, $role: RoleCluster, $reason: String) {\n    changeFirmRole(userId: $userId, role: $role, reason: $reason) {\n      ...ConsoleMember\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleChangeFirmRole($userId: ID!, $role: RoleCluster, $reason: String) {\n    changeFirmRole(userId: $userId, role: $role, reason: $reason) {\n      ...ConsoleMember\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRemoveFirmMember($userId: ID!, $reason: String!) {\n    removeFirmMember(userId: $userId, reason: $reason) {\n      ...ConsoleMember\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleRemoveFirmMember($userId: ID!, $reason: String!) {\n    removeFirmMember(userId: $userId, reason: $reason) {\n      ...ConsoleMember\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleAssignClientRole($userId: ID!, $tenant: String!, $role: RoleCluster!, $reason: String) {\n    assignClientRole(userId: $userId, tenant: $tenant, role: $role, reason: $reason) {\n      ...ConsoleMember\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleAssignClientRole($userId: ID!, $tenant: String!, $role: RoleCluster!, $reason: String) {\n    assignClientRole(userId: $userId, tenant: $tenant, role: $role, reason: $reason) {\n      ...ConsoleMember\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRevokeClientRole($userId: ID!, $tenant: String!, $reason: String!) {\n    revokeClientRole(userId: $userId, tenant: $tenant, reason: $reason) {\n      ...ConsoleMember\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleRevokeClientRole($userId: ID!, $tenant: String!, $reason: String!) {\n    revokeClientRole(userId: $userId, tenant: $tenant, reason: $reason) {\n      ...ConsoleMember\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;