import { inTransaction, recordAuditEvent, type TenantDb } from '@cifra/db';
import { badInput, DomainError, daysBetween, parseIsoDate } from '@cifra/domain';
import { type ExportLinkSigner, exportFileName, MAX_ARCHIVE_DOCUMENTS } from '@cifra/exports';
import type { Document } from '../mappers.ts';
import { type ExportCaller, signExportLink } from '../services/export-ledger.service.ts';
import { documentToRender, postedCount } from './store.ts';

/** The longest range one archive covers, in days counting both ends. */
export const MAX_ARCHIVE_DAYS = 366;

type Client = { id: string; slug: string };

/**
 * Signed links to rendered documents, made like exportLedger's: the tenant in the link is the one
 * of the gateway-signed request context, never an argument, and the request is recorded in the
 * client's audit trail before the link is handed out. The gateway renders when the link is used.
 */
export async function renderDocument(
  db: TenantDb,
  signer: ExportLinkSigner | undefined,
  actor: ExportCaller,
  client: Client,
  id: string,
): Promise<{ url: string; expiresAt: Date; fileName: string; document: Document }> {
  const document = await documentToRender(db, id);
  // Another client's document is not in these books: it is unknown here, like any other id.
  if (!document) throw new DomainError('NOT_FOUND', `No document ${id}`, { id });
  if (document.status !== 'POSTED') {
    throw new DomainError(
      'DOCUMENT_NOT_POSTED',
      `Document ${id} is ${document.status === 'DRAFT' ? 'a draft' : 'discarded'}: only a posted document is rendered`,
      { id, status: document.status },
    );
  }
  const claims = {
    tenantId: client.id,
    tenantSlug: client.slug,
    format: 'DOCUMENT_PDF' as const,
    from: document.postingDate,
    to: document.postingDate,
    documentId: document.id,
    fileName: `${client.slug}-${document.number}`,
  };
  const link = await signExportLink(signer, actor, claims);
  await inTransaction(db, actor, (tx) =>
    recordAuditEvent(tx, actor, {
      action: 'document.rendered',
      entityType: 'Document',
      entityId: document.id,
      after: { number: document.number, exportId: link.exportId, expiresAt: link.expiresAt.toISOString() },
    }),
  );
  return { url: link.url, expiresAt: link.expiresAt, fileName: exportFileName(claims), document };
}

export async function exportDocumentsArchive(
  db: TenantDb,
  signer: ExportLinkSigner | undefined,
  actor: ExportCaller,
  client: Client,
  args: { from: string; to: string },
  maxDocuments = MAX_ARCHIVE_DOCUMENTS,
) {
  const from = parseIsoDate(args.from, 'from');
  const to = parseIsoDate(args.to, 'to');
  if (from > to) throw badInput('from: must not be after to', { field: 'from' });
  if (daysBetween(from, to) + 1 > MAX_ARCHIVE_DAYS) {
    throw badInput(`to: an archive covers at most ${MAX_ARCHIVE_DAYS} days`, { field: 'to' });
  }
  const documentCount = await postedCount(db, from, to);
  if (documentCount > maxDocuments) {
    throw badInput(
      `to: ${documentCount} documents are posted from ${from} to ${to}; an archive holds at most ${maxDocuments}: ask for a shorter range`,
      { field: 'to', documentCount },
    );
  }
  const claims = { tenantId: client.id, tenantSlug: client.slug, format: 'DOCUMENTS_ZIP' as const, from, to };
  const link = await signExportLink(signer, actor, claims);
  await inTransaction(db, actor, (tx) =>
    recordAuditEvent(tx, actor, {
      action: 'documents.archive_exported',
      entityType: 'Export',
      entityId: link.exportId,
      after: { format: 'DOCUMENTS_ZIP', from, to, documentCount, expiresAt: link.expiresAt.toISOString() },
    }),
  );
  return {
    url: link.url,
    expiresAt: link.expiresAt,
    fileName: exportFileName(claims),
    from,
    to,
    documentCount,
  };
}
