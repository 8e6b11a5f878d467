import type { DocumentKind, IsoDate } from '@cifra/domain';
import { z } from 'zod';

/** The most lines of a trial balance, and of open items, one import takes. */
export const MAX_LINES = 10_000;
/** The most problems reported (the first found): enough to fix a file, bounded for the answer. */
export const MAX_PROBLEMS = 1_000;

const money = z.string().max(40);

export const openingBalancesInput = z.object({
  openingDate: z.string(),
  trialBalance: z
    .array(
      z.object({
        accountCode: z.string().max(50),
        debit: money.nullish(),
        credit: money.nullish(),
        partyId: z.string().max(64).nullish(),
      }),
    )
    .max(MAX_LINES),
  openItems: z
    .array(
      z.object({
        kind: z.enum(['SALES_INVOICE', 'PURCHASE_INVOICE']),
        partyId: z.string().max(64).nullish(),
        partyCode: z.string().max(50).nullish(),
        number: z.string().max(100),
        date: z.string(),
        dueDate: z.string().nullish(),
        currency: z.string().max(20).nullish(),
        originalAmount: money,
        openAmount: money,
        rate: z.string().max(40).nullish(),
      }),
    )
    .max(MAX_LINES)
    .nullish(),
  openCredits: z
    .array(
      z.object({
        kind: z.enum(['CUSTOMER_ADVANCE', 'CREDIT_NOTE', 'VENDOR_ADVANCE', 'DEBIT_NOTE']),
        partyId: z.string().max(64).nullish(),
        partyCode: z.string().max(50).nullish(),
        number: z.string().max(100),
        date: z.string(),
        currency: z.string().max(20).nullish(),
        originalAmount: money,
        openAmount: money,
        rate: z.string().max(40).nullish(),
      }),
    )
    .max(MAX_LINES)
    .nullish(),
  clearingAccountCode: z.string().max(50).nullish(),
  memo: z.string().max(1000).nullish(),
  dryRun: z.boolean().nullish(),
});
export type OpeningBalancesInput = z.infer<typeof openingBalancesInput>;
export type OpeningItemInput = NonNullable<OpeningBalancesInput['openItems']>[number];

export type OpeningCreditInput = NonNullable<OpeningBalancesInput['openCredits']>[number];

export type OpeningItemKind = Extract<DocumentKind, 'SALES_INVOICE' | 'PURCHASE_INVOICE'>;
/** The documents open credits become: advances as receipts and payments, notes as notes. */
export type OpeningCreditDocKind = Extract<
  DocumentKind,
  'CUSTOMER_RECEIPT' | 'CREDIT_NOTE' | 'VENDOR_PAYMENT' | 'DEBIT_NOTE'
>;
export const CREDIT_DOC_KIND: Record<OpeningCreditInput['kind'], OpeningCreditDocKind> = {
  CUSTOMER_ADVANCE: 'CUSTOMER_RECEIPT',
  CREDIT_NOTE: 'CREDIT_NOTE',
  VENDOR_ADVANCE: 'VENDOR_PAYMENT',
  DEBIT_NOTE: 'DEBIT_NOTE',
};

/**
 * An open item or open credit as the check sees it: which list it came from (`openItems` or
 * `openCredits`), its place there, and the document kind it becomes. A credit has no due date.
 */
export interface OpenRow {
  list: 'openItems' | 'openCredits';
  index: number;
  kind: OpeningItemKind | OpeningCreditDocKind;
  credit: boolean;
  partyId?: string | null;
  partyCode?: string | null;
  number: string;
  date: string;
  dueDate?: string | null;
  currency?: string | null;
  originalAmount: string;
  openAmount: string;
  rate?: string | null;
}

export const openRowsOf = (input: OpeningBalancesInput): OpenRow[] => [
  ...(input.openItems ?? []).map((it, index) => ({
    ...it,
    list: 'openItems' as const,
    index,
    credit: false,
  })),
  ...(input.openCredits ?? []).map((c, index) => ({
    ...c,
    list: 'openCredits' as const,
    index,
    kind: CREDIT_DOC_KIND[c.kind],
    credit: true,
  })),
];

/** Every problem a check can report (the schema's OpeningBalanceProblemCode). */
export type ProblemCode =
  | 'ALREADY_IMPORTED'
  | 'OPENING_DATE'
  | 'ACTIVITY_BEFORE_OPENING'
  | 'UNBALANCED'
  | 'UNKNOWN_ACCOUNT'
  | 'INACTIVE_ACCOUNT'
  | 'DUPLICATE_ACCOUNT'
  | 'BAD_AMOUNT'
  | 'CONTROL_ACCOUNT_MISMATCH'
  | 'CONTROL_ACCOUNT_PARTY'
  | 'CLEARING_ACCOUNT'
  | 'UNKNOWN_PARTY'
  | 'DUPLICATE_NUMBER'
  | 'BAD_DATE'
  | 'BAD_CURRENCY'
  | 'BAD_RATE'
  | 'OPEN_EXCEEDS_ORIGINAL';

export interface Problem {
  index: number | null;
  field: string;
  code: ProblemCode;
  message: string;
}

/** A trial balance line as it will post: signed base amount (debit +), on its account or the clearing one. */
export interface PlannedLine {
  accountId: string;
  accountCode: string;
  amountMinor: bigint;
  partyId: string | null;
  /** A receivable or payable balance: posted to the clearing account, the open items carry it. */
  toClearing: boolean;
}

export interface PlannedItem {
  id: string;
  list: OpenRow['list'];
  index: number;
  kind: OpenRow['kind'];
  /** An open credit: what it leaves on the party's account is all of it (`credit_minor`). */
  credit: boolean;
  partyId: string;
  /** The number as given (the previous system's), and the document's own. */
  given: string;
  number: string;
  date: IsoDate;
  /** An invoice's or bill's due date; null for a credit. */
  dueDate: IsoDate | null;
  currency: string;
  minorUnits: number;
  openMinor: bigint;
  originalMinor: bigint;
  rate: { units: bigint; scale: number };
  /** The rate typed, for a currency that is neither the base nor pegged to it. */
  explicitRate: { units: bigint; scale: number } | null;
  baseMinor: bigint;
}

export interface Plan {
  openingDate: IsoDate;
  memo: string;
  lines: PlannedLine[];
  items: PlannedItem[];
  clearingAccountId: string | null;
  receivableAccountId: string | null;
  payableAccountId: string | null;
  totalDebitMinor: bigint;
  totalCreditMinor: bigint;
  receivableMinor: bigint;
  payableMinor: bigint;
  /** The open credits' base amounts: customers' (on the receivable) and vendors' (on the payable). */
  customerCreditsMinor: bigint;
  vendorCreditsMinor: bigint;
}
