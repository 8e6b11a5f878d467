/**
 * Panama small-business starting chart of accounts and regional defaults (PAB base currency, ITBMS 7 %).
 *
 * Codes are grouped 1xxx assets, 2xxx liabilities, 3xxx equity, 4xxx income, 5xxx cost of sales,
 * 6xxx operating expenses and 7xxx other income and expense. Names are in Spanish as used in Panama.
 *
 * The posting engine never looks an account up by code or name. Each account it needs (the default
 * receivable and payable, the bank, ITBMS, retained earnings, FX and rounding) is bound to it by a role,
 * and each role is carried by exactly one account. A company can therefore rename or renumber any
 * account after setup without breaking postings; only moving a role changes where entries land.
 */
export type AccountType = 'ASSET' | 'LIABILITY' | 'EQUITY' | 'INCOME' | 'EXPENSE';

export type AccountRole =
  | 'DefaultAR'
  | 'DefaultAP'
  | 'Cash'
  | 'SalesTaxPayable'
  | 'PurchaseTaxReceivable'
  | 'RetainedEarnings'
  | 'FxVarianceBankFees'
  | 'RealizedFxGain'
  | 'RealizedFxLoss'
  | 'Rounding'
  | 'BankFees'
  | 'BadDebt'
  | 'SmallDifferences';

export interface AccountTemplate {
  code: string;
  name: string;
  type: AccountType;
  role?: AccountRole;
}

export interface TaxCodeTemplate {
  code: string;
  name: string;
  ratePercent: string;
  salesAccountRole: AccountRole | null;
  purchaseAccountRole: AccountRole | null;
}

/**
 * A currency fixed by law to another at an exact rate (the balboa circulates at par with the US
 * dollar). The rate source honours it: the pair always converts at `rate`, source "PEG", and no
 * provider or override can say otherwise.
 */
export interface CurrencyPeg {
  /** The pegged currency (PAB). */
  currency: string;
  /** The currency it is pegged to (USD). */
  anchor: string;
  /** Units of `currency` per one unit of `anchor`, as an exact decimal ("1"). */
  rate: string;
}

export interface RegionTemplate {
  region: string;
  baseCurrency: string;
  currencyPegs?: readonly CurrencyPeg[];
  timezone: string;
  fiscalYearStartMonth: number;
  accounts: readonly AccountTemplate[];
  taxCodes: readonly TaxCodeTemplate[];
}

