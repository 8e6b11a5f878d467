import { Transform } from 'node:stream';
import { formatMoney, isMoneyIn, isSettlingKind } from '@cifra/domain';
import { plainNumber } from './documents/text.ts';

/**
 * Row → text for each export format. Pure functions over the rows the export query streams, so the
 * formats are testable without a database and never hold more than one row.
 */

export interface Books {
  legalName: string;
  slug: string;
  baseCurrency: string;
  baseMinorUnits: number;
}

/** Decimal places of a currency (ISO 4217), for amounts in a document's own currency. */
export type MinorUnitsOf = (currency: string) => number;

const NEEDS_QUOTES = /[",\r\n]/;
/** Spreadsheets run a cell starting with one of these as a formula; text fields get a quote mark. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: string | number | bigint | null | undefined, text = false): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (text && FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvRow = (fields: readonly string[]) => `${fields.join(',')}\r\n`;

// ---------------------------------------------------------------------------------------------
// GL_CSV: one row per GL line.

export interface GlLineRow {
  posting_date: string;
  entry_number: string;
  line_number: number;
  account_code: string;
  account_name: string;
  account_type: string;
  amount_minor: string;
  original_currency: string;
  original_amount_minor: string;
  party_code: string | null;
  party_name: string | null;
  entry_memo: string;
  line_memo: string;
  source_kind: string;
  actual_posting_date: Date;
  /** FX provenance: the exchange_rates row the line was translated with (null on base-currency lines). */
  rate: string | null;
  rate_date: string | null;
  rate_source: string | null;
  rate_is_override: boolean | null;
  rate_is_fallback: boolean;
}

export const GL_CSV_HEADER = csvRow([
  'posting_date',
  'entry_number',
  'line_number',
  'account_code',
  'account_name',
  'account_type',
  'debit',
  'credit',
  'currency',
  'original_currency',
  'original_amount',
  'party_code',
  'party_name',
  'entry_memo',
  'line_memo',
  'source_kind',
  'actual_posting_date',
  'exchange_rate',
  'rate_date',
  'rate_source',
  'rate_override',
  'rate_fallback',
]);

export function glCsvLine(r: GlLineRow, books: Books, minorUnitsOf: MinorUnitsOf): string {
  const amount = BigInt(r.amount_minor);
  const base = (m: bigint) => formatMoney(m, books.baseMinorUnits);
  return csvRow([
    r.posting_date,
    csvField(r.entry_number, true),
    String(r.line_number),
    csvField(r.account_code, true),
    csvField(r.account_name, true),
    r.account_type,
    base(amount > 0n ? amount : 0n),
    base(amount < 0n ? -amount : 0n),
    books.baseCurrency,
    r.original_currency,
    // Signed like the GL: debit positive.
    formatMoney(BigInt(r.original_amount_minor), minorUnitsOf(r.original_currency)),
    csvField(r.party_code, true),
    csvField(r.party_name, true),
    csvField(r.entry_memo, true),
    csvField(r.line_memo, true),
    r.source_kind,
    r.actual_posting_date.toISOString(),
    r.rate ? plainNumber(r.rate) : '',
    r.rate_date ?? '',
    csvField(r.rate_source, true),
    r.rate ? String(!!r.rate_is_override) : '',
    r.rate ? String(r.rate_is_fallback) : '',
  ]);
}

// ---------------------------------------------------------------------------------------------
// DOCUMENTS_CSV: one row per sales or purchase document.

export interface DocumentRow {
  number: string | null;
  kind: string;
  status: string;
  document_date: string;
  posting_date: string;
  due_date: string | null;
  party_code: string;
  party_name: string;
  currency: string;
  exchange_rate: string | null;
  subtotal_minor: string;
  tax_minor: string;
  total_minor: string;
  base_total_minor: string | null;
  reference: string | null;
  memo: string;
  bank_fee_minor: string;
  entry_number: string;
  void_entry_number: string | null;
  void_date: string | null;
  void_reason: string | null;
}

