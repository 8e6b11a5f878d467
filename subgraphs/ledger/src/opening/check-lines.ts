import { DomainError, isUuid, parseId, parseMoney } from '@cifra/domain';
import type { OpeningBalancesInput, PlannedLine, Problem } from './inputs.ts';
import { accountsByCode, type PartyRow, partiesNamed, type Reader } from './store.ts';

type TbLine = OpeningBalancesInput['trialBalance'][number];

const TAX_ROLES = new Set(['SalesTaxPayable', 'PurchaseTaxReceivable']);
/** Run `parse`; a refusal becomes a problem of `code` on the field, and the result undefined. */
export function attempt<T>(
  problems: Problem[],
  where: { index: number | null; field: string; code: Problem['code'] },
  parse: () => T,
): T | undefined {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    problems.push({ ...where, message: err.message });
    return undefined;
  }
}

/**
 * A line's signed amount (debit +), or undefined with a problem. A line with neither side (both
 * left out or zero) is a problem too, answered as 0 so that nothing else is asked of it: a file
 * whose zero lines were dropped silently could hide a balance typed in the wrong column.
 */
function signedAmount(problems: Problem[], line: TbLine, i: number, baseMinorUnits: number) {
  const side = (name: 'debit' | 'credit') => {
    const text = line[name];
    if (text === null || text === undefined || text === '') return 0n;
    const field = `trialBalance[${i}].${name}`;
    const minor = attempt(problems, { index: i, field, code: 'BAD_AMOUNT' }, () =>
      parseMoney(text, baseMinorUnits, field),
    );
    if (minor !== undefined && minor < 0n) {
      problems.push({ index: i, field, code: 'BAD_AMOUNT', message: `${field}: ${text} is negative` });
      return undefined;
    }
    return minor;
  };
  const debit = side('debit');
  const credit = side('credit');
  if (debit === undefined || credit === undefined) return undefined;
  if (debit !== 0n && credit !== 0n) {
    problems.push({
      index: i,
      field: `trialBalance[${i}]`,
      code: 'BAD_AMOUNT',
      message: `trialBalance[${i}]: give a debit or a credit, not both`,
    });
    return undefined;
  }
  if (debit === 0n && credit === 0n) {
    problems.push({
      index: i,
      field: `trialBalance[${i}]`,
      code: 'BAD_AMOUNT',
      message: `trialBalance[${i}]: neither a debit nor a credit; give the account's balance or leave the line out`,
    });
  }
  return debit - credit;
}

/**
 * The trial balance checked line by line (accounts by code, active, once each; amounts, one side
 * each and not zero; a party on tax control accounts), every problem reported.
 */
export async function checkTrialBalance(
  db: Reader,
  input: OpeningBalancesInput,
  roles: Map<string, string>,
  baseMinorUnits: number,
  problems: Problem[],
): Promise<{ lines: PlannedLine[]; totalDebitMinor: bigint; totalCreditMinor: bigint }> {
  const tb = input.trialBalance;
  // Totals of every amount that parses, whatever the account's problems: the balance is the file's.
  let totalDebitMinor = 0n;
  let totalCreditMinor = 0n;
  const accounts = await accountsByCode(db, [...new Set(tb.map((l) => l.accountCode.trim()))]);
  const roleOf = new Map([...roles].map(([role, id]) => [id, role]));
  // Only well-formed ids are looked up; the others are reported as unknown below.
  const partyIds = tb.flatMap((l) => (l.partyId && isUuid(l.partyId) ? [l.partyId.toLowerCase()] : []));
  const { byId: parties } = await partiesNamed(db, partyIds, []);
  const seen = new Map<string, number>();
  const planned: PlannedLine[] = [];
  tb.forEach((line, i) => {
    const code = line.accountCode.trim();
    const field = `trialBalance[${i}].accountCode`;
    const account = accounts.get(code);
    const amount = signedAmount(problems, line, i, baseMinorUnits);
    if (amount !== undefined && amount > 0n) totalDebitMinor += amount;
    if (amount !== undefined && amount < 0n) totalCreditMinor -= amount;
    if (!account) {
      problems.push({ index: i, field, code: 'UNKNOWN_ACCOUNT', message: `${field}: no account ${code}` });
      return;
    }
    if (!account.active) {
      problems.push({ index: i, field, code: 'INACTIVE_ACCOUNT', message: `${field}: ${code} is inactive` });
    }
    const first = seen.get(code);
    if (first !== undefined) {
      problems.push({
        index: i,
        field,
        code: 'DUPLICATE_ACCOUNT',
        message: `${field}: ${code} is already on trialBalance[${first}]`,
      });
    } else seen.set(code, i);
    const role = roleOf.get(account.id);
    const party = partyOf(problems, line, i, amount !== 0n ? role : undefined, parties);
    if (amount === undefined || amount === 0n || !account.active || party === undefined) return;
    planned.push({
      accountId: account.id,
      accountCode: code,
      amountMinor: amount,
      partyId: party?.id ?? null,
      toClearing: role === 'DefaultAR' || role === 'DefaultAP',
    });
  });
  return { lines: planned, totalDebitMinor, totalCreditMinor };
}

/**
 * The party a line names: required on a tax control account (as for any manual line there), an
 * existing one wherever it is given (`role` only for a line with an amount). Undefined when there
 * is a problem; null for none.
 */
function partyOf(
  problems: Problem[],
  line: TbLine,
  i: number,
  role: string | undefined,
  parties: Map<string, PartyRow>,
): PartyRow | null | undefined {
  const field = `trialBalance[${i}].partyId`;
  if (!line.partyId) {
    if (role && TAX_ROLES.has(role)) {
      problems.push({
        index: i,
        field,
        code: 'CONTROL_ACCOUNT_PARTY',
        message: `${field}: ${line.accountCode} is the ${role} control account; name the party the balance concerns (e.g. the tax authority)`,
      });
      return undefined;
    }
    return null;
  }
  const id = attempt(problems, { index: i, field, code: 'CONTROL_ACCOUNT_PARTY' }, () =>
    parseId(line.partyId as string, field),
  );
  const party = id ? parties.get(id) : undefined;
  if (!party) {
    if (id)
      problems.push({ index: i, field, code: 'CONTROL_ACCOUNT_PARTY', message: `${field}: no party ${id}` });
    return undefined;
  }
  return party;
}
