import { type Decimal, mulDecimal, percentOfMinor, toMinor, translateAtRate } from './decimal.ts';
import { badInput } from './errors.ts';
import { assertAmountInRange, MAX_AMOUNT_MINOR } from './input.ts';

/**
 * The arithmetic of sales and purchase documents, pure and exact (see docs/architecture/documents.md).
 *
 * Rounding rule, applied per line: the line amount is quantity × unit price rounded half away from
 * zero to the document currency's minor unit; the line's tax is that rounded amount × the tax
 * code's rate / 100, rounded the same way. Document subtotal, tax and total are exact sums of the
 * rounded line figures, so what the customer sees on each line adds up to the total to the cent.
 */
export interface LineFigures {
  amountMinor: bigint;
  taxMinor: bigint;
}

export function computeLine(
  quantity: Decimal,
  unitPrice: Decimal,
  taxRatePercent: Decimal,
  minorUnits: number,
  field = 'lines',
): LineFigures {
  const amountMinor = assertAmountInRange(toMinor(mulDecimal(quantity, unitPrice), minorUnits), field);
  return { amountMinor, taxMinor: percentOfMinor(amountMinor, taxRatePercent) };
}

export interface DocumentTotals {
  subtotalMinor: bigint;
  taxMinor: bigint;
  totalMinor: bigint;
}

export function sumLines(lines: readonly LineFigures[]): DocumentTotals {
  let subtotalMinor = 0n;
  let taxMinor = 0n;
  for (const l of lines) {
    subtotalMinor += l.amountMinor;
    taxMinor += l.taxMinor;
  }
  return { subtotalMinor, taxMinor, totalMinor: subtotalMinor + taxMinor };
}

/** One GL line in the document's currency, signed (debit +), before translation. */
export interface DocumentPostingLine {
  accountId: string;
  amountMinor: bigint;
  partyId?: string | null;
  memo?: string;
}

export interface TranslatedLine {
  accountId: string;
  amountMinor: bigint;
  originalCurrency: string;
  originalAmountMinor: bigint;
  partyId: string | null;
  memo: string;
}

export interface Translation {
  currency: string;
  minorUnits: number;
  baseCurrency: string;
  baseMinorUnits: number;
  /** Base-currency units per one document-currency unit. */
  rate: Decimal;
  roundingAccountId: string;
}

/**
 * Translate a balanced set of document-currency lines into base currency: each line at the rate,
 * rounded half away from zero to the base minor unit, keeping its document currency and amount as
 * the original. What translation leaves unbalanced (a few base minor units at most) goes to the
 * Rounding account as one more line, whose original is recorded in base currency because it has
 * no amount in the document's currency. Lines of zero (in either currency) are left out; their
 * translation, if any, ends up in the rounding line.
 */
export function translateLines(lines: readonly DocumentPostingLine[], t: Translation): TranslatedLine[] {
  const out: TranslatedLine[] = [];
  let sum = 0n;
  for (const l of lines) {
    if (l.amountMinor === 0n) continue;
    const base =
      t.currency === t.baseCurrency && t.rate.units === 10n ** BigInt(t.rate.scale)
        ? l.amountMinor
        : translateAtRate(l.amountMinor, t.rate, t.minorUnits, t.baseMinorUnits);
    if (base === 0n) continue;
    if (base > MAX_AMOUNT_MINOR || base < -MAX_AMOUNT_MINOR) {
      // Checked before the database, whose columns would refuse it as a number out of range.
      throw badInput(
        `exchangeRate: at this rate a line of the document is beyond the largest amount the books accept in ${t.baseCurrency}`,
        { field: 'exchangeRate', currency: t.currency, baseCurrency: t.baseCurrency },
      );
    }
    sum += base;
    out.push({
      accountId: l.accountId,
      amountMinor: base,
      originalCurrency: t.currency,
      originalAmountMinor: l.amountMinor,
      partyId: l.partyId ?? null,
      memo: l.memo ?? '',
    });
  }
  if (sum !== 0n) {
    out.push({
      accountId: t.roundingAccountId,
      amountMinor: -sum,
      originalCurrency: t.baseCurrency,
      originalAmountMinor: -sum,
      partyId: null,
      memo: 'Currency translation rounding',
    });
  }
  return out;
}

/** Aging buckets by days past due at the report date. */
export const AGING_BUCKETS = ['current', 'days1To30', 'days31To60', 'days61To90', 'over90'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

export function agingBucket(daysPastDue: number): AgingBucket {
  if (daysPastDue <= 0) return 'current';
  if (daysPastDue <= 30) return 'days1To30';
  if (daysPastDue <= 60) return 'days31To60';
  if (daysPastDue <= 90) return 'days61To90';
  return 'over90';
}
