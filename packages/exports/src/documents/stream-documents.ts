import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Actor, type pg, recordAuditEvent, tenantDb } from '@cifra/db';
import { ZipFile } from 'yazl';
import type { MinorUnitsOf } from '../formats.ts';
import type { ExportClaims } from '../link.ts';
import { EXPORT_CONTENT, exportFileName, fileSafe } from '../stream-export.ts';
import {
  type Brand,
  COMPANY,
  type CompanyRow,
  companyOf,
  type DocumentView,
  loadDocumentView,
  postedDocumentIds,
} from './document-view.ts';
import { renderDocumentPdf } from './render-pdf.ts';

/** The most documents one archive holds; `exportDocumentsArchive` refuses a range with more. */
export const MAX_ARCHIVE_DOCUMENTS = 2000;

/** A link whose document can no longer be served (none, or not posted): the gateway answers `status`. */
export class DocumentNotServed extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface StreamDocumentsOptions {
  /** A pool of the link's own client database: the tenant comes from the signed link, nowhere else. */
  pool: pg.Pool;
  claims: ExportClaims;
  /** The client's white label (`brandOf`), read from the control plane. */
  brand: Brand;
  minorUnitsOf: MinorUnitsOf;
  out: Writable;
  /** Called once the file is known to start, before the first byte (set headers here). */
  onStart?: (file: { contentType: string; fileName: string }) => void;
  /** The most documents a DOCUMENTS_ZIP serves (MAX_ARCHIVE_DOCUMENTS; smaller in tests). */
  maxDocuments?: number;
}

/**
 * Serve a DOCUMENT_PDF link (one posted document as a PDF) or a DOCUMENTS_ZIP link (every
 * document posted in the range, one PDF each, as a zip) from one consistent snapshot (REPEATABLE
 * READ, read only). The archive renders one document at a time, when the zip asks for its bytes,
 * with backpressure from `out`: memory holds one document, not the period. The download is
 * recorded in the client's audit trail first.
 */
export async function streamDocuments(o: StreamDocumentsOptions): Promise<void> {
  const { claims } = o;
  const client = await o.pool.connect();
  let failed: unknown;
  try {
    const actor: Actor = { userId: claims.userId, email: claims.email, requestId: claims.exportId };
    await recordAuditEvent(tenantDb(client), actor, {
      action:
        claims.format === 'DOCUMENT_PDF' ? 'document.render_downloaded' : 'documents.archive_downloaded',
      entityType: claims.format === 'DOCUMENT_PDF' ? 'Document' : 'Export',
      entityId: claims.format === 'DOCUMENT_PDF' ? (claims.documentId as string) : claims.exportId,
      after: { format: claims.format, from: claims.from, to: claims.to, exportId: claims.exportId },
    });
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SET LOCAL statement_timeout = '30min'`);
    const { rows } = await client.query<CompanyRow>(COMPANY);
    if (!rows[0]) throw new Error('client database has no company row');
    const context = { brand: o.brand, company: companyOf(rows[0]), minorUnitsOf: o.minorUnitsOf };
    const load = async (id: string): Promise<DocumentView> => {
      const view = await loadDocumentView(client, id, context);
      if (view?.status !== 'POSTED') {
        throw new DocumentNotServed(404, 'NOT_FOUND', 'This document is not posted in these books');
      }
      return view;
    };
    if (claims.format === 'DOCUMENT_PDF') {
      const view = await load(claims.documentId ?? '');
      o.onStart?.({ contentType: EXPORT_CONTENT.DOCUMENT_PDF.contentType, fileName: exportFileName(claims) });
      await pipeline(renderDocumentPdf(view), o.out);
    } else if (claims.format === 'DOCUMENTS_ZIP') {
      const max = o.maxDocuments ?? MAX_ARCHIVE_DOCUMENTS;
      const docs = await postedDocumentIds(client, claims.from, claims.to, max + 1);
      if (docs.length > max) {
        throw new DocumentNotServed(
          422,
          'BAD_USER_INPUT',
          `More than ${max} documents are posted in this range now: ask for a shorter one`,
        );
      }
      o.onStart?.({
        contentType: EXPORT_CONTENT.DOCUMENTS_ZIP.contentType,
        fileName: exportFileName(claims),
      });
      await pipeline(archive(docs, load), o.out);
    } else {
      throw new Error(`${claims.format} is served by streamExport`);
    }
    await client.query('COMMIT');
  } catch (err) {
    failed = err;
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    // A connection left mid-query by an aborted download is not reused.
    client.release(failed instanceof Error && !(failed instanceof DocumentNotServed) ? failed : undefined);
  }
}

/**
 * The zip of the documents' PDFs, `<number>.pdf` each. yazl asks for each entry's stream only when
 * it gets to it, so each document is read and rendered in turn; a failure ends the zip's stream
 * with the error, which cuts the download.
 */
function archive(
  docs: readonly { id: string; number: string }[],
  load: (id: string) => Promise<DocumentView>,
): NodeJS.ReadableStream {
  const zip = new ZipFile();
  for (const d of docs) {
    zip.addReadStreamLazy(`${fileSafe(d.number)}.pdf`, { compress: true }, (cb) => {
      load(d.id).then(
        (view) => cb(null, renderDocumentPdf(view)),
        (err: Error) => cb(err, undefined as never),
      );
    });
  }
  zip.on('error', (err: Error) => (zip.outputStream as unknown as { destroy(e: Error): void }).destroy(err));
  zip.end();
  return zip.outputStream;
}
