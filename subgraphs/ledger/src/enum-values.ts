import type { tenant } from '@cifra/db';

type AccountRoleName = (typeof tenant.accountRole.enumValues)[number];

/**
 * GraphQL enum values (SCREAMING_SNAKE) → the names the database's `account_role` type uses; the
 * enum's resolver and codegen's types (see subgraphs/tenancy/src/enum-values.ts).
 */
export const enumValues = {
  AccountRole: {
    DEFAULT_AR: 'DefaultAR',
    DEFAULT_AP: 'DefaultAP',
    CASH: 'Cash',
    SALES_TAX_PAYABLE: 'SalesTaxPayable',
    PURCHASE_TAX_RECEIVABLE: 'PurchaseTaxReceivable',
    RETAINED_EARNINGS: 'RetainedEarnings',
    FX_VARIANCE_BANK_FEES: 'FxVarianceBankFees',
    REALIZED_FX_GAIN: 'RealizedFxGain',
    REALIZED_FX_LOSS: 'RealizedFxLoss',
    ROUNDING: 'Rounding',
    BANK_FEES: 'BankFees',
    BAD_DEBT: 'BadDebt',
    SMALL_DIFFERENCES: 'SmallDifferences',
  } as const satisfies Record<string, AccountRoleName>,
};
