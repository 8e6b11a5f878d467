import { badInput, DomainError, type IsoDate } from '@cifra/domain';
import { type Books, inBooksSnapshot } from '../services/books.ts';
import {
  CARRY_FORWARD_MONTHS,
  creditBroughtForward,
  type ItbmsMonth,
  itbmsMonth,
  type LineInBase,
  lineInBase,
  type Settlement,
  settle,
} from './itbms.ts';
import { regionOf, type TaxAccountMovement, taxAccountMovements, taxedLinesBetween } from './store.ts';

/**
 * Tax returns per region. A region's report is a function of the books and a month; `itbmsReturn`
 * is Panama's (region PA). Another region plugs in its own feature the same way: its own query and
 * types, refusing TAX_RETURN_NOT_AVAILABLE for a client of any other region (requireRegion).
 */

export interface ItbmsReturnData extends ItbmsMonth, Settlement {
  year: number;
  month: number;
  from: IsoDate;
  to: IsoDate;
  /** Tax posted on the tax accounts by journal entries (no document), output a credit positive. */
  journalOutputTaxMinor: bigint;
  journalInputTaxMinor: bigint;
  outputTaxMinor: bigint;
  inputTaxMinor: bigint;
  creditBroughtForwardMinor: bigint;
  /** The month's movement of the tax accounts in the GL: sales tax credit positive, purchase debit. */
  glOutputTaxMinor: bigint;
  glInputTaxMinor: bigint;
  reconciles: boolean;
}

export function requireRegion(region: string, wanted: string, report: string): void {
  if (region !== wanted) {
    throw new DomainError(
      'TAX_RETURN_NOT_AVAILABLE',
      `The ${report} is for clients of region ${wanted}; this client's region is ${region}`,
      { field: 'region', region, wanted },
    );
  }
}

const pad = (n: number) => String(n).padStart(2, '0');
const monthKey = (year: number, month: number) => `${year}-${pad(month)}`;
function monthSpan(year: number, month: number): { from: IsoDate; to: IsoDate } {
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return {
    from: `${monthKey(year, month)}-01` as IsoDate,
    to: `${monthKey(year, month)}-${pad(last)}` as IsoDate,
  };
}
/** The month `offset` months from year/month (negative: earlier). */
function shift(year: number, month: number, offset: number): { year: number; month: number } {
  const i = year * 12 + (month - 1) + offset;
  return { year: Math.floor(i / 12), month: (i % 12) + 1 };
}

export function parseYearMonth(year: number, month: number): void {
  if (!Number.isInteger(year) || year < 1900 || year > 9999)
    throw badInput('year: a year from 1900 to 9999', { field: 'year', value: year });
  if (!Number.isInteger(month) || month < 1 || month > 12)
    throw badInput('month: a month from 1 to 12', { field: 'month', value: month });
}

const NO_MOVEMENT: TaxAccountMovement = {
  salesTaxMinor: 0n,
  purchaseTaxMinor: 0n,
  journalSalesTaxMinor: 0n,
  journalPurchaseTaxMinor: 0n,
};

/**
 * Panama's monthly ITBMS return, from the posted invoices and notes (and their voids, in the void's
 * month) and the journal entries' lines on the tax accounts, with the credit brought forward from
 * the 24 months before it, and the GL's own movement of the tax accounts beside it. The documents
 * and the tax accounts are read in one snapshot: read apart, a posting committed between the two
 * reads made a return of books that reconcile say they do not.
 */
export async function itbmsReturn(books: Books, year: number, month: number): Promise<ItbmsReturnData> {
  parseYearMonth(year, month);
  return inBooksSnapshot(books, (snapshot) => returnOf(snapshot, year, month));
}

async function returnOf(books: Books, year: number, month: number): Promise<ItbmsReturnData> {
  requireRegion(await regionOf(books.db), 'PA', 'ITBMS return');
  const first = shift(year, month, -CARRY_FORWARD_MONTHS);
  const { from, to } = monthSpan(year, month);
  const windowFrom = monthSpan(first.year, first.month).from;
  // One after another: the snapshot is one connection (pg queues a second statement; pg 9 refuses).
  const rows = await taxedLinesBetween(books.db, windowFrom, to);
  const movements = await taxAccountMovements(books.db, windowFrom, to);
  const base = books.company.baseMinorUnits;
  const byMonth = new Map<string, LineInBase[]>();
  for (const r of rows) {
    const list = byMonth.get(r.month) ?? [];
    list.push(lineInBase(r, await books.minorUnits(r.currency), base));
    byMonth.set(r.month, list);
  }
  const figuresOf = (key: string) => {
    const m = itbmsMonth(byMonth.get(key) ?? []);
    const gl = movements.get(key) ?? NO_MOVEMENT;
    const journalOutput = -gl.journalSalesTaxMinor;
    const journalInput = gl.journalPurchaseTaxMinor;
    return {
      m,
      gl,
      journalOutput,
      journalInput,
      outputMinor: m.documentOutputTaxMinor + journalOutput,
      inputMinor: m.documentInputTaxMinor + journalInput,
    };
  };
  const earlier = Array.from({ length: CARRY_FORWARD_MONTHS }, (_, i) => {
    const at = shift(first.year, first.month, i);
    return figuresOf(monthKey(at.year, at.month));
  });
  const broughtForward = creditBroughtForward(earlier);
  const now = figuresOf(monthKey(year, month));
  const glOutput = -now.gl.salesTaxMinor;
  const glInput = now.gl.purchaseTaxMinor;
  return {
    year,
    month,
    from,
    to,
    ...now.m,
    journalOutputTaxMinor: now.journalOutput,
    journalInputTaxMinor: now.journalInput,
    outputTaxMinor: now.outputMinor,
    inputTaxMinor: now.inputMinor,
    creditBroughtForwardMinor: broughtForward,
    ...settle(now.outputMinor, now.inputMinor, broughtForward),
    glOutputTaxMinor: glOutput,
    glInputTaxMinor: glInput,
    reconciles: now.outputMinor === glOutput && now.inputMinor === glInput,
  };
}
