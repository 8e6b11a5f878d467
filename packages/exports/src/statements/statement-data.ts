import { type AgingBucket, agingBucket, daysBetween, decimalOf, translateAtRate } from '@cifra/domain';
import {
  type CompanyBase,
  companyBase,
  type EntryRow,
  type OpenCreditRow,
  type OpenInvoiceRow,
  openCreditsOf,
  openInvoicesOf,
  type PartyRow,
  partyEntries,
  partyRow,
  type Queryable,
} from './statement-queries.ts';

/**
 * A customer's or vendor's statement for a date range, per currency: the balance brought forward
 * (the end of the day before `from`), every entry on the party's control account within the range
 * in date order with a running balance, the closing balance at the end of `to`, and the aging at
 * `to`. Amounts are bigint minor units, signed as the party owes (customer) or is owed (vendor):
 * a positive balance is an open receivable or payable, as the agings show it.
 *
 * The lines come from the ledger itself (the control account's lines naming the party, one per
 * journal entry), not from a list of document kinds: any kind of document, a void, a manual
 * journal line on the control account, is stated by what it did to the party's balance, so a
 * new document kind needs nothing here. Debit and credit are the books' own: a sales invoice
 * debits the receivable, a vendor bill credits the payable.
 */

export type Buckets = Record<AgingBucket | 'total', bigint>;

export interface StatementLine {
  postingDate: string;
  entryId: string;
  entryNumber: string;
  /** The document posted, or the document a void reverses; null for a manual journal entry. */
  documentId: string | null;
  documentNumber: string | null;
  kind: string | null;
  /** The line is a void's reversal of `documentId`. */
  isVoid: boolean;
  documentDate: string | null;
  dueDate: string | null;
  debitMinor: bigint;
  creditMinor: bigint;
  /** The running balance after the line, as owed. */
  balanceMinor: bigint;
  /** What the line moved in base currency, as owed. */
  baseAmountMinor: bigint;
  baseBalanceMinor: bigint;
}

export interface StatementCurrency {
  currency: string;
  minorUnits: number;
  openingMinor: bigint;
  baseOpeningMinor: bigint;
  lines: StatementLine[];
  debitMinor: bigint;
  creditMinor: bigint;
  closingMinor: bigint;
  baseClosingMinor: bigint;
  /** The aging at the end of `to`, in the currency and in base currency at the booked rates. */
  aging: Buckets;
  baseAging: Buckets;
}

export interface PartyStatementData {
  party: PartyRow;
  from: string;
  to: string;
  baseCurrency: string;
  baseMinorUnits: number;
  currencies: StatementCurrency[];
  /**
   * Every currency together in base currency at the end of `to`: the sum of the currencies'
   * `baseAging` (what arAging / apAging value the party's rows at, the invoices' booked rates) and
   * of their `baseClosingMinor` (the party's balance on the control account). The two totals are
   * equal whenever the aging explains the whole subledger, so the PDF's last table can be ticked
   * against the control account.
   */
  baseAging: Buckets;
  baseClosingMinor: bigint;
}

export const emptyBuckets = (): Buckets => ({
  current: 0n,
  days1To30: 0n,
  days31To60: 0n,
  days61To90: 0n,
  over90: 0n,
  total: 0n,
});

/** Decimal places of a currency; the ledger's lookup is asynchronous (a loader), the gateway's not. */
export type StatementMinorUnitsOf = (currency: string) => number | Promise<number>;

/** The party's statement; null when there is no such party in these books. */
export async function loadPartyStatement(
  client: Queryable,
  args: { partyId: string; from: string; to: string },
  minorUnitsOf: StatementMinorUnitsOf,
): Promise<PartyStatementData | null> {
  const party = await partyRow(client, args.partyId);
  if (!party) return null;
  const company = await companyBase(client);
  const entries = await partyEntries(client, party, args.to);
  const invoices = await openInvoicesOf(client, party, args.to);
  const credits = await openCreditsOf(client, party, args.to);
  const byCurrency = new Map<string, StatementCurrency>();
  const currencies = [
    ...entries.map((e) => e.currency),
    ...invoices.map((i) => i.currency),
    ...credits.map((c) => c.currency),
  ];
  for (const currency of new Set(currencies)) {
    byCurrency.set(currency, blankCurrency(currency, await minorUnitsOf(currency)));
  }
  const sheet = (currency: string) => byCurrency.get(currency) as StatementCurrency;
  const owed = party.kind === 'CUSTOMER' ? 1n : -1n;
  for (const e of entries) addEntry(sheet(e.currency), e, owed, args.from);
  addAging(invoices, credits, entries, owed, args.to, company, sheet);
  const stated = [...byCurrency.values()]
    .filter(
      (c) => c.lines.length > 0 || c.openingMinor !== 0n || c.baseOpeningMinor !== 0n || c.aging.total !== 0n,
    )
    .sort((a, b) => a.currency.localeCompare(b.currency));
  return { party, from: args.from, to: args.to, ...company, currencies: stated, ...baseTotals(stated) };
}

