import { formatMoney, type IsoDate, parseIsoDate, periodAcceptsPosting } from '@cifra/domain';
import type { Books } from '../services/books.ts';
import { checkItems } from './check-items.ts';
import { checkTrialBalance } from './check-lines.ts';
import {
  type OpeningBalancesInput,
  type OpenRow,
  openRowsOf,
  type Plan,
  type PlannedItem,
  type PlannedLine,
  type Problem,
} from './inputs.ts';
import {
  accountsByCode,
  accountsWithBalanceBefore,
  liveImport,
  periodStartingOn,
  type Reader,
  roleBindings,
} from './store.ts';

/**
 * Every problem of an opening balance import, all at once, and the plan to post when there are
 * none. Reads only: a dry run and the real import run the same check.
 */
export async function checkOpeningBalances(
  db: Reader,
  books: Books,
  input: OpeningBalancesInput,
): Promise<{ problems: Problem[]; plan: Plan }> {
  const problems: Problem[] = [];
  const openingDate = parseIsoDate(input.openingDate, 'openingDate');
  const items = openRowsOf(input);
  const roles = await roleBindings(db);
  const { baseMinorUnits } = books.company;
  await checkBooks(db, openingDate, items, problems);
  const tb = await checkTrialBalance(db, input, roles, baseMinorUnits, problems);
  const { lines } = tb;
  const planned = await checkItems(db, books, items, openingDate, problems);
  const totals = checkBalance(tb, baseMinorUnits, problems);
  const clearingAccountId = await checkClearing(db, input, roles, lines, items.length, problems);
  const receivableMinor = sumBase(planned, 'SALES_INVOICE');
  const payableMinor = sumBase(planned, 'PURCHASE_INVOICE');
  const customerCreditsMinor = sumBase(planned, 'CUSTOMER_RECEIPT') + sumBase(planned, 'CREDIT_NOTE');
  const vendorCreditsMinor = sumBase(planned, 'VENDOR_PAYMENT') + sumBase(planned, 'DEBIT_NOTE');
  const itemProblems = planned.length < items.length;
  const control = { baseMinorUnits, itemProblems, problems };
  const ar = { invoicesMinor: receivableMinor, creditsMinor: customerCreditsMinor };
  const ap = { invoicesMinor: payableMinor, creditsMinor: vendorCreditsMinor };
  checkControl(lines, roles.get('DefaultAR'), ar, 1n, 'receivable', control);
  checkControl(lines, roles.get('DefaultAP'), ap, -1n, 'payable', control);
  return {
    problems,
    plan: {
      openingDate,
      memo: input.memo?.trim() || 'Opening balances',
      lines,
      items: planned,
      clearingAccountId,
      receivableAccountId: roles.get('DefaultAR') ?? null,
      payableAccountId: roles.get('DefaultAP') ?? null,
      ...totals,
      receivableMinor,
      payableMinor,
      customerCreditsMinor,
      vendorCreditsMinor,
    },
  };
}

const sumBase = (items: PlannedItem[], kind: PlannedItem['kind']) =>
  items.filter((i) => i.kind === kind).reduce((s, i) => s + i.baseMinor, 0n);

/**
 * The books start on the opening date: no live import already, the date opens a period that takes
 * the entry (and the open items' and credits' sales, purchasing or payment side), and nothing
 * before it carries a balance.
 */
async function checkBooks(db: Reader, openingDate: IsoDate, items: readonly OpenRow[], problems: Problem[]) {
  const live = await liveImport(db);
  if (live) {
    problems.push({
      index: null,
      field: 'input',
      code: 'ALREADY_IMPORTED',
      message: `The client already has opening balances on ${live.openingDate} (import ${live.id}): void them first`,
    });
  }
  const period = await periodStartingOn(db, openingDate);
  const kinds = ['MANUAL' as const, ...new Set(items.map((i) => i.kind))];
  const refusing = period ? kinds.filter((k) => !periodAcceptsPosting(period.state, k)) : [];
  if (!period || refusing.length) {
    problems.push({
      index: null,
      field: 'openingDate',
      code: 'OPENING_DATE',
      message: period
        ? `openingDate: the period opening ${openingDate} is ${period.state} and refuses ${refusing.join(', ')}`
        : `openingDate: ${openingDate} is not the first day of a posting period`,
    });
  }
  const before = await accountsWithBalanceBefore(db, openingDate);
  if (before > 0) {
    problems.push({
      index: null,
      field: 'openingDate',
      code: 'ACTIVITY_BEFORE_OPENING',
      message: `openingDate: ${before} account(s) already carry balances from entries before ${openingDate}; the books must start on the opening date`,
    });
  }
}

