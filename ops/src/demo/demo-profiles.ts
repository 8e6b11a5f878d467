/**
 * Who each demo client is: what it sells, to whom, what it buys and from whom, in which
 * currencies, and how far its closes have got. The books themselves are generated from this
 * (demo-activity.ts), relative to the day the demo is seeded.
 */

export interface DemoParty {
  code: string;
  name: string;
  /** ISO 4217; the client's base currency (PAB) when absent. */
  currency?: string;
  termsDays: number;
  /** Sales: the tax code of its invoices' lines. Purchases: the expense account its bills post to. */
  taxCode?: 'ITBMS7' | 'EXENTO';
  account?: string;
  /** Typical line price in the party's currency, minor units (from, to). */
  price: [number, number];
}

export interface DemoCloseProfile {
  /**
   * Months before the current one left unlocked: 0 means every past month is closed. The oldest of
   * them has a close at `stage` (NONE: not started).
   */
  openMonths: number;
  stage: 'NONE' | 'DRAFT' | 'PENDING_APPROVAL';
  /**
   * The previous fiscal year: its months LOCKED only, its year-end close prepared and waiting
   * (DRAFT_CLOSE), CLOSED, or closed and AUDITED. Needs all twelve of its months locked, which the
   * seed does whenever `openMonths` leaves them so.
   */
  previousYear: 'LOCKED' | 'DRAFT_CLOSE' | 'CLOSED' | 'AUDITED';
}

export interface DemoProfile {
  slug: string;
  /** The income account of its invoices and cash sales (4101 goods, 4102 services). */
  salesAccount: '4101' | '4102';
  /** Counter sales a day, minor units of PAB (from, to), and their tax; none for a business that only invoices. */
  cashSales: { range: [number, number]; taxCode: 'ITBMS7' | 'EXENTO' } | null;
  customers: DemoParty[];
  vendors: DemoParty[];
  /** Monthly rent and payroll, minor units of PAB. */
  rentMinor: number;
  payrollMinor: number;
  close: DemoCloseProfile;
  /** A currency the rate provider stopped quoting a few days ago (the stale-rate exception). */
  staleCurrency?: string;
}