/** The currencies' base aging and base closing balance added up. */
export function baseTotals(currencies: readonly StatementCurrency[]): {
  baseAging: Buckets;
  baseClosingMinor: bigint;
} {
  const baseAging = emptyBuckets();
  let baseClosingMinor = 0n;
  for (const c of currencies) {
    for (const k of Object.keys(baseAging) as (keyof Buckets)[]) baseAging[k] += c.baseAging[k];
    baseClosingMinor += c.baseClosingMinor;
  }
  return { baseAging, baseClosingMinor };
}

function blankCurrency(currency: string, minorUnits: number): StatementCurrency {
  return {
    currency,
    minorUnits,
    openingMinor: 0n,
    baseOpeningMinor: 0n,
    lines: [],
    debitMinor: 0n,
    creditMinor: 0n,
    closingMinor: 0n,
    baseClosingMinor: 0n,
    aging: emptyBuckets(),
    baseAging: emptyBuckets(),
  };
}

function addEntry(c: StatementCurrency, e: EntryRow, owed: bigint, from: string): void {
  const amount = BigInt(e.amount_minor);
  const base = BigInt(e.base_minor);
  c.closingMinor += owed * amount;
  c.baseClosingMinor += owed * base;
  if (e.posting_date < from) {
    c.openingMinor += owed * amount;
    c.baseOpeningMinor += owed * base;
    return;
  }
  const debitMinor = amount > 0n ? amount : 0n;
  const creditMinor = amount < 0n ? -amount : 0n;
  c.debitMinor += debitMinor;
  c.creditMinor += creditMinor;
  c.lines.push({
    postingDate: e.posting_date,
    entryId: e.entry_id,
    entryNumber: e.entry_number,
    documentId: e.document_id,
    documentNumber: e.document_number,
    kind: e.kind,
    isVoid: e.is_void,
    documentDate: e.document_date,
    dueDate: e.due_date,
    debitMinor,
    creditMinor,
    balanceMinor: c.closingMinor,
    baseAmountMinor: owed * base,
    baseBalanceMinor: c.baseClosingMinor,
  });
}

/**
 * The aging at the end of `to`, as arAging/apAging compute it: each open invoice's open amount by
 * days past due (its base as the ledger carries it: base total less the base its settlements
 * cleared), each credit left on account as a negative amount dated its posting date (its base the
 * credit's base less what its uses cleared), and each manual control-account entry in base
 * currency, due on its posting date.
 */
function addAging(
  invoices: readonly OpenInvoiceRow[],
  credits: readonly OpenCreditRow[],
  entries: readonly EntryRow[],
  owed: bigint,
  to: string,
  company: CompanyBase,
  sheet: (currency: string) => StatementCurrency,
): void {
  const put = (c: StatementCurrency, dueDate: string, openMinor: bigint, baseMinor: bigint) => {
    const bucket = agingBucket(daysBetween(dueDate, to));
    c.aging[bucket] += openMinor;
    c.aging.total += openMinor;
    c.baseAging[bucket] += baseMinor;
    c.baseAging.total += baseMinor;
  };
  for (const r of invoices) {
    const openMinor = BigInt(r.total_minor) - BigInt(r.settled_minor);
    if (openMinor === 0n) continue;
    const baseMinor =
      r.base_total_minor !== null && r.cleared_base_minor !== null
        ? BigInt(r.base_total_minor) - BigInt(r.cleared_base_minor)
        : translateAtRate(
            openMinor,
            decimalOf(r.exchange_rate ?? '1'),
            sheet(r.currency).minorUnits,
            company.baseMinorUnits,
          );
    put(sheet(r.currency), r.due_date, openMinor, baseMinor);
  }
  for (const r of credits) {
    const openMinor = BigInt(r.credit_minor) - BigInt(r.used_minor);
    if (openMinor === 0n) continue;
    const baseMinor = BigInt(r.credit_base_minor) - BigInt(r.used_base_minor);
    put(sheet(r.currency), r.posting_date, -openMinor, -baseMinor);
  }
  // Manual entries on the control account are in base currency, due on their posting date.
  for (const e of entries) {
    if (e.document_id !== null) continue;
    const baseMinor = owed * BigInt(e.base_minor);
    put(sheet(company.baseCurrency), e.posting_date, baseMinor, baseMinor);
  }
}
