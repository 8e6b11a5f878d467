import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Actor, type pg, recordAuditEvent, tenantDb } from '@cifra/db';
import { type Brand, COMPANY, type CompanyRow, companyOf } from '../documents/document-view.ts';
import { DocumentNotServed } from '../documents/stream-documents.ts';
import { type ExportClaims, isItbmsReturnFormat } from '../link.ts';
import { EXPORT_CONTENT, exportFileName } from '../stream-export.ts';
import { itbmsReturnCsvText } from './itbms-csv.ts';
import { itbmsFiguresOf } from './itbms-figures.ts';
import { renderItbmsReturnPdf } from './render-itbms-pdf.ts';

export interface StreamItbmsReturnOptions {
  /** A pool of the link's own client database: the tenant comes from the signed link, nowhere else. */
  pool: pg.Pool;
  claims: ExportClaims;
  brand: Brand;
  out: Writable;
  onStart?: (file: { contentType: string; fileName: string }) => void;
}

/**
 * Serve an ITBMS_RETURN_PDF or ITBMS_RETURN_CSV link: the figures the link carries, with the
 * client's legal details read now (as a rendered document shows them) and, on the PDF, its white
 * label. The download is recorded in the client's audit trail first. The PDF needs the legal
 * details (a return is filed under its RUC): removed since the link was made (they cannot be today,
 * but the check costs nothing) they answer 422 LEGAL_DETAILS_REQUIRED instead of a return without a
 * RUC. The CSV is the `itbmsReturn.csv` field's text, which names the legal name only.
 */
export async function streamItbmsReturn(o: StreamItbmsReturnOptions): Promise<void> {
  const { claims } = o;
  if (!isItbmsReturnFormat(claims.format) || !claims.itbms) {
    throw new Error(`${claims.format} is not an ITBMS return link`);
  }
  const client = await o.pool.connect();
  let failed: unknown;
  try {
    const actor: Actor = { userId: claims.userId, email: claims.email, requestId: claims.exportId };
    await recordAuditEvent(tenantDb(client), actor, {
      action: 'itbms_return.render_downloaded',
      entityType: 'Export',
      entityId: claims.exportId,
      after: { format: claims.format, from: claims.from, to: claims.to, exportId: claims.exportId },
    });
    const { rows } = await client.query<CompanyRow>(COMPANY);
    if (!rows[0]) throw new Error('client database has no company row');
    const company = companyOf(rows[0]);
    const figures = itbmsFiguresOf(claims.itbms);
    const file = { contentType: EXPORT_CONTENT[claims.format].contentType, fileName: exportFileName(claims) };
    if (claims.format === 'ITBMS_RETURN_CSV') {
      o.onStart?.(file);
      await pipeline(Readable.from([itbmsReturnCsvText(figures, company.legalName)]), o.out);
      return;
    }
    if (!company.ruc || !company.dv || !company.address) {
      throw new DocumentNotServed(
        422,
        'LEGAL_DETAILS_REQUIRED',
        "The client's legal details (RUC, DV, address) are not set: updateLegalDetails first",
      );
    }
    o.onStart?.(file);
    await pipeline(renderItbmsReturnPdf({ brand: o.brand, company, figures }), o.out);
  } catch (err) {
    failed = err;
    throw err;
  } finally {
    client.release(failed instanceof Error && !(failed instanceof DocumentNotServed) ? failed : undefined);
  }
}
