import { formatMoney, LOGO_DATA_URL } from '@cifra/domain';

/**
 * Numbers as a rendered document prints them, from bigint minor units or the database's numeric
 * text, never through a float: grouping and padding are done on the digits themselves.
 */

/** "1234567.50" → "1,234,567.50"; the sign stays in front. */
function groupDigits(decimal: string): string {
  const negative = decimal.startsWith('-');
  const [whole = '0', fraction] = (negative ? decimal.slice(1) : decimal).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** An amount in minor units, with the currency's decimals and thousands grouped: 123450n, 2 → "1,234.50". */
export function moneyText(minor: bigint, minorUnits: number): string {
  return groupDigits(formatMoney(minor, minorUnits));
}

/**
 * A numeric column's text ("12.500000", "4.0000") with trailing zeros dropped but at least
 * `minDecimals` places kept: a unit price keeps its currency's decimals ("12.50"), a quantity
 * none ("4"), and a price with more precision keeps all of it ("0.335").
 */
export function decimalText(numeric: string, minDecimals = 0): string {
  const [whole = '0', fraction = ''] = numeric.split('.');
  let digits = fraction.replace(/0+$/, '');
  if (digits.length < minDecimals) digits = digits.padEnd(minDecimals, '0');
  return groupDigits(digits ? `${whole}.${digits}` : whole);
}

/** A tax rate or an exchange rate without trailing zeros: "7.000" → "7", "1.100000000000" → "1.1". */
export const plainNumber = (numeric: string) =>
  numeric.includes('.') ? numeric.replace(/0+$/, '').replace(/\.$/, '') : numeric;

export interface TaxedLine {
  taxCode: string | null;
  taxName: string | null;
  ratePercent: string | null;
  amountMinor: bigint;
  taxMinor: bigint;
}

export interface TaxByRate {
  /** "ITBMS 7 %", or "Sin impuesto / No tax" for lines without a code. */
  label: string;
  taxCode: string | null;
  ratePercent: string;
  /** The lines' amounts before tax. */
  baseMinor: bigint;
  taxMinor: bigint;
}

/**
 * The document's taxes grouped by code and rate, in the order each first appears: the base each
 * rate applies to and the tax it yields, summed from the lines exactly as posted (each line's tax
 * was rounded on its own, so the sums are the document's tax).
 */
export function taxesByRate(lines: readonly TaxedLine[]): TaxByRate[] {
  const groups = new Map<string, TaxByRate>();
  for (const l of lines) {
    const rate = plainNumber(l.ratePercent ?? '0');
    const key = `${l.taxCode ?? ''}\u0000${rate}`;
    const g = groups.get(key) ?? {
      label: l.taxCode ? (l.taxName ?? l.taxCode) : 'Sin impuesto / No tax',
      taxCode: l.taxCode,
      ratePercent: rate,
      baseMinor: 0n,
      taxMinor: 0n,
    };
    g.baseMinor += l.amountMinor;
    g.taxMinor += l.taxMinor;
    groups.set(key, g);
  }
  return [...groups.values()];
}

/** A logo the renderer can draw without a network: a PNG or JPEG `data:` URL; null otherwise. */
export function logoImage(logoUrl: string | null | undefined): Buffer | null {
  const m = LOGO_DATA_URL.exec(logoUrl ?? '');
  if (!m?.[1]) return null;
  const bytes = Buffer.from(m[1], 'base64');
  return bytes.length > 0 && bytes.length <= 1_000_000 ? bytes : null;
}