export const DOCUMENTS_CSV_HEADER = csvRow([
  'number',
  'kind',
  'status',
  'document_date',
  'posting_date',
  'due_date',
  'party_code',
  'party_name',
  'currency',
  'exchange_rate',
  'subtotal',
  'tax',
  'total',
  'base_currency',
  'base_total',
  'reference',
  'memo',
  'bank_fee',
  'net_amount',
  'entry_number',
  'voided',
  'void_date',
  'void_reason',
  'void_entry_number',
]);

export function documentCsvLine(r: DocumentRow, books: Books, minorUnitsOf: MinorUnitsOf): string {
  const units = minorUnitsOf(r.currency);
  return csvRow([
    // Free text where an opening balance import brought the previous system's numbers.
    csvField(r.number, true),
    r.kind,
    r.status,
    r.document_date,
    r.posting_date,
    r.due_date ?? '',
    csvField(r.party_code, true),
    csvField(r.party_name, true),
    r.currency,
    r.exchange_rate ? plainNumber(r.exchange_rate) : '',
    formatMoney(BigInt(r.subtotal_minor), units),
    formatMoney(BigInt(r.tax_minor), units),
    formatMoney(BigInt(r.total_minor), units),
    books.baseCurrency,
    r.base_total_minor === null ? '' : formatMoney(BigInt(r.base_total_minor), books.baseMinorUnits),
    csvField(r.reference, true),
    csvField(r.memo, true),
    ...settlement(r, units),
    csvField(r.entry_number, true),
    String(r.void_entry_number !== null),
    r.void_date ?? '',
    csvField(r.void_reason, true),
    csvField(r.void_entry_number, true),
  ]);
}

/**
 * bank_fee and net_amount (document currency): money in (a receipt, a vendor refund) has its fee
 * withheld, so the bank got total − fee; money out (a payment, a customer refund) has it added, so
 * the bank paid total + fee. Blank for other kinds.
 */
function settlement(r: DocumentRow, units: number): [string, string] {
  // Receipts and payments move money through a bank: only they carry a bank fee and a net amount.
  if (!isSettlingKind(r.kind)) return ['', ''];
  const total = BigInt(r.total_minor);
  const fee = BigInt(r.bank_fee_minor);
  const net = isMoneyIn(r.kind) ? total - fee : total + fee;
  return [formatMoney(fee, units), formatMoney(net, units)];
}

// ---------------------------------------------------------------------------------------------
// HLEDGER: the GL as a journal hledger (and ledger-cli) reads.

const TOP_LEVEL: Record<string, { name: string; type: string }> = {
  ASSET: { name: 'assets', type: 'A' },
  LIABILITY: { name: 'liabilities', type: 'L' },
  EQUITY: { name: 'equity', type: 'E' },
  INCOME: { name: 'revenues', type: 'R' },
  EXPENSE: { name: 'expenses', type: 'X' },
};

/** Text safe on one journal line: no line breaks, no comment starts, single spaces only. */
function oneLine(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/;/g, ',')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/**
 * `assets:1110 Banco general — cuenta corriente`: hierarchical by type, then "code name". Colons
 * would open a sub-account and two spaces would end the name, so neither survives in the name.
 */
export function hledgerAccount(type: string, code: string, name: string): string {
  const top = TOP_LEVEL[type]?.name ?? 'other';
  return `${top}:${oneLine(`${code} ${name}`).replace(/:/g, '-')}`;
}

export function hledgerAmount(minor: bigint, books: Books): string {
  return `${books.baseCurrency} ${formatMoney(minor, books.baseMinorUnits)}`;
}

export interface HledgerAccount {
  code: string;
  name: string;
  type: string;
}

