import { z } from 'zod';

/**
 * The figures of a month's ITBMS return as the ledger computed them for `renderItbmsReturn`
 * (subgraphs/ledger/src/tax-return/). They travel inside the signed link (the `itb` claim), so the
 * PDF shows exactly the return the caller asked for, computed once, and the gateway that serves it
 * needs no tax logic: it adds the client's legal details and white label when the file is served.
 * Amounts are bigint minor units of the base currency; in the link, integer strings.
 */
export interface ItbmsRateFigures {
  ratePercent: string;
  baseMinor: bigint;
  taxMinor: bigint;
}

export interface ItbmsReturnFigures {
  year: number;
  month: number;
  from: string;
  to: string;
  baseCurrency: string;
  minorUnits: number;
  sales: ItbmsRateFigures[];
  exemptSalesMinor: bigint;
  creditNotesBaseMinor: bigint;
  creditNotesTaxMinor: bigint;
  purchases: ItbmsRateFigures[];
  exemptPurchasesMinor: bigint;
  debitNotesBaseMinor: bigint;
  debitNotesTaxMinor: bigint;
  journalOutputTaxMinor: bigint;
  journalInputTaxMinor: bigint;
  outputTaxMinor: bigint;
  inputTaxMinor: bigint;
  creditBroughtForwardMinor: bigint;
  netPayableMinor: bigint;
  creditCarriedForwardMinor: bigint;
  glOutputTaxMinor: bigint;
  glInputTaxMinor: bigint;
  reconciles: boolean;
}

const minor = z.string().regex(/^-?\d{1,20}$/);
const rate = z.object({ r: z.string().regex(/^\d{1,3}(\.\d{1,6})?$/), b: minor, t: minor });
const AMOUNTS = [
  'exemptSalesMinor',
  'creditNotesBaseMinor',
  'creditNotesTaxMinor',
  'exemptPurchasesMinor',
  'debitNotesBaseMinor',
  'debitNotesTaxMinor',
  'journalOutputTaxMinor',
  'journalInputTaxMinor',
  'outputTaxMinor',
  'inputTaxMinor',
  'creditBroughtForwardMinor',
  'netPayableMinor',
  'creditCarriedForwardMinor',
  'glOutputTaxMinor',
  'glInputTaxMinor',
] as const;

/** The claim as the link carries it: short keys, amounts as integer strings in a fixed order. */
export const itbmsClaimSchema = z.object({
  y: z.number().int().min(1900).max(9999),
  m: z.number().int().min(1).max(12),
  cur: z.string().regex(/^[A-Z]{3}$/),
  mu: z.number().int().min(0).max(4),
  s: z.array(rate).max(20),
  p: z.array(rate).max(20),
  a: z.array(minor).length(AMOUNTS.length),
  ok: z.boolean(),
});
export type ItbmsClaim = z.infer<typeof itbmsClaimSchema>;

export function itbmsClaimOf(f: ItbmsReturnFigures): ItbmsClaim {
  const rates = (list: ItbmsRateFigures[]) =>
    list.map((l) => ({ r: l.ratePercent, b: l.baseMinor.toString(), t: l.taxMinor.toString() }));
  return {
    y: f.year,
    m: f.month,
    cur: f.baseCurrency,
    mu: f.minorUnits,
    s: rates(f.sales),
    p: rates(f.purchases),
    a: AMOUNTS.map((k) => f[k].toString()),
    ok: f.reconciles,
  };
}

export function itbmsFiguresOf(c: ItbmsClaim): ItbmsReturnFigures {
  const pad = (n: number) => String(n).padStart(2, '0');
  const last = new Date(Date.UTC(c.y, c.m, 0)).getUTCDate();
  const rates = (list: ItbmsClaim['s']) =>
    list.map((l) => ({ ratePercent: l.r, baseMinor: BigInt(l.b), taxMinor: BigInt(l.t) }));
  const amounts = Object.fromEntries(AMOUNTS.map((k, i) => [k, BigInt(c.a[i] as string)])) as Record<
    (typeof AMOUNTS)[number],
    bigint
  >;
  return {
    year: c.y,
    month: c.m,
    from: `${c.y}-${pad(c.m)}-01`,
    to: `${c.y}-${pad(c.m)}-${pad(last)}`,
    baseCurrency: c.cur,
    minorUnits: c.mu,
    sales: rates(c.s),
    purchases: rates(c.p),
    ...amounts,
    reconciles: c.ok,
  };
}