export const DEMO_PROFILES: readonly DemoProfile[] = [
  {
    slug: 'cafe-boquete',
    salesAccount: '4101',
    cashSales: { range: [15_000, 90_000], taxCode: 'ITBMS7' },
    customers: [
      { code: 'C-HB', name: 'Hotel Bristol Panamá', termsDays: 30, taxCode: 'ITBMS7', price: [2_500, 9_000] },
      {
        code: 'C-RS',
        name: 'Supermercados Riba Smith',
        termsDays: 30,
        taxCode: 'ITBMS7',
        price: [1_800, 6_500],
      },
      {
        code: 'C-KB',
        name: 'Kaffeehaus Berlin GmbH',
        currency: 'EUR',
        termsDays: 45,
        taxCode: 'EXENTO',
        price: [40_000, 160_000],
      },
    ],
    vendors: [
      { code: 'V-LL', name: 'Beneficio Las Lajas', termsDays: 30, account: '5101', price: [30_000, 140_000] },
      { code: 'V-EI', name: 'Empaques del Istmo', termsDays: 15, account: '5101', price: [8_000, 30_000] },
      {
        code: 'V-NV',
        name: 'Naviera Pacífico Norte',
        currency: 'USD',
        termsDays: 30,
        account: '6302',
        price: [12_000, 45_000],
      },
    ],
    rentMinor: 180_000,
    payrollMinor: 640_000,
    close: { openMonths: 1, stage: 'PENDING_APPROVAL', previousYear: 'CLOSED' },
  },
  {
    slug: 'ferreteria-colon',
    salesAccount: '4101',
    cashSales: { range: [30_000, 150_000], taxCode: 'ITBMS7' },
    customers: [
      {
        code: 'C-CI',
        name: 'Constructora Istmeña',
        termsDays: 30,
        taxCode: 'ITBMS7',
        price: [15_000, 80_000],
      },
      {
        code: 'C-MC',
        name: 'Municipio de Colón',
        termsDays: 60,
        taxCode: 'EXENTO',
        price: [20_000, 120_000],
      },
      { code: 'C-HZ', name: 'Hotel Zona Libre', termsDays: 30, taxCode: 'ITBMS7', price: [5_000, 25_000] },
    ],
    vendors: [
      {
        code: 'V-HM',
        name: 'Herramientas de México, S.A. de C.V.',
        currency: 'MXN',
        termsDays: 45,
        account: '5101',
        price: [3_000_000, 9_000_000],
      },
      {
        code: 'V-CI',
        name: 'Cementos Interoceánicos',
        termsDays: 30,
        account: '5101',
        price: [40_000, 160_000],
      },
      { code: 'V-EN', name: 'Energía del Caribe', termsDays: 15, account: '6202', price: [30_000, 70_000] },
    ],
    rentMinor: 250_000,
    payrollMinor: 980_000,
    close: { openMonths: 3, stage: 'DRAFT', previousYear: 'DRAFT_CLOSE' },
  },
  {
    slug: 'clinica-costa',
    salesAccount: '4102',
    cashSales: { range: [20_000, 120_000], taxCode: 'EXENTO' },
    customers: [
      { code: 'C-AA', name: 'Aseguradora Ancón', termsDays: 30, taxCode: 'EXENTO', price: [8_000, 40_000] },
      {
        code: 'C-PL',
        name: 'Pan-American Life Insurance',
        currency: 'USD',
        termsDays: 45,
        taxCode: 'EXENTO',
        price: [10_000, 50_000],
      },
    ],
    vendors: [
      {
        code: 'V-DS',
        name: 'Dentsply Sirona Europe GmbH',
        currency: 'EUR',
        termsDays: 30,
        account: '5101',
        price: [50_000, 200_000],
      },
      {
        code: 'V-LD',
        name: 'Laboratorio Dental Panamá',
        termsDays: 30,
        account: '6301',
        price: [15_000, 60_000],
      },
    ],
    rentMinor: 320_000,
    payrollMinor: 1_150_000,
    close: { openMonths: 0, stage: 'NONE', previousYear: 'AUDITED' },
  },
  {
    slug: 'logistica-canal',
    salesAccount: '4102',
    cashSales: null,
    customers: [
      {
        code: 'C-HL',
        name: 'Hapag-Lloyd AG',
        currency: 'EUR',
        termsDays: 30,
        taxCode: 'EXENTO',
        price: [150_000, 600_000],
      },
      {
        code: 'C-ML',
        name: 'Maersk Line UK Ltd',
        currency: 'GBP',
        termsDays: 30,
        taxCode: 'EXENTO',
        price: [120_000, 450_000],
      },
      {
        code: 'C-ZL',
        name: 'Distribuidora Zona Libre',
        termsDays: 30,
        taxCode: 'ITBMS7',
        price: [60_000, 250_000],
      },
    ],
    vendors: [
      {
        code: 'V-CP',
        name: 'Combustibles del Pacífico',
        termsDays: 15,
        account: '5101',
        price: [80_000, 300_000],
      },
      {
        code: 'V-TM',
        name: 'Talleres Marítimos de Balboa',
        termsDays: 30,
        account: '6302',
        price: [20_000, 90_000],
      },
    ],
    rentMinor: 420_000,
    payrollMinor: 1_600_000,
    close: { openMonths: 1, stage: 'DRAFT', previousYear: 'CLOSED' },
    staleCurrency: 'GBP',
  },
  {
    slug: 'panaderia-valle',
    salesAccount: '4101',
    cashSales: { range: [8_000, 40_000], taxCode: 'ITBMS7' },
    customers: [
      { code: 'C-CU', name: 'Café Unido', termsDays: 15, taxCode: 'ITBMS7', price: [2_000, 9_000] },
    ],
    vendors: [
      { code: 'V-HI', name: 'Harinas del Istmo', termsDays: 30, account: '5101', price: [20_000, 70_000] },
      {
        code: 'V-MC',
        name: 'Molinos de Colombia S.A.S.',
        currency: 'COP',
        termsDays: 30,
        account: '5101',
        price: [60_000_000, 180_000_000],
      },
    ],
    rentMinor: 90_000,
    payrollMinor: 310_000,
    close: { openMonths: 5, stage: 'NONE', previousYear: 'LOCKED' },
  },
];