export function hledgerPreamble(
  books: Books,
  meta: { from: string; to: string; exportedAt: Date; email: string; exportId: string },
  accounts: readonly HledgerAccount[],
): string {
  // hledger takes the commodity's decimal places from this sample and refuses one without a
  // decimal mark: a currency without decimals (JPY) is declared `100000.`, a trailing mark.
  const whole = 100000n * 10n ** BigInt(books.baseMinorUnits);
  const sample = formatMoney(whole, books.baseMinorUnits) + (books.baseMinorUnits === 0 ? '.' : '');
  const lines = [
    '; cifraHQ journal export',
    `; client: ${oneLine(books.legalName)} (${books.slug})`,
    `; range: ${meta.from} to ${meta.to}, amounts in ${books.baseCurrency}`,
    `; exported ${meta.exportedAt.toISOString()} by ${oneLine(meta.email)}, export ${meta.exportId}`,
    '',
    'decimal-mark .',
    `commodity ${books.baseCurrency} ${sample}`,
    '',
    ...accounts.map(
      (a) => `account ${hledgerAccount(a.type, a.code, a.name)}  ; type: ${TOP_LEVEL[a.type]?.type ?? 'A'}`,
    ),
    '',
  ];
  return `${lines.join('\n')}\n`;
}

/** The balances brought forward to `from`, as one balanced transaction (empty when there are none). */
export function hledgerOpening(
  date: string,
  balances: readonly { code: string; name: string; type: string; balanceMinor: bigint }[],
  books: Books,
): string {
  if (balances.length === 0) return '';
  const postings = balances.map(
    (b) => `    ${hledgerAccount(b.type, b.code, b.name)}  ${hledgerAmount(b.balanceMinor, books)}`,
  );
  return `${date} * Opening balances\n${postings.join('\n')}\n\n`;
}

/**
 * "EUR 1000.00 @ 1.1 (ECB 2026-06-01; fallback)": the line's own currency and amount and the rate it
 * was translated at (no commas: hledger reads `name: value` pairs in a comment as comma-separated tags).
 */
function originalOf(r: GlLineRow, minorUnitsOf: MinorUnitsOf): string {
  const amount = formatMoney(BigInt(r.original_amount_minor), minorUnitsOf(r.original_currency));
  if (!r.rate) return `${r.original_currency} ${amount}`;
  const flags = [r.rate_is_override ? 'override' : '', r.rate_is_fallback ? 'fallback' : ''].filter(Boolean);
  return `${r.original_currency} ${amount} @ ${plainNumber(r.rate)} (${oneLine(r.rate_source ?? '')} ${r.rate_date}${flags.length ? `; ${flags.join('; ')}` : ''})`;
}

/** GL lines in entry order in, journal transactions out: a header whenever the entry changes. */
export function hledgerTransform(books: Books, minorUnitsOf: MinorUnitsOf): Transform {
  let current: string | null = null;
  return new Transform({
    writableObjectMode: true,
    transform(r: GlLineRow, _enc, done) {
      let out = '';
      if (r.entry_number !== current) {
        if (current !== null) out += '\n';
        current = r.entry_number;
        out += `${r.posting_date} * (${oneLine(r.entry_number)}) ${oneLine(r.entry_memo) || r.source_kind}\n`;
        out += `    ; kind: ${r.source_kind}, posted: ${r.actual_posting_date.toISOString()}\n`;
      }
      const comment = [
        r.line_memo ? oneLine(r.line_memo) : '',
        r.party_code ? `party: ${oneLine(`${r.party_code} ${r.party_name ?? ''}`)}` : '',
        r.original_currency !== books.baseCurrency ? `original: ${originalOf(r, minorUnitsOf)}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      out += `    ${hledgerAccount(r.account_type, r.account_code, r.account_name)}  ${hledgerAmount(BigInt(r.amount_minor), books)}${comment ? `  ; ${comment}` : ''}\n`;
      done(null, out);
    },
    flush(done) {
      done(null, current === null ? '' : '\n');
    },
  });
}

/** Rows in, one text line each out. */
export function lineTransform<R>(format: (row: R) => string): Transform {
  return new Transform({
    writableObjectMode: true,
    transform(row: R, _enc, done) {
      done(null, format(row));
    },
  });
}
