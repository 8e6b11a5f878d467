import { inTransaction, recordAuditEvent } from '@cifra/db';
import { type ExportLinkSigner, exportFileName, itbmsClaimOf } from '@cifra/exports';
import { requireLegalDetails } from '../legal/legal-details.ts';
import type { Books } from '../services/books.ts';
import { type ExportCaller, signExportLink } from '../services/export-ledger.service.ts';
import { figuresOf } from './figures.ts';
import { itbmsReturn } from './tax-return.ts';

type Client = { id: string; slug: string };

/** What the link serves: the rendered PDF, or the return's CSV (the `csv` field's text) as a file. */
export type ItbmsReturnFileFormat = 'PDF' | 'CSV';

export interface RenderedItbmsReturn {
  url: string;
  expiresAt: Date;
  fileName: string;
  year: number;
  month: number;
  format: ItbmsReturnFileFormat;
}

/**
 * A signed link to the month's ITBMS return as a PDF or a CSV file (issue 19 §3). The return is
 * computed now, as `itbmsReturn` computes it, and its figures travel in the link; the gateway
 * renders them (the PDF with the client's legal details and white label, the CSV as the `csv`
 * field's text) when the link is used. Refuses as `itbmsReturn` does (BAD_USER_INPUT,
 * TAX_RETURN_NOT_AVAILABLE), and for the PDF LEGAL_DETAILS_REQUIRED while the client's RUC, DV,
 * address or regime is missing: a return is filed under them. Recorded in the audit trail.
 */
export async function renderItbmsReturn(
  books: Books,
  signer: ExportLinkSigner | undefined,
  actor: ExportCaller,
  client: Client,
  year: number,
  month: number,
  format: ItbmsReturnFileFormat = 'PDF',
): Promise<RenderedItbmsReturn> {
  const r = await itbmsReturn(books, year, month);
  if (format === 'PDF') await requireLegalDetails(books.db, 'before its tax return is rendered');
  const figures = figuresOf(r, books.company.baseCurrency.trim(), books.company.baseMinorUnits);
  const claims = {
    tenantId: client.id,
    tenantSlug: client.slug,
    format: format === 'PDF' ? ('ITBMS_RETURN_PDF' as const) : ('ITBMS_RETURN_CSV' as const),
    from: r.from,
    to: r.to,
    fileName: `${client.slug}-itbms-${r.from.slice(0, 7)}`,
    itbms: itbmsClaimOf(figures),
  };
  const link = await signExportLink(signer, actor, claims);
  await inTransaction(books.db, actor, (tx) =>
    recordAuditEvent(tx, actor, {
      action: 'itbms_return.rendered',
      entityType: 'Export',
      entityId: link.exportId,
      after: {
        year,
        month,
        format,
        outputTax: r.outputTaxMinor.toString(),
        inputTax: r.inputTaxMinor.toString(),
        netPayable: r.payableMinor.toString(),
        expiresAt: link.expiresAt.toISOString(),
      },
    }),
  );
  return { url: link.url, expiresAt: link.expiresAt, fileName: exportFileName(claims), year, month, format };
}
