import { DOCUMENT_KINDS } from './document-kinds.ts';

/** The posting state of a period (seed 003). */
export const PeriodStates = [
  'UNLOCKED',
  'LOCK_SALES',
  'LOCK_PURCHASING',
  'LOCK_SALES_AND_PURCHASING',
  'LOCKED',
  'CLOSED',
] as const;
export type PeriodState = (typeof PeriodStates)[number];

/** What posted a journal entry: a person by hand, a document, the year-end close, a reversal. */
export const SourceKinds = ['MANUAL', ...DOCUMENT_KINDS, 'YEAR_END_CLOSE', 'REVERSAL'] as const;
export type SourceKind = (typeof SourceKinds)[number];

export type DocumentSide = 'SALES' | 'PURCHASING' | 'ADJUSTMENT';

const SIDE: Record<SourceKind, DocumentSide> = {
  SALES_INVOICE: 'SALES',
  CREDIT_NOTE: 'SALES',
  CUSTOMER_RECEIPT: 'SALES',
  BAD_DEBT_WRITE_OFF: 'SALES',
  PURCHASE_INVOICE: 'PURCHASING',
  DEBIT_NOTE: 'PURCHASING',
  VENDOR_PAYMENT: 'PURCHASING',
  CUSTOMER_REFUND: 'SALES',
  CUSTOMER_CREDIT_APPLICATION: 'SALES',
  VENDOR_REFUND: 'PURCHASING',
  VENDOR_CREDIT_APPLICATION: 'PURCHASING',
  MANUAL: 'ADJUSTMENT',
  REVERSAL: 'ADJUSTMENT',
  YEAR_END_CLOSE: 'ADJUSTMENT',
};

export function sideOf(kind: SourceKind): DocumentSide {
  return SIDE[kind];
}

/**
 * Whether a document of this kind may post into a period in this state. Sales documents stop at
 * LOCK_SALES, purchasing documents at LOCK_PURCHASING, both at LOCK_SALES_AND_PURCHASING, where the
 * accountant's own adjustments still go in; LOCKED and CLOSED take nothing (the year-end closing
 * entry is posted by the close itself, which moves the periods to CLOSED in the same transaction).
 */
export function periodAcceptsPosting(state: PeriodState, kind: SourceKind): boolean {
  if (kind === 'YEAR_END_CLOSE') return state === 'LOCKED';
  switch (state) {
    case 'UNLOCKED':
      return true;
    case 'LOCK_SALES':
      return sideOf(kind) !== 'SALES';
    case 'LOCK_PURCHASING':
      return sideOf(kind) !== 'PURCHASING';
    case 'LOCK_SALES_AND_PURCHASING':
      return sideOf(kind) === 'ADJUSTMENT';
    case 'LOCKED':
    case 'CLOSED':
      return false;
  }
}
