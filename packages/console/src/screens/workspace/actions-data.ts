import { graphql } from '../../__generated__/gql.ts';

/**
 * The workspace's actions beyond reading: a document's PDF and a period's PDFs (sent with the
 * client's `X-Tenant` by the workspace's own client), the client's archiving and a sandbox's
 * deletion (firm-level: sent by the firm's client, naming the client by slug), and the books'
 * check against the audit chain.
 */

/** A posted document as a PDF: a signed link, valid five minutes, that needs no header. */
export const RenderDocumentMutation = graphql(`
  mutation ConsoleRenderDocument($id: ID!) {
    renderDocument(id: $id) {
      url
      expiresAt
      fileName
    }
  }
`);

/** A period's posted documents, one PDF each, as one zip behind a signed link. */
export const ExportDocumentsArchiveMutation = graphql(`
  mutation ConsoleExportDocumentsArchive($from: Date!, $to: Date!) {
    exportDocumentsArchive(from: $from, to: $to) {
      url
      expiresAt
      fileName
      from
      to
      documentCount
    }
  }
`);

export const ArchiveClientMutation = graphql(`
  mutation ConsoleArchiveClient($tenant: String!, $reason: String!) {
    archiveClient(tenant: $tenant, reason: $reason) {
      id
      archived
      archivedAt
    }
  }
`);

export const UnarchiveClientMutation = graphql(`
  mutation ConsoleUnarchiveClient($tenant: String!, $reason: String!) {
    unarchiveClient(tenant: $tenant, reason: $reason) {
      id
      archived
      archivedAt
    }
  }
`);

export const DeleteSandboxMutation = graphql(`
  mutation ConsoleDeleteSandbox($tenant: String!, $reason: String!) {
    deleteSandboxClient(tenant: $tenant, reason: $reason) {
      tenantId
      slug
      deletedAt
      backupsDeleted
    }
  }
`);

/** The books recomputed against the digests their postings recorded, and the chain against its checkpoint. */
export const VerifyBooksQuery = graphql(`
  query ConsoleVerifyBooks {
    verifyBooks {
      ok
      checked
      verifiedAt
      firstMismatch {
        entryId
        number
        problem
      }
      checkpoint {
        ok
        chainSeq
        takenAt
        problem
      }
    }
  }
`);
