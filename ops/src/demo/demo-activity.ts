import { addDays, formatMoney, type IsoDate, type PeriodSpan } from '@cifra/domain';
import type { DemoParty, DemoProfile } from './demo-profiles.ts';
import { type Rng, seededRng } from './prng.ts';

/**
 * A demo client's activity as a plan: pure data drawn from a seeded generator, relative to the
 * day the demo is seeded. The same profile, seed and day give the same plan; demo-books.ts posts
 * it through the services. Every amount is minor units (bigint) or the decimal text made of them.
 */

/** The customer the counter sales' ITBMS lines name (control accounts need a party). */
export const CASH_CUSTOMER: DemoParty = {
  code: 'C-CONTADO',
  name: 'Consumidor final (ventas de contado)',
  termsDays: 0,
  price: [0, 0],
};

export interface PlannedLine {
  accountCode: string;
  debit?: string;
  credit?: string;
  /** A party code, for lines on a control account. */
  party?: string;
}
export interface PlannedEntry {
  postingDate: IsoDate;
  memo: string;
  lines: PlannedLine[];
}

export interface PlannedInvoiceLine {
  accountCode: string;
  description: string;
  quantity: string;
  unitPrice: string;
  taxCode: string;
}

export type PlannedDocument =
  | {
      type: 'INVOICE';
      kind: 'SALES_INVOICE' | 'PURCHASE_INVOICE';
      key: string;
      party: string;
      date: IsoDate;
      reference: string | null;
      lines: PlannedInvoiceLine[];
      /** False leaves it a draft (a document waiting on the current month). */
      post: boolean;
    }
  | {
      type: 'CREDIT_NOTE';
      key: string;
      appliesTo: string;
      party: string;
      date: IsoDate;
      lines: PlannedInvoiceLine[];
    }
  | {
      type: 'SETTLEMENT';
      kind: 'CUSTOMER_RECEIPT' | 'VENDOR_PAYMENT';
      key: string;
      party: string;
      date: IsoDate;
      /** The invoice it settles; the amount is what is open on it when it is posted. */
      invoice: string;
      feeMinor: bigint;
    };

export interface MonthPlan {
  period: PeriodSpan;
  entries: PlannedEntry[];
  documents: PlannedDocument[];
}

const money = (minor: bigint) => formatMoney(minor, 2);
const currencyOf = (p: DemoParty) => p.currency ?? 'PAB';
/** Day `n` (1-based) of a period, never past its end. */
const dayOf = (period: PeriodSpan, n: number): IsoDate => {
  const d = addDays(period.startDate, n - 1);
  // biome-ignore lint/complexity/useMathMinMax: ISO dates are strings, compared as text.
  return d > period.endDate ? period.endDate : d;
};
const lengthOf = (period: PeriodSpan) => Number(period.endDate.slice(8, 10));
const isSunday = (date: IsoDate) => new Date(`${date}T00:00:00Z`).getUTCDay() === 0;

const SALES_WORDS: Record<string, string[]> = {
  '4101': [
    'Café de altura, saco 5 lb',
    'Mercancía según pedido',
    'Productos terminados',
    'Lote de temporada',
  ],
  '4102': [
    'Servicio profesional del mes',
    'Servicio según orden de trabajo',
    'Manejo y coordinación',
    'Consulta y tratamiento',
  ],
};

