import {
  badInput,
  type Decimal,
  DomainError,
  decimalEquals,
  decimalOf,
  formatDecimal,
  ONE,
  parseDecimal,
  type Settings,
  translateAtRate,
} from '@cifra/domain';

/**
 * The FX seam of the documents: which rate a document is translated at, and what settling an
 * invoice at another rate realizes. The rate itself (lookup, peg, a typed rate's row) is decided at
 * posting by `rateForDocument` in @cifra/fx, shared with the FX subgraph.
 */

/** documents.exchange_rate is numeric(30, 12); rates are at most twelve decimals (numeric(28,12) in exchange_rates). */
const RATE_SCALE = 12;
const RATE_INTEGER_DIGITS = 16;

export interface RateQuestion {
  currency: string;
  baseCurrency: string;
  /** The rate the user gave, as an exact decimal string. */
  explicit?: string | null;
  /** A credit or debit note: the invoice it corrects, whose rate it must use. */
  correcting?: { number: string | null; exchangeRate: string | null } | null;
  /** The rate fixed by the regional configuration for this pair (USD on a PAB client), if any. */
  peg?: Decimal | null;
  field?: string;
}

/**
 * The rate a draft records: 1 for the base currency; a note takes the rate of the invoice it
 * corrects (so it reverses exactly what the invoice booked, and realizes nothing); a rate the user
 * gives is kept exactly (a pegged pair takes the peg, and refuses any other rate); otherwise null — the document is translated at the rate in force on its
 * document date, looked up when it is posted.
 */
export function decideDocumentRate(q: RateQuestion): Decimal | null {
  const field = q.field ?? 'exchangeRate';
  const given = q.explicit
    ? parseDecimal(q.explicit, {
        maxScale: RATE_SCALE,
        maxIntegerDigits: RATE_INTEGER_DIGITS,
        field,
        allowZero: false,
      })
    : null;
  if (q.currency === q.baseCurrency) {
    if (given && !decimalEquals(given, ONE)) {
      throw badInput(`${field}: a ${q.baseCurrency} document is in the base currency; its rate is 1`, {
        field,
      });
    }
    return ONE;
  }
  if (q.correcting) {
    const invoiceRate = decimalOf(q.correcting.exchangeRate ?? '1');
    if (given && !decimalEquals(given, invoiceRate)) {
      throw new DomainError(
        'SETTLEMENT_RATE_MISMATCH',
        `${field}: a note uses the rate of the invoice it corrects (${q.correcting.number}: ${formatDecimal(invoiceRate)})`,
        { field, invoiceRate: formatDecimal(invoiceRate) },
      );
    }
    return invoiceRate;
  }
  if (q.peg) {
    if (given && !decimalEquals(given, q.peg)) {
      throw badInput(
        `${field}: ${q.currency} is pegged to ${q.baseCurrency} at ${formatDecimal(q.peg)} by the regional configuration; no other rate applies`,
        { field, peg: formatDecimal(q.peg) },
      );
    }
    return q.peg;
  }
  return given;
}

export interface ClearingQuestion {
  /** The invoice's receivable or payable in base currency, as posted (its base total). */
  invoiceBaseMinor: bigint;
  invoiceRate: Decimal;
  /** What this allocation settles, in the invoice's currency (positive). */
  amountMinor: bigint;
  /** The invoice's open balance before this allocation, in its currency. */
  openMinor: bigint;
  /** The base already cleared by the invoice's other live settlements (positive). */
  clearedBaseMinor: bigint;
  minorUnits: number;
  baseMinorUnits: number;
}

/**
 * The base-currency receivable or payable an allocation clears (positive): the allocation at the
 * invoice's own rate, except that the allocation leaving nothing open takes exactly what is left of
 * the invoice's base amount, so a fully settled invoice leaves no residue from rounding.
 */
export function clearedBase(q: ClearingQuestion): bigint {
  if (q.amountMinor === q.openMinor) return q.invoiceBaseMinor - q.clearedBaseMinor;
  return translateAtRate(q.amountMinor, q.invoiceRate, q.minorUnits, q.baseMinorUnits);
}

export type FxRole = 'FxVarianceBankFees' | 'RealizedFxGain' | 'RealizedFxLoss';

/**
 * The account role a realized difference goes to. `realizedMinor` is positive for a gain. Simple
 * mode (the default) puts gains and losses on FxVarianceBankFees, beside the bank fees; Separated
 * mode puts gains on RealizedFxGain and losses on RealizedFxLoss.
 */
export function realizedFxRole(mode: Settings['fxVarianceMode'], realizedMinor: bigint): FxRole {
  if (mode === 'SEPARATED') return realizedMinor > 0n ? 'RealizedFxGain' : 'RealizedFxLoss';
  return 'FxVarianceBankFees';
}
