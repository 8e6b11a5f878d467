import { graphql } from '../../__generated__/gql.ts';

/**
 * Every request of the audit screens: a client's trail (`auditEvents`, needs Audit.Read, sent with
 * the client's X-Tenant) and the firm's own (`firmAuditEvents`, needs Audit.ReadFirm), each with
 * the API's filters and its chain's verification.
 */

export const AUDIT_PAGE = 25;

export const ClientAuditEventFragment = graphql(`
  fragment ConsoleAuditEvent on AuditEvent {
    id
    occurredAt
    actorId
    actorEmail
    actorKind
    actorIntegration {
      name
      clientId
    }
    action
    entityType
    entityId
    before
    after
    reason
    requestId
    clientVersion
    chainSeq
    hash
    previousHash
  }
`);

export const ClientAuditTrailQuery = graphql(`
  query ConsoleClientAuditTrail($filter: AuditEventFilter, $first: Int!, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      edges {
        node {
          ...ConsoleAuditEvent
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const VerifyClientChainQuery = graphql(`
  query ConsoleVerifyClientChain {
    verifyAuditChain {
      ok
      checked
      headSeq
      headHash
      verifiedAt
      firstBrokenLink {
        chainSeq
        eventId
        problem
        event {
          ...ConsoleAuditEvent
        }
      }
    }
  }
`);

export const FirmAuditEventFragment = graphql(`
  fragment ConsoleFirmAuditEvent on FirmAuditEvent {
    id
    occurredAt
    actorId
    actorEmail
    action
    entityType
    entityId
    tenantId
    tenant {
      id
      slug
      name
    }
    before
    after
    reason
    requestId
    clientVersion
    chainSeq
    hash
    previousHash
  }
`);

export const FirmAuditTrailQuery = graphql(`
  query ConsoleFirmAuditTrail($filter: FirmAuditEventFilter, $first: Int!, $after: String) {
    firmAuditEvents(filter: $filter, first: $first, after: $after) {
      edges {
        node {
          ...ConsoleFirmAuditEvent
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const VerifyFirmChainQuery = graphql(`
  query ConsoleVerifyFirmChain {
    verifyFirmAuditChain {
      ok
      checked
      headSeq
      headHash
      verifiedAt
      firstBrokenLink {
        chainSeq
        eventId
        problem
        event {
          ...ConsoleFirmAuditEvent
        }
      }
    }
  }
`);