/** The plan of one client over `periods` (the previous and the current fiscal year), up to `today`. */
export function planActivity(
  profile: DemoProfile,
  seed: number,
  periods: readonly PeriodSpan[],
  today: IsoDate,
): MonthPlan[] {
  const rng = seededRng(seed);
  const active = periods.filter((p) => p.startDate <= today);
  const documents: PlannedDocument[] = [];
  let n = 0;
  const key = (prefix: string) => `${prefix}-${++n}`;
  const plans = active.map((period, index) => {
    const entries = monthEntries(profile, rng, period, today, index === 0);
    const last = today >= period.endDate ? lengthOf(period) : Number(today.slice(8, 10));
    const someDay = () => dayOf(period, rng.int(1, last));
    // Sales invoices, some corrected by a credit note, most collected (with the bank's fee) on terms.
    for (let i = rng.int(1, 2); i > 0; i--) {
      const customer = rng.pick(profile.customers);
      const date = someDay();
      const invoice = key('INV');
      documents.push({
        type: 'INVOICE',
        kind: 'SALES_INVOICE',
        key: invoice,
        party: customer.code,
        date,
        reference: rng.chance(50) ? `PO-${rng.int(1000, 9999)}` : null,
        lines: invoiceLines(rng, customer, profile.salesAccount, rng.int(1, 3)),
        post: true,
      });
      if (rng.chance(15)) {
        const noteDate = addDays(date, rng.int(2, 8));
        if (noteDate <= today) {
          const line = invoiceLines(rng, customer, profile.salesAccount, 1)[0]!;
          documents.push({
            type: 'CREDIT_NOTE',
            key: key('CN'),
            appliesTo: invoice,
            party: customer.code,
            date: noteDate,
            lines: [
              {
                ...line,
                description: 'Devolución parcial / descuento concedido',
                quantity: '1',
                unitPrice: money(BigInt(customer.price[0]) / 2n),
              },
            ],
          });
        }
      }
      settle(documents, rng, 'CUSTOMER_RECEIPT', customer, invoice, date, today, key, 88);
    }
    // Vendors' bills, paid on terms.
    for (let i = rng.int(0, 2); i > 0; i--) {
      const vendor = rng.pick(profile.vendors);
      const date = someDay();
      const bill = key('BILL');
      documents.push({
        type: 'INVOICE',
        kind: 'PURCHASE_INVOICE',
        key: bill,
        party: vendor.code,
        date,
        reference: `F-${rng.int(10_000, 99_999)}`,
        lines: [
          {
            accountCode: vendor.account ?? '5101',
            description: 'Según factura del proveedor',
            quantity: '1',
            unitPrice: money(rng.minor(vendor.price[0], vendor.price[1])),
            taxCode: currencyOf(vendor) === 'PAB' ? 'ITBMS7' : 'EXENTO',
          },
        ],
        post: true,
      });
      settle(documents, rng, 'VENDOR_PAYMENT', vendor, bill, date, today, key, 92);
    }
    return { period, entries, documents: [] as PlannedDocument[] };
  });
  extras(profile, rng, documents, today, key);
  for (const doc of documents) {
    const plan = plans.find((p) => p.period.startDate <= doc.date && doc.date <= p.period.endDate);
    plan?.documents.push(doc);
  }
  // Within a month, by date; on one day invoices before their notes and settlements.
  const rank = { INVOICE: 0, CREDIT_NOTE: 1, SETTLEMENT: 2 } as const;
  for (const p of plans)
    p.documents.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : rank[a.type] - rank[b.type]));
  return plans;
}

function invoiceLines(rng: Rng, customer: DemoParty, account: string, count: number): PlannedInvoiceLine[] {
  return Array.from({ length: count }, () => {
    const quantity = rng.int(1, 12);
    return {
      accountCode: account,
      description: rng.pick(SALES_WORDS[account] ?? ['Venta']),
      quantity: String(quantity),
      unitPrice: money(
        rng.minor(customer.price[0], customer.price[1]) / BigInt(Math.max(1, Math.ceil(quantity / 3))),
      ),
      taxCode: customer.taxCode ?? 'ITBMS7',
    };
  });
}

/** A receipt or payment of the whole open amount on terms (± a few days), if that day has come. */
function settle(
  documents: PlannedDocument[],
  rng: Rng,
  kind: 'CUSTOMER_RECEIPT' | 'VENDOR_PAYMENT',
  party: DemoParty,
  invoice: string,
  date: IsoDate,
  today: IsoDate,
  key: (prefix: string) => string,
  percent: number,
): void {
  const paid = addDays(date, party.termsDays + rng.int(-5, 12));
  const foreign = currencyOf(party) !== 'PAB' && currencyOf(party) !== 'USD';
  // A wire from abroad costs 15–45; a local ACH sometimes 0.50–3.00.
  const feeMinor = foreign ? rng.minor(1_500, 4_500) : rng.chance(35) ? rng.minor(50, 300) : 0n;
  if (!rng.chance(percent) || paid > today) return;
  documents.push({
    type: 'SETTLEMENT',
    kind,
    key: key(kind === 'CUSTOMER_RECEIPT' ? 'REC' : 'PAY'),
    party: party.code,
    date: paid < date ? date : paid,
    invoice,
    feeMinor,
  });
}

