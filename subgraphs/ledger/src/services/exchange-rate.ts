import {
  badInput,
  type Decimal,
  DomainError,
  decimalEquals,
  decimalOf,
  formatDecimal,
  ONE,
  parseDecimal,
} from '@cifra/domain';

/**
 * The FX seam of the documents. Two decisions, each in one function, so the FX work (automatic
 * rate lookup, realized FX on settlement) replaces their bodies without touching the documents.
 */

/** documents.exchange_rate is numeric(30, 12). */
const RATE_SCALE = 12;
const RATE_INTEGER_DIGITS = 18;

export interface RateQuestion {
  currency: string;
  baseCurrency: string;
  /** The rate the user gave, as an exact decimal string. */
  explicit?: string | null;
  /** A credit or debit note: the invoice it corrects, whose rate it must use. */
  correcting?: { number: string | null; exchangeRate: string | null } | null;
  field?: string;
}

/**
 * The rate of a document: base-currency units per one document-currency unit. Today it is the
 * explicit rate the user gives (required for a foreign currency; 1 for the base currency); a note
 * takes the rate of the invoice it corrects, so it reverses exactly what the invoice booked.
 */
export function decideDocumentRate(q: RateQuestion): Decimal {
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
  if (!given) {
    throw badInput(
      `${field}: a ${q.currency} document needs an exchange rate to ${q.baseCurrency} (units of ${q.baseCurrency} per 1 ${q.currency})`,
      { field, currency: q.currency },
    );
  }
  return given;
}

/**
 * What settling `invoice` at the settling document's rate leaves as a realized FX difference, in
 * base minor units. Realized FX is not posted yet: a foreign invoice must be settled at its own
 * rate, and any other rate is refused with SETTLEMENT_RATE_MISMATCH, so this returns 0 whenever it
 * returns. The FX work replaces the refusal with the difference, posted to RealizedFxGain/Loss.
 */
export function settlementDifference(
  invoice: { number: string | null; currency: string; exchangeRate: string | null },
  settlingRate: Decimal,
  field: string,
): bigint {
  const invoiceRate = decimalOf(invoice.exchangeRate ?? '1');
  if (!decimalEquals(invoiceRate, settlingRate)) {
    throw new DomainError(
      'SETTLEMENT_RATE_MISMATCH',
      `${field}: ${invoice.number} was booked at ${formatDecimal(invoiceRate)} and can only be settled at that rate until realized FX is supported`,
      { field, invoiceRate: formatDecimal(invoiceRate), settlingRate: formatDecimal(settlingRate) },
    );
  }
  return 0n;
}
