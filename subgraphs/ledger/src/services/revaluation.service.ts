import type { TenantDb } from '@cifra/db';
import { agingBucket, asAtInstant, type IsoDate, type ScaledRate, translateMinor } from '@cifra/domain';
import { sql } from 'drizzle-orm';
import type { AgingReportData, Buckets } from '../aging/aging.ts';
import type { AccountType } from './account-balances.service.ts';
import type { BalanceSheet, StatementSection } from './financial-statements.service.ts';

/**
 * Unposted FX analysis: what the foreign-currency-originated amounts the books carry would be at
 * another date's rates. Nothing here writes: every function only reads, and the result is labelled
 * as analysis wherever it is shown (docs/architecture/fx.md, "Revaluation for analysis").
 */

/** The rate a revaluation used for one currency, with its provenance (as `lookupRate` answers it). */
export interface RevaluationRate {
  currency: string;
  /** Base-currency units per one unit of `currency`, × 10^12. */
  rate: ScaledRate;
  rateDate: IsoDate;
  source: string;
  isFallback: boolean;
  isOverride: boolean;
}

/** The rate in force for a currency on a date; RATE_NOT_AVAILABLE when there is none recent enough. */
export type RateLookup = (currency: string, date: IsoDate) => Promise<RevaluationRate>;

/** The rates of one date, each currency looked up once. */
export class RatesOn {
  readonly #answers = new Map<string, Promise<RevaluationRate>>();
  constructor(
    readonly date: IsoDate,
    private readonly lookup: RateLookup,
  ) {}

  get(currency: string): Promise<RevaluationRate> {
    let answer = this.#answers.get(currency);
    if (!answer) {
      answer = this.lookup(currency, this.date);
      this.#answers.set(currency, answer);
    }
    return answer;
  }

