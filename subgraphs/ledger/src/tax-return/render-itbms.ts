import { inTransaction, recordAuditEvent } from '@cifra/db';
import { decimalOf, formatDecimal } from '@cifra/domain';
import {
  type ExportLinkSigner,
  exportFileName,
  type ItbmsRateFigures,
  type ItbmsReturnFigures,
  itbmsClaimOf,
} from '@cifra/exports';
import { requireLegalDetails } from '../legal/legal-details.ts';
import type { Books } from '../services/books.ts';
import { type ExportCaller, signExportLink } from '../services/export-ledger.service.ts';
import type { RateFigures } from './itbms.ts';
import { type ItbmsReturnData, itbmsReturn } from './tax-return.ts';

type Client = { id: string; slug: string };

export interface RenderedItbmsReturn {
  url: string;
  expiresAt: Date;
  fileName: string;
  year: number;
  month: number;
}

/**
 * A signed link to the month's ITBMS return as a PDF (issue 19 §3). The return is computed now, as
 * `itbmsReturn` computes it, and its figures travel in the link; the gateway renders them with the
 * client's legal details and white label when the link is used. Refuses as `itbmsReturn` does
 * (BAD_USER_INPUT, TAX_RETURN_NOT_AVAILABLE) and LEGAL_DETAILS_REQUIRED while the client's RUC,
 * DV, address or regime is missing: a return is filed under them. Recorded in the audit trail.
 */
export async function renderItbmsReturn(
  books: Books,
  signer: ExportLinkSigner | undefined,
  actor: ExportCaller,
  client: Client,
  year: number,
  month: number,
): Promise<RenderedItbmsReturn> {
  const r = await itbmsReturn(books, year, month);
  await requireLegalDetails(books.db, 'before its tax return is rendered');
  const figures = figuresOf(r, books.company.baseCurrency.trim(), books.company.baseMinorUnits);
  const claims = {
    tenantId: client.id,
    tenantSlug: client.slug,
    format: 'ITBMS_RETURN_PDF' as const,
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
        outputTax: r.outputTaxMinor.toString(),
        inputTax: r.inputTaxMinor.toString(),
        netPayable: r.payableMinor.toString(),
        expiresAt: link.expiresAt.toISOString(),
      },
    }),
  );
  return { url: link.url, expiresAt: link.expiresAt, fileName: exportFileName(claims), year, month };
}

const rates = (list: RateFigures[]): ItbmsRateFigures[] =>
  list.map((l) => ({
    ratePercent: formatDecimal(decimalOf(l.ratePercent)),
    baseMinor: l.baseMinor,
    taxMinor: l.taxMinor,
  }));

function figuresOf(r: ItbmsReturnData, baseCurrency: string, minorUnits: number): ItbmsReturnFigures {
  return {
    year: r.year,
    month: r.month,
    from: r.from,
    to: r.to,
    baseCurrency,
    minorUnits,
    sales: rates(r.sales),
    exemptSalesMinor: r.exemptSalesMinor,
    creditNotesBaseMinor: r.creditNotes.baseMinor,
    creditNotesTaxMinor: r.creditNotes.taxMinor,
    purchases: rates(r.purchases),
    exemptPurchasesMinor: r.exemptPurchasesMinor,
    debitNotesBaseMinor: r.debitNotes.baseMinor,
    debitNotesTaxMinor: r.debitNotes.taxMinor,
    journalOutputTaxMinor: r.journalOutputTaxMinor,
    journalInputTaxMinor: r.journalInputTaxMinor,
    outputTaxMinor: r.outputTaxMinor,
    inputTaxMinor: r.inputTaxMinor,
    creditBroughtForwardMinor: r.creditBroughtForwardMinor,
    netPayableMinor: r.payableMinor,
    creditCarriedForwardMinor: r.carriedForwardMinor,
    glOutputTaxMinor: r.glOutputTaxMinor,
    glInputTaxMinor: r.glInputTaxMinor,
    reconciles: r.reconciles,
  };
}