/** What makes the demo's exceptions: a draft waiting this month, and an invoice at a stale rate. */
function extras(
  profile: DemoProfile,
  rng: Rng,
  documents: PlannedDocument[],
  today: IsoDate,
  key: (p: string) => string,
) {
  const customer = profile.customers[0]!;
  documents.push({
    type: 'INVOICE',
    kind: 'SALES_INVOICE',
    key: key('INV'),
    party: customer.code,
    date: today,
    reference: 'Pendiente de aprobar',
    lines: invoiceLines(rng, customer, profile.salesAccount, 2),
    post: false,
  });
  const stale = profile.staleCurrency && profile.customers.find((c) => c.currency === profile.staleCurrency);
  if (stale) {
    documents.push({
      type: 'INVOICE',
      kind: 'SALES_INVOICE',
      key: key('INV'),
      party: stale.code,
      date: today,
      reference: `Tarifa ${profile.staleCurrency} sin cotización reciente`,
      lines: invoiceLines(rng, stale, profile.salesAccount, 1),
      post: true,
    });
  }
}

/** Counter sales, rent, payroll and its social security, utilities, depreciation and bank charges. */
function monthEntries(
  profile: DemoProfile,
  rng: Rng,
  period: PeriodSpan,
  today: IsoDate,
  first: boolean,
): PlannedEntry[] {
  const out: PlannedEntry[] = [];
  const push = (postingDate: IsoDate, memo: string, lines: PlannedLine[]) => {
    if (postingDate <= today) out.push({ postingDate, memo, lines });
  };
  if (first) {
    const capital = BigInt(profile.payrollMinor) * 6n;
    push(period.startDate, 'Saldos de apertura: capital aportado y equipo', [
      { accountCode: '1110', debit: money(capital) },
      { accountCode: '1601', debit: money(capital / 2n) },
      { accountCode: '3101', credit: money(capital + capital / 2n) },
    ]);
  }
  push(period.startDate, 'Alquiler del local', [
    { accountCode: '6201', debit: money(BigInt(profile.rentMinor)) },
    { accountCode: '1110', credit: money(BigInt(profile.rentMinor)) },
  ]);
  if (profile.cashSales) {
    const [lo, hi] = profile.cashSales.range;
    for (let day = period.startDate; day <= period.endDate; day = addDays(day, 1)) {
      if (isSunday(day)) continue;
      const net = rng.minor(lo, hi);
      const taxed = profile.cashSales.taxCode === 'ITBMS7';
      const tax = taxed ? (net * 7n + 50n) / 100n : 0n;
      const lines: PlannedLine[] = [
        { accountCode: '1110', debit: money(net + tax) },
        { accountCode: profile.salesAccount, credit: money(net) },
      ];
      if (taxed) lines.push({ accountCode: '2201', credit: money(tax), party: CASH_CUSTOMER.code });
      push(day, `Ventas de contado del día (${money(net)}${taxed ? ' + ITBMS' : ', exentas'})`, lines);
    }
  }
  push(dayOf(period, 10), 'Electricidad, agua y teléfono', [
    { accountCode: '6202', debit: money(rng.minor(12_000, 45_000)) },
    { accountCode: '1110', credit: money(0n) },
  ]);
  const half = BigInt(profile.payrollMinor) / 2n;
  const withheld = (half * 975n) / 10_000n;
  for (const day of [15, lengthOf(period)]) {
    push(dayOf(period, day), 'Planilla quincenal', [
      { accountCode: '6101', debit: money(half) },
      { accountCode: '2302', credit: money(withheld) },
      { accountCode: '1110', credit: money(half - withheld) },
    ]);
  }
  const employer = (BigInt(profile.payrollMinor) * 1_225n) / 10_000n;
  push(period.endDate, 'Cuota patronal CSS y seguro educativo del mes', [
    { accountCode: '6103', debit: money(employer) },
    { accountCode: '2302', credit: money(employer) },
  ]);
  if (!first) {
    const css = withheld * 2n + employer;
    push(dayOf(period, 12), 'Pago a la Caja de Seguro Social (planilla del mes anterior)', [
      { accountCode: '2302', debit: money(css) },
      { accountCode: '1110', credit: money(css) },
    ]);
  }
  push(period.endDate, 'Depreciación del mes', [
    { accountCode: '6601', debit: money(BigInt(profile.payrollMinor) / 20n) },
    { accountCode: '1690', credit: money(BigInt(profile.payrollMinor) / 20n) },
  ]);
  push(period.endDate, 'Cargos bancarios del mes', [
    { accountCode: '6501', debit: money(rng.minor(800, 3_500)) },
    { accountCode: '1110', credit: money(0n) },
  ]);
  // Two-line expenses drawn above carry their amount on both sides.
  for (const e of out) {
    if (e.lines.length === 2 && e.lines[1]!.credit === '0.00') e.lines[1]!.credit = e.lines[0]!.debit;
  }
  return out;
}