  /** Every rate used, by currency code. */
  async used(): Promise<RevaluationRate[]> {
    const all = await Promise.all([...this.#answers.values()]);
    return all.sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
  }
}

export interface RevaluationLine {
  /** Balance reports: the monetary account. */
  accountId: string | null;
  accountCode: string | null;
  accountName: string | null;
  accountType: AccountType | null;
  /** Aging and exposure: the open invoice and its party. */
  documentId: string | null;
  partyId: string | null;
  currency: string;
  minorUnits: number;
  /** In `currency`: the net amount (balances, debit positive) or the open balance (aging, positive). */
  originalMinor: bigint;
  /** In base currency, at the rates the books used; same sign convention as `originalMinor`. */
  bookedBaseMinor: bigint;
  /** In base currency, at the rate in force on the revaluation date. */
  revaluedBaseMinor: bigint;
  /** Unrealized gain (positive) or loss (negative), in base currency. Never posted. */
  differenceMinor: bigint;
}

export interface Revaluation {
  revalueAt: IsoDate;
  rates: RevaluationRate[];
  lines: RevaluationLine[];
  bookedBaseMinor: bigint;
  revaluedBaseMinor: bigint;
  differenceMinor: bigint;
}

export interface RevaluationContext {
  db: Pick<TenantDb, 'execute'>;
  baseCurrency: string;
  baseMinorUnits: number;
  minorUnits(currency: string): Promise<number>;
}

/**
 * The account roles whose balances are monetary items (IAS 21.8: money held, and amounts to be
 * received or paid in a fixed number of currency units): receivables, payables, cash.
 */
export const MONETARY_ROLES = ['DefaultAR', 'DefaultAP', 'Cash'] as const;

/**
 * The monetary accounts of the client: asset and liability accounts bound to DefaultAR, DefaultAP
 * or Cash, and every account a posted receipt or payment moved money through (its bank account).
 * Everything else — inventory, fixed assets, tax balances (owed in the base currency to the tax
 * authority), equity, income and expenses — stays at its historical rate. A receivable or payable
 * is revalued in every currency it holds; money only in the currency its account holds (below).
 */
export async function monetaryAccountIds(db: Pick<TenantDb, 'execute'>): Promise<string[]> {
  const { rows } = await db.execute<{ id: string }>(sql`
    SELECT a.id FROM accounts a
     WHERE a.type IN ('ASSET', 'LIABILITY')
       AND (a.id IN (SELECT account_id FROM account_role_bindings
                      WHERE role IN (${sql.join(
                        MONETARY_ROLES.map((r) => sql`${r}`),
                        sql`, `,
                      )}))
            OR a.id IN (SELECT bank_account_id FROM documents
                         WHERE bank_account_id IS NOT NULL AND status = 'POSTED'))
     ORDER BY a.code`);
  return rows.map((r) => r.id);
}

function totals(revalueAt: IsoDate, rates: RevaluationRate[], lines: RevaluationLine[]): Revaluation {
  let booked = 0n;
  let revalued = 0n;
  let difference = 0n;
  for (const l of lines) {
    booked += l.bookedBaseMinor;
    revalued += l.revaluedBaseMinor;
    difference += l.differenceMinor;
  }
  return {
    revalueAt,
    rates,
    lines,
    bookedBaseMinor: booked,
    revaluedBaseMinor: revalued,
    differenceMinor: difference,
  };
}

/**
 * The foreign-currency-originated part of each monetary account's balance at the end of `asOf`
 * (as known at `asAt`, when given), per account and original currency: the net original amount
 * (Σ original_amount_minor of the GL lines), what the books carry for it (Σ amount_minor, at the
 * rates each line was booked at) and that net original amount translated at the rate in force on
 * `revalueAt` (`translateMinor`: exact product, one half-to-even rounding). Debit positive, so the
 * difference (revalued − booked) is a gain when positive for assets and liabilities alike.
 */
export async function revalueBalances(
  ctx: RevaluationContext,
  args: { asOf: IsoDate; asAt?: Date | null; revalueAt: IsoDate; lookup: RateLookup },
): Promise<Revaluation> {
  const ids = await monetaryAccountIds(ctx.db);
  const rates = new RatesOn(args.revalueAt, args.lookup);
  if (ids.length === 0) return totals(args.revalueAt, [], []);
  const asAt = args.asAt ?? null;
  const { rows } = await ctx.db.execute<{
    account_id: string;
    code: string;
    name: string;
    type: AccountType;
    currency: string;
    original: string;
    booked: string;
  }>(sql`
    SELECT a.id AS account_id, a.code, a.name, a.type, l.original_currency AS currency,
           sum(l.original_amount_minor)::text AS original, sum(l.amount_minor)::text AS booked
      FROM gl_lines l
      JOIN accounts a ON a.id = l.account_id
      ${asAt ? sql`JOIN journal_entries e ON e.id = l.entry_id` : sql``}
     WHERE l.account_id IN (${sql.join(
       ids.map((id) => sql`${id}::uuid`),
       sql`, `,
     )})
       AND l.posting_date <= ${args.asOf}::date
       AND l.original_currency <> ${ctx.baseCurrency}
       -- A receivable or payable holds every currency it was booked in. Money holds the currency
       -- of its account: a bank account's declared one (bank_accounts); an account that declares
       -- none holds the base currency, and what passed through it in another was converted then.
       AND (a.id IN (SELECT r.account_id FROM account_role_bindings r WHERE r.role IN ('DefaultAR', 'DefaultAP'))
            OR l.original_currency = (SELECT b.currency FROM bank_accounts b WHERE b.account_id = a.id))
       ${asAt ? sql`AND e.actual_posting_date <= ${asAtInstant(asAt)}::timestamptz` : sql``}
     GROUP BY a.id, a.code, a.name, a.type, l.original_currency
    HAVING sum(l.original_amount_minor) <> 0 OR sum(l.amount_minor) <> 0
     ORDER BY a.code, l.original_currency`);
  const lines: RevaluationLine[] = [];
  for (const r of rows) {
    const currency = r.currency.trim();
    const minorUnits = await ctx.minorUnits(currency);
    const { rate } = await rates.get(currency);
    const originalMinor = BigInt(r.original);
    const bookedBaseMinor = BigInt(r.booked);
    const revaluedBaseMinor = translateMinor(originalMinor, minorUnits, rate, ctx.baseMinorUnits);
    lines.push({
      accountId: r.account_id,
      accountCode: r.code,
      accountName: r.name,
      accountType: r.type,
      documentId: null,
      partyId: null,
      currency,
      minorUnits,
      originalMinor,
      bookedBaseMinor,
      revaluedBaseMinor,
      differenceMinor: revaluedBaseMinor - bookedBaseMinor,
    });
  }
  return totals(args.revalueAt, await rates.used(), lines);
}

const emptyBuckets = (): Buckets => ({
  current: 0n,
  days1To30: 0n,
  days31To60: 0n,
  days61To90: 0n,
  over90: 0n,
  total: 0n,
});

export interface AgingRevaluation {
  revaluation: Revaluation;
  /** Per aging row (same order): its base buckets with each foreign invoice at the revaluation rate. */
  rowBuckets: Buckets[];
  /** Per invoice id: its open balance in base currency at the revaluation rate. */
  invoices: Map<string, bigint>;
}

/**
 * An aging report's open invoices revalued at `revalueAt`'s rates. Base-currency invoices keep
 * their amount; each foreign invoice's open balance (in its own currency) is translated at the
 * rate in force on `revalueAt` and listed as a line. For receivables a higher value is a gain;
 * for payables (`side` PAYABLE) a higher value is a loss.
 */
export async function revalueAging(
  ctx: Pick<RevaluationContext, 'baseCurrency' | 'baseMinorUnits'>,
  report: AgingReportData,
  side: 'RECEIVABLE' | 'PAYABLE',
  rates: RatesOn,
): Promise<AgingRevaluation> {
  const lines: RevaluationLine[] = [];
  const invoices = new Map<string, bigint>();
  const rowBuckets: Buckets[] = [];
  for (const row of report.rows) {
    const buckets = emptyBuckets();
    const foreign = row.currency !== ctx.baseCurrency;
    const rate = foreign ? (await rates.get(row.currency)).rate : null;
    for (const inv of row.invoices) {
      const revalued =
        rate === null
          ? inv.baseOpenMinor
          : translateMinor(inv.openMinor, row.minorUnits, rate, ctx.baseMinorUnits);
      if (inv.documentId) invoices.set(inv.documentId, revalued);
      const bucket = agingBucket(inv.daysPastDue);
      buckets[bucket] += revalued;
      buckets.total += revalued;
      if (!foreign) continue;
      const change = revalued - inv.baseOpenMinor;
      lines.push({
        accountId: null,
        accountCode: null,
        accountName: null,
        accountType: null,
        documentId: inv.documentId,
        partyId: row.partyId,
        currency: row.currency,
        minorUnits: row.minorUnits,
        originalMinor: inv.openMinor,
        bookedBaseMinor: inv.baseOpenMinor,
        revaluedBaseMinor: revalued,
        differenceMinor: side === 'RECEIVABLE' ? change : -change,
      });
    }
    rowBuckets.push(buckets);
  }
  return { revaluation: totals(rates.date, await rates.used(), lines), rowBuckets, invoices };
}

export const UNREALIZED_FX_LABEL = 'Unrealized FX difference (unposted analysis)';

export interface RevaluedSheet {
  assets: StatementSection;
  liabilities: StatementSection;
  equity: StatementSection;
  totalLiabilitiesAndEquityMinor: bigint;
}

/**
 * A balance sheet with each monetary account's foreign-currency part at the revaluation's rates,
 * and the total difference as one equity line, so assets still equal liabilities plus equity.
 * Assets are debit-positive, so an asset's line moves by the difference; liabilities are shown
 * credit-positive, so a liability's line moves by minus the (debit-positive) difference.
 */
export function revalueBalanceSheet(sheet: BalanceSheet, revaluation: Revaluation): RevaluedSheet {
  const change = new Map<string, { name: string; type: AccountType; minor: bigint }>();
  for (const l of revaluation.lines) {
    if (!l.accountCode || !l.accountType) continue;
    const c = change.get(l.accountCode) ?? { name: l.accountName ?? '', type: l.accountType, minor: 0n };
    c.minor += l.differenceMinor;
    change.set(l.accountCode, c);
  }
  const revalue = (section: StatementSection, type: AccountType): StatementSection => {
    const sign = type === 'ASSET' ? 1n : -1n;
    const rows = section.rows.map((r) => {
      const c = r.accountCode ? change.get(r.accountCode) : undefined;
      return c ? { ...r, amountMinor: r.amountMinor + sign * c.minor } : r;
    });
    // A monetary account whose booked balance is nil but whose revalued one is not.
    for (const [code, c] of change) {
      if (c.type === type && !rows.some((r) => r.accountCode === code)) {
        rows.push({ accountCode: code, accountName: c.name, accountType: type, amountMinor: sign * c.minor });
      }
    }
    rows.sort((a, b) => ((a.accountCode ?? '') < (b.accountCode ?? '') ? -1 : 1));
    return { rows, totalMinor: rows.reduce((s, r) => s + r.amountMinor, 0n) };
  };
  const assets = revalue(sheet.assets, 'ASSET');
  const liabilities = revalue(sheet.liabilities, 'LIABILITY');
  const equityRows = [
    ...sheet.equity.rows,
    {
      accountCode: null,
      accountName: UNREALIZED_FX_LABEL,
      accountType: 'EQUITY' as const,
      amountMinor: revaluation.differenceMinor,
    },
  ];
  const equity = { rows: equityRows, totalMinor: sheet.equity.totalMinor + revaluation.differenceMinor };
  return {
    assets,
    liabilities,
    equity,
    totalLiabilitiesAndEquityMinor: liabilities.totalMinor + equity.totalMinor,
  };
}
