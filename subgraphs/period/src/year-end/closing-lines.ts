import { DomainError, formatMoney, type IsoDate } from '@cifra/domain';
import type { Company } from '@cifra/engine';
import type { AccountBalance, FxVarianceMode, PendingAccrual, RoleAccount } from './store.ts';

/**
 * The year-end close's accounting, without the database: which lines close the year's income and
 * expenses into retained earnings (with the FX policy's reclassification), and which lines reverse
 * the accruals flagged to auto-reverse — each with its explanation in words.
 */

export interface DraftLine {
  group: 'CLOSING' | 'ACCRUAL_REVERSAL';
  reversesEntryId: string | null;
  postingDate: IsoDate;
  accountId: string;
  amountMinor: bigint;
  originalCurrency: string;
  originalAmountMinor: bigint;
  explanation: string;
}

type Roles = Map<string, RoleAccount>;
type ToClose = Omit<AccountBalance, 'type'> & { type: string };

const side = (minor: bigint) => (minor > 0n ? 'debit' : 'credit');
const abs = (minor: bigint) => (minor < 0n ? -minor : minor);

export interface ClosingInput {
  balances: AccountBalance[];
  roles: Roles;
  company: Company;
  fiscalYear: number;
  closingDate: IsoDate;
  mode: FxVarianceMode;
  /** Bank fees posted to FxVarianceBankFees before they had their own role (Separated mode only). */
  legacyBankFeesMinor?: bigint;
}

/** One closing line in the base currency, dated the last day of the year. */
function lineMaker(input: ClosingInput) {
  return (accountId: string, amountMinor: bigint, explanation: string): DraftLine => ({
    group: 'CLOSING',
    reversesEntryId: null,
    postingDate: input.closingDate,
    originalCurrency: input.company.baseCurrency,
    accountId,
    amountMinor,
    originalAmountMinor: amountMinor,
    explanation,
  });
}

const moneyOf = (company: Company) => (m: bigint) =>
  `${formatMoney(abs(m), company.baseMinorUnits)} ${company.baseCurrency}`;

/**
 * Separated FX policy: the exchange differences left on FxVarianceBankFees (posted while the client
 * was in Simple mode) are first reclassified to realized FX gain (credit residual) or loss (debit
 * residual); those accounts then close as usual. Returns the reclassification lines and what each
 * target account receives.
 */
function reclassifyFx(input: ClosingInput): { lines: DraftLine[]; extra: Map<string, bigint> } {
  const { roles, fiscalYear } = input;
  const lines: DraftLine[] = [];
  const extra = new Map<string, bigint>();
  const fxVariance = roles.get('FxVarianceBankFees');
  if (input.mode !== 'SEPARATED' || !fxVariance) return { lines, extra };
  const onAccount = input.balances.find((b) => b.accountId === fxVariance.id);
  const fx = (onAccount?.balanceMinor ?? 0n) - (input.legacyBankFeesMinor ?? 0n);
  if (!onAccount || fx === 0n) return { lines, extra };
  const target = fx > 0n ? roles.get('RealizedFxLoss') : roles.get('RealizedFxGain');
  if (!target) {
    throw new DomainError(
      'YEAR_NOT_READY',
      `The Separated FX policy needs accounts bound to RealizedFxGain and RealizedFxLoss`,
      { fiscalYear },
    );
  }
  const kind = fx > 0n ? 'loss' : 'gain';
  const line = lineMaker(input);
  const money = moneyOf(input.company);
  lines.push(
    line(
      fxVariance.id,
      -fx,
      `Reclassifies the residual FX variance of ${money(fx)} (${side(fx)} balance) on ${fxVariance.code} ${fxVariance.name} to realized FX ${kind}, as the client's Separated FX policy requires`,
    ),
    line(
      target.id,
      fx,
      `Receives the residual FX variance of ${money(fx)} reclassified from ${fxVariance.code} as realized FX ${kind}`,
    ),
  );
  extra.set(target.id, fx);
  return { lines, extra };
}

/**
 * The balance each income and expense account closes with, after the reclassification. Bank fees
 * are never FX: under the Separated policy what is left on FxVarianceBankFees is the legacy fees,
 * closed as an expense.
 */