export const PANAMA: RegionTemplate = {
  region: 'PA',
  baseCurrency: 'PAB',
  // The balboa is pegged 1:1 to the US dollar, which circulates as legal tender beside it.
  currencyPegs: [{ currency: 'PAB', anchor: 'USD', rate: '1' }],
  timezone: 'America/Panama',
  fiscalYearStartMonth: 1,
  accounts: [
    // 1xxx Activos
    { code: '1101', name: 'Caja general', type: 'ASSET' },
    { code: '1102', name: 'Caja menuda', type: 'ASSET' },
    { code: '1110', name: 'Banco general — cuenta corriente', type: 'ASSET', role: 'Cash' },
    { code: '1201', name: 'Cuentas por cobrar — clientes', type: 'ASSET', role: 'DefaultAR' },
    { code: '1209', name: 'Provisión para cuentas incobrables', type: 'ASSET' },
    { code: '1301', name: 'Inventario de mercancías', type: 'ASSET' },
    { code: '1401', name: 'ITBMS por cobrar (crédito fiscal)', type: 'ASSET', role: 'PurchaseTaxReceivable' },
    { code: '1402', name: 'Impuesto sobre la renta estimado pagado', type: 'ASSET' },
    { code: '1501', name: 'Gastos pagados por anticipado', type: 'ASSET' },
    { code: '1601', name: 'Mobiliario y equipo', type: 'ASSET' },
    { code: '1690', name: 'Depreciación acumulada', type: 'ASSET' },

    // 2xxx Pasivos
    { code: '2101', name: 'Cuentas por pagar — proveedores', type: 'LIABILITY', role: 'DefaultAP' },
    { code: '2201', name: 'ITBMS por pagar', type: 'LIABILITY', role: 'SalesTaxPayable' },
    { code: '2202', name: 'Impuesto sobre la renta por pagar (ISR)', type: 'LIABILITY' },
    { code: '2301', name: 'Salarios por pagar', type: 'LIABILITY' },
    { code: '2302', name: 'CSS — Caja de Seguro Social por pagar', type: 'LIABILITY' },
    { code: '2303', name: 'Seguro educativo por pagar', type: 'LIABILITY' },
    { code: '2304', name: 'Décimo tercer mes y vacaciones por pagar', type: 'LIABILITY' },
    { code: '2401', name: 'Gastos acumulados por pagar', type: 'LIABILITY' },
    { code: '2501', name: 'Préstamos bancarios por pagar', type: 'LIABILITY' },

    // 3xxx Patrimonio
    { code: '3101', name: 'Capital en acciones', type: 'EQUITY' },
    { code: '3201', name: 'Utilidades retenidas', type: 'EQUITY', role: 'RetainedEarnings' },
    { code: '3301', name: 'Impuesto complementario', type: 'EQUITY' },

    // 4xxx Ingresos
    { code: '4101', name: 'Ventas de bienes', type: 'INCOME' },
    { code: '4102', name: 'Ventas de servicios', type: 'INCOME' },
    { code: '4201', name: 'Devoluciones y descuentos sobre ventas', type: 'INCOME' },

    // 5xxx Costo de ventas
    { code: '5101', name: 'Costo de mercancía vendida', type: 'EXPENSE' },

    // 6xxx Gastos de operación
    { code: '6101', name: 'Salarios', type: 'EXPENSE' },
    { code: '6102', name: 'Décimo tercer mes y vacaciones', type: 'EXPENSE' },
    { code: '6103', name: 'Cuotas patronales — CSS y seguro educativo', type: 'EXPENSE' },
    { code: '6201', name: 'Alquiler', type: 'EXPENSE' },
    { code: '6202', name: 'Electricidad, agua y teléfono', type: 'EXPENSE' },
    { code: '6301', name: 'Honorarios profesionales', type: 'EXPENSE' },
    { code: '6302', name: 'Reparaciones y mantenimiento', type: 'EXPENSE' },
    { code: '6401', name: 'Impuestos, tasas y aviso de operación', type: 'EXPENSE' },
    { code: '6501', name: 'Cargos bancarios', type: 'EXPENSE', role: 'BankFees' },
    {
      code: '6502',
      name: 'Diferencial cambiario y comisiones bancarias',
      type: 'EXPENSE',
      role: 'FxVarianceBankFees',
    },
    { code: '6601', name: 'Depreciación', type: 'EXPENSE' },
    { code: '6602', name: 'Cuentas incobrables', type: 'EXPENSE', role: 'BadDebt' },

    // 7xxx Otros ingresos y gastos
    { code: '7101', name: 'Ingresos por intereses', type: 'INCOME' },
    {
      code: '7102',
      name: 'Ganancia realizada por diferencial cambiario',
      type: 'INCOME',
      role: 'RealizedFxGain',
    },
    { code: '7201', name: 'Gastos por intereses', type: 'EXPENSE' },
    {
      code: '7202',
      name: 'Pérdida realizada por diferencial cambiario',
      type: 'EXPENSE',
      role: 'RealizedFxLoss',
    },
    { code: '7203', name: 'Redondeo', type: 'EXPENSE', role: 'Rounding' },
    { code: '7204', name: 'Diferencias menores en cobros', type: 'EXPENSE', role: 'SmallDifferences' },
    { code: '7901', name: 'Impuesto sobre la renta', type: 'EXPENSE' },
  ],
  taxCodes: [
    {
      code: 'ITBMS7',
      name: 'ITBMS 7 %',
      ratePercent: '7.000',
      salesAccountRole: 'SalesTaxPayable',
      purchaseAccountRole: 'PurchaseTaxReceivable',
    },
    // 10 %: alcoholic drinks and lodging; 15 %: tobacco (Código Fiscal, art. 1057-V).
    {
      code: 'ITBMS10',
      name: 'ITBMS 10 %',
      ratePercent: '10.000',
      salesAccountRole: 'SalesTaxPayable',
      purchaseAccountRole: 'PurchaseTaxReceivable',
    },
    {
      code: 'ITBMS15',
      name: 'ITBMS 15 %',
      ratePercent: '15.000',
      salesAccountRole: 'SalesTaxPayable',
      purchaseAccountRole: 'PurchaseTaxReceivable',
    },
    {
      code: 'EXENTO',
      name: 'Exento de ITBMS',
      ratePercent: '0.000',
      salesAccountRole: null,
      purchaseAccountRole: null,
    },
  ],
};