/** Debits equal credits, and there is something to post. */
function checkBalance(
  tb: { lines: PlannedLine[]; totalDebitMinor: bigint; totalCreditMinor: bigint },
  baseMinorUnits: number,
  problems: Problem[],
) {
  const { totalDebitMinor, totalCreditMinor } = tb;
  const money = (m: bigint) => formatMoney(m, baseMinorUnits);
  if (totalDebitMinor !== totalCreditMinor) {
    problems.push({
      index: null,
      field: 'trialBalance',
      code: 'UNBALANCED',
      message: `trialBalance: debits ${money(totalDebitMinor)} and credits ${money(totalCreditMinor)} differ by ${money(totalDebitMinor - totalCreditMinor)}`,
    });
  } else if (totalDebitMinor === 0n) {
    problems.push({
      index: null,
      field: 'trialBalance',
      code: 'BAD_AMOUNT',
      message: 'trialBalance: no balance to import',
    });
  }
  return { totalDebitMinor, totalCreditMinor };
}

/**
 * The clearing account, needed when open items or a receivable or payable balance are imported: an
 * active equity account that is no control account.
 */
async function checkClearing(
  db: Reader,
  input: OpeningBalancesInput,
  roles: Map<string, string>,
  lines: PlannedLine[],
  itemCount: number,
  problems: Problem[],
): Promise<string | null> {
  const field = 'clearingAccountCode';
  const problem = (message: string) => {
    problems.push({ index: null, field, code: 'CLEARING_ACCOUNT', message: `${field}: ${message}` });
    return null;
  };
  const code = input.clearingAccountCode?.trim();
  if (!code) {
    return itemCount > 0 || lines.some((l) => l.toClearing)
      ? problem('open items and receivable or payable balances post against a clearing account; name one')
      : null;
  }
  const account = (await accountsByCode(db, [code])).get(code);
  if (!account) return problem(`no account ${code}`);
  if (!account.active) return problem(`${code} is inactive`);
  const role = [...roles].find(([, id]) => id === account.id)?.[0];
  if (role && ['DefaultAR', 'DefaultAP', 'SalesTaxPayable', 'PurchaseTaxReceivable'].includes(role))
    return problem(`${code} is the ${role} control account`);
  // What is left on it (until the items are settled or corrected) is the opening equity's, never
  // a bank balance or the year's income.
  if (account.type !== 'EQUITY')
    return problem(
      `${code} is of type ${account.type}; the clearing account is an equity account (e.g. "Saldos iniciales — transitoria")`,
    );
  return account.id;
}

/**
 * The receivable (or payable) in the trial balance equals the open items' base amounts less the
 * open credits' (a customer's advance is a credit balance on the receivable, a vendor's a debit
 * balance on the payable): the aging equals its control account from the opening day.
 */
function checkControl(
  lines: PlannedLine[],
  accountId: string | undefined,
  open: { invoicesMinor: bigint; creditsMinor: bigint },
  sign: 1n | -1n,
  noun: 'receivable' | 'payable',
  ctx: { baseMinorUnits: number; itemProblems: boolean; problems: Problem[] },
) {
  const onAccount = lines.filter((l) => l.accountId === accountId);
  const balance = onAccount.reduce((s, l) => s + l.amountMinor, 0n) * sign;
  const netMinor = open.invoicesMinor - open.creditsMinor;
  if (balance === netMinor) return;
  const money = (m: bigint) => formatMoney(m, ctx.baseMinorUnits);
  const code = onAccount[0]?.accountCode;
  const credits =
    open.creditsMinor === 0n
      ? ''
      : ` (${money(open.invoicesMinor)}) less the open credits (${money(open.creditsMinor)})`;
  ctx.problems.push({
    index: null,
    field: 'trialBalance',
    code: 'CONTROL_ACCOUNT_MISMATCH',
    message: `trialBalance: the ${noun}${code ? ` (${code})` : ''} is ${money(balance)} but the open ${noun === 'receivable' ? 'sales invoices' : 'bills'}${credits}${ctx.itemProblems ? ' without problems' : ''} come to ${money(netMinor)} in base currency`,
  });
}
