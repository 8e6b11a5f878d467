import { computeLine, DomainError, decimalOf } from '@cifra/domain';
import type { LineInForce } from './group-store.ts';
import type { DocumentRow } from './store.ts';

/**
 * A draft posts only with each line taxed at its code's rate in force on the document date: the
 * rate its writer priced it at with the code held (`holdTaxCodes`), which `updateTaxCode` then
 * keeps from changing under it (TAX_RATE_DATE_IN_USE). A line whose tax is not that rate's (a draft
 * written before writers held their codes, while a new rate committed) is refused with DRAFT_STALE
 * naming it: updating the draft prices it again. Checked in memory, on the lines as read for posting.
 */
export function requireTaxInForce(doc: DocumentRow, lines: readonly LineInForce[], minorUnits: number): void {
  lines.forEach((line, i) => {
    if (!line.taxCode || line.rateInForce === null) return;
    const rate = decimalOf(line.rateInForce);
    const { taxMinor } = computeLine(decimalOf(line.quantity), decimalOf(line.unitPrice), rate, minorUnits);
    if (taxMinor === line.taxMinor) return;
    const field = `lines[${i}].taxCode`;
    throw new DomainError(
      'DRAFT_STALE',
      `${field}: ${line.taxCode} is ${line.rateInForce} % on ${doc.documentDate}, but the line was taxed at another rate; update the draft to price it again`,
      { field, value: line.taxCode, ratePercent: line.rateInForce, id: doc.id },
    );
  });
}