function balancesToClose(input: ClosingInput, extra: Map<string, bigint>): ToClose[] {
  const { roles } = input;
  const fxVariance = roles.get('FxVarianceBankFees');
  const gain = roles.get('RealizedFxGain');
  const loss = roles.get('RealizedFxLoss');
  const pending = new Map(extra);
  const toClose: ToClose[] = [];
  for (const b of input.balances) {
    if (input.mode === 'SEPARATED' && fxVariance && b.accountId === fxVariance.id) {
      const fees = input.legacyBankFeesMinor ?? 0n;
      if (fees !== 0n) toClose.push({ ...b, balanceMinor: fees });
      continue;
    }
    toClose.push({ ...b, balanceMinor: b.balanceMinor + (pending.get(b.accountId) ?? 0n) });
    pending.delete(b.accountId);
  }
  for (const [accountId, amount] of pending) {
    const isGain = accountId === gain?.id;
    const acc = isGain ? gain! : loss!;
    toClose.push({
      accountId,
      code: acc.code,
      name: acc.name,
      type: isGain ? 'INCOME' : 'EXPENSE',
      balanceMinor: amount,
    });
  }
  return toClose.sort((a, b) => a.code.localeCompare(b.code));
}

/** What an account's closing line says it closes. */
function whatCloses(input: ClosingInput, b: ToClose): string {
  const { roles, mode } = input;
  const is = (role: string) => roles.get(role)?.id === b.accountId;
  if (is('FxVarianceBankFees')) {
    return mode === 'SEPARATED'
      ? 'bank fees posted before they had their own account (closed as an expense, never as FX)'
      : `FX variance and bank fees (closed as an expense under the client's Simple FX policy)`;
  }
  if (is('BankFees')) return 'bank fees (closed as an expense in either FX policy, never reclassified as FX)';
  if (is('RealizedFxGain')) return 'realized FX gain';
  if (is('RealizedFxLoss')) return 'realized FX loss';
  return b.type === 'INCOME' ? 'income' : 'expense';
}

/** The closing entry's lines and the year's net income (positive: a profit). */
export function buildClosingLines(input: ClosingInput): { lines: DraftLine[]; netIncomeMinor: bigint } {
  const { company, fiscalYear } = input;
  const re = input.roles.get('RetainedEarnings')!;
  const line = lineMaker(input);
  const money = moneyOf(company);
  const { lines, extra } = reclassifyFx(input);
  let total = 0n;
  for (const b of balancesToClose(input, extra)) {
    if (b.balanceMinor === 0n) continue;
    total += b.balanceMinor;
    lines.push(
      line(
        b.accountId,
        -b.balanceMinor,
        `Closes the year's ${whatCloses(input, b)} on ${b.code} ${b.name} (${side(b.balanceMinor)} balance of ${money(b.balanceMinor)}) into retained earnings`,
      ),
    );
  }
  const netIncomeMinor = -total;
  if (total !== 0n) {
    lines.push(
      line(
        re.id,
        total,
        netIncomeMinor > 0n
          ? `Adds the net income of ${money(netIncomeMinor)} for fiscal ${fiscalYear} to retained earnings (${re.code} ${re.name})`
          : `Charges the net loss of ${money(netIncomeMinor)} for fiscal ${fiscalYear} to retained earnings (${re.code} ${re.name})`,
      ),
    );
  }
  return { lines, netIncomeMinor };
}

/** Lines reversing each pending accrual on the first day of the next fiscal year. */
export function accrualReversalLines(
  accruals: PendingAccrual[],
  fiscalYear: number,
  firstOfNext: IsoDate,
): DraftLine[] {
  return accruals.flatMap(({ entry, lines }) =>
    lines.map((l) => ({
      group: 'ACCRUAL_REVERSAL' as const,
      reversesEntryId: entry.id,
      postingDate: firstOfNext,
      accountId: l.accountId,
      amountMinor: -l.amountMinor,
      originalCurrency: l.originalCurrency,
      originalAmountMinor: -l.originalAmountMinor,
      explanation: `Reverses line ${l.lineNumber} of accrual ${entry.number}${entry.memo ? ` (“${entry.memo}”)` : ''} on ${l.code} ${l.name} on the first day of fiscal ${fiscalYear + 1}, because it was flagged to auto-reverse`,
    })),
  );
}
