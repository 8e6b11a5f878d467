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
  clearingAccountCode: z.string().max(50).nullish(),
  memo: z.string().max(1000).nullish(),
  dryRun: z.boolean().nullish(),
});
export type OpeningBalancesInput = z.infer<typeof openingBalancesInput>;
export type OpeningItemInput = NonNullable<OpeningBalancesInput['openItems']>[number];

export type OpeningItemKind = Extract<DocumentKind, 'SALES_INVOICE' | 'PURCHASE_INVOICE'>;

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
  index: number;
  kind: OpeningItemKind;
  partyId: string;
  /** The number as given (the previous system's), and the document's own. */
  given: string;
  number: string;
  date: IsoDate;
  dueDate: IsoDate;
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
}
