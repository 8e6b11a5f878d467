import { formatDecimal, formatMoney } from '@cifra/domain';
import type { PostingLine, PostingRequest } from '@cifra/engine';
import type { Books } from '../services/books.ts';
import type { Family } from './kinds.ts';
import type { OwnRate } from './rates.ts';
import type { DocumentRow } from './store.ts';
import type { TranslatedDocument } from './translate.ts';

type Allocation = { invoiceId: string; amountMinor: bigint };

/** The idempotency key of a document's entry: a second posting of the document finds it. */
export const documentEntryKey = (id: string) => `document:${id}`;

/** A document's journal entry, its lines translated: what the engine posts. */
export const documentEntry = (doc: DocumentRow, lines: PostingLine[]): PostingRequest => ({
  kind: doc.kind,
  postingDate: doc.postingDate,
  memo: doc.memo || `${doc.kind} ${doc.reference ?? ''}`.trim(),
  sourceId: doc.id,
  idempotencyKey: documentEntryKey(doc.id),
  lines,
});

/** The operation that posts each family (its name in errors). */
export const OPERATION: Record<Family, string> = {
  SALES: 'approveSalesInvoice',
  PURCHASING: 'postPurchaseInvoice',
  PAYMENT: 'postPayment',
  WRITE_OFF: 'writeOffBadDebt',
};

/** The `document.posted` event: number, entry, total, the rate and its source, realized FX, allocations. */
export function postedEvent(
  books: Books,
  doc: DocumentRow,
  posted: {
    number: string;
    entryNumber: string;
    minorUnits: number;
    corrected: DocumentRow | undefined;
    creditMinor: bigint;
  },
  own: OwnRate,
  translated: TranslatedDocument,
  proposed: Allocation[],
  differences: ReadonlyMap<string, bigint>,
) {
  const { baseCurrency, baseMinorUnits } = books.company;
  const realized = [...translated.settled.values()].reduce((s, a) => s + a.realizedFxMinor, 0n);
  return {
    action: 'document.posted',
    entityType: 'Document',
    entityId: doc.id,
    before: { status: 'DRAFT' },
    after: {
      status: 'POSTED',
      kind: doc.kind,
      number: posted.number,
      entry: posted.entryNumber,
      total: formatMoney(doc.totalMinor, posted.minorUnits),
      currency: doc.currency,
      exchangeRate: formatDecimal(own.rate),
      ...(doc.currency !== baseCurrency
        ? {
            exchangeRateId: own.provenance.exchangeRateId?.toString() ?? null,
            rateSource: own.used?.source ?? 'INVOICE',
            rateDate: own.used?.rateDate ?? posted.corrected?.documentDate ?? null,
            rateIsFallback: own.provenance.rateIsFallback,
          }
        : {}),
      ...(realized !== 0n ? { realizedFx: formatMoney(realized, baseMinorUnits) } : {}),
      ...(posted.creditMinor !== 0n
        ? { creditOnAccount: formatMoney(posted.creditMinor, posted.minorUnits) }
        : {}),
      allocations: proposed.map((a) => {
        const difference = differences.get(a.invoiceId) ?? 0n;
        return {
          invoiceId: a.invoiceId,
          amount: formatMoney(a.amountMinor + difference, posted.minorUnits),
          ...(difference ? { smallDifference: formatMoney(difference, posted.minorUnits) } : {}),
        };
      }),
    },
  };
}
