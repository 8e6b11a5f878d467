import type { IsoDate } from '@cifra/domain';
import { aging } from '../aging/aging.ts';
import { type Books, inBooksSnapshot } from './books.ts';
import {
  type RateLookup,
  RatesOn,
  type RevaluationLine,
  type RevaluationRate,
  revalueAging,
} from './revaluation.service.ts';

export type ExposureSide = 'RECEIVABLE' | 'PAYABLE';

export interface ExposureItem extends RevaluationLine {
  side: ExposureSide;
  dueDate: IsoDate;
  daysPastDue: number;
}

export interface ExposureAmounts {
  /** In the currency itself. */
  openMinor: bigint;
  bookedBaseMinor: bigint;
  revaluedBaseMinor: bigint;
  /** Gain (positive) or loss (negative), in base currency. */
  unrealizedMinor: bigint;
}

export interface ExposureCurrency {
  currency: string;
  minorUnits: number;
  receivables: ExposureAmounts;
  payables: ExposureAmounts;
  /** Receivables' and payables' unrealized result together. */
  unrealizedMinor: bigint;
}

export interface FxExposure {
  asOf: IsoDate;
  rates: RevaluationRate[];
  items: ExposureItem[];
  currencies: ExposureCurrency[];
  unrealizedMinor: bigint;
}

const zero = (): ExposureAmounts => ({
  openMinor: 0n,
  bookedBaseMinor: 0n,
  revaluedBaseMinor: 0n,
  unrealizedMinor: 0n,
});

/**
 * `unrealizedFxExposure(asOf)`: every foreign-currency sales and purchase invoice open at the end
 * of `asOf` (as `arAging`/`apAging` see them), its open amount in its own currency, what the books
 * carry for it (the open amount at the invoice's own rate), its value at the rate in force on
 * `asOf`, and the unrealized gain or loss — never posted (IAS 21 period-end revaluation is
 * deliberately not done; docs/architecture/fx.md). Totals per currency, receivables and payables
 * apart. Reads only, both agings in one snapshot.
 */
export function unrealizedFxExposure(books: Books, asOf: IsoDate, lookup: RateLookup): Promise<FxExposure> {
  return inBooksSnapshot(books, (snapshot) => exposureOf(snapshot, asOf, lookup));
}

async function exposureOf(books: Books, asOf: IsoDate, lookup: RateLookup): Promise<FxExposure> {
  const ctx = {
    baseCurrency: books.company.baseCurrency.trim(),
    baseMinorUnits: books.company.baseMinorUnits,
  };
  const rates = new RatesOn(asOf, lookup);
  const items: ExposureItem[] = [];
  for (const [side, kind] of [
    ['RECEIVABLE', 'SALES_INVOICE'],
    ['PAYABLE', 'PURCHASE_INVOICE'],
  ] as const) {
    const report = await aging(books, kind, asOf);
    const due = new Map(report.rows.flatMap((r) => r.invoices).map((i) => [i.documentId, i]));
    const { revaluation } = await revalueAging(ctx, report, side, rates);
    for (const line of revaluation.lines) {
      const inv = due.get(line.documentId as string);
      items.push({ ...line, side, dueDate: inv?.dueDate ?? asOf, daysPastDue: inv?.daysPastDue ?? 0 });
    }
  }
  const byCurrency = new Map<string, ExposureCurrency>();
  let unrealizedMinor = 0n;
  for (const item of items) {
    let c = byCurrency.get(item.currency);
    if (!c) {
      c = {
        currency: item.currency,
        minorUnits: item.minorUnits,
        receivables: zero(),
        payables: zero(),
        unrealizedMinor: 0n,
      };
      byCurrency.set(item.currency, c);
    }
    const side = item.side === 'RECEIVABLE' ? c.receivables : c.payables;
    side.openMinor += item.originalMinor;
    side.bookedBaseMinor += item.bookedBaseMinor;
    side.revaluedBaseMinor += item.revaluedBaseMinor;
    side.unrealizedMinor += item.differenceMinor;
    c.unrealizedMinor += item.differenceMinor;
    unrealizedMinor += item.differenceMinor;
  }
  const currencies = [...byCurrency.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1));
  return { asOf, rates: await rates.used(), items, currencies, unrealizedMinor };
}
