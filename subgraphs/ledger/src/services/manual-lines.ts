import type { Reader, SharedRead } from '@cifra/db';
import { sharedRead, tenant } from '@cifra/db';
import { badInput, CONTROL_ROLES, type ControlRole, parseMoney } from '@cifra/domain';
import type { Company, PostingLine } from '@cifra/engine';
import { getTableColumns, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { checkManualControlLines } from './control-accounts.ts';

export const manualLineInput = z.object({
  accountCode: z.string().min(1),
  debit: z.string().nullish(),
  credit: z.string().nullish(),
  memo: z.string().max(500).nullish(),
  /** The customer or vendor a line on a control account concerns (required there; see control-accounts.ts). */
  partyId: z.string().uuid().nullish(),
});
export type ManualLineInput = z.infer<typeof manualLineInput>;

export const manualLinesInput = z
  .array(manualLineInput)
  .min(2, 'A journal entry needs at least two lines')
  .max(1000);

/** An account with the control role it carries, if any (control-accounts.ts). */
export type CodedAccount = typeof tenant.accounts.$inferSelect & { controlRole: ControlRole | null };
export type AccountsByCode = ReadonlyMap<string, CodedAccount>;

/** The control roles that name a party's kind: first, should an account carry two. */
const PARTY_ROLES: readonly ControlRole[] = ['DefaultAR', 'DefaultAP'];
const textArray = (values: readonly string[]) => `'{${values.join(',')}}'::text[]`;

/**
 * The control role of the account whose id `accountId` (an SQL expression) names: the one that
 * names a party's kind first, should an account carry two (a receivable that is also the tax
 * account must name a customer). SQL text, the roles inlined (constants), read through drizzle.
 */
const controlRoleOf = (accountId: string): string => `(SELECT b.role FROM account_role_bindings b
  WHERE b.account_id = ${accountId} AND b.role::text = ANY (${textArray(CONTROL_ROLES)})
  ORDER BY b.role::text = ANY (${textArray(PARTY_ROLES)}) DESC, b.role LIMIT 1)`;
const controlRole = sql<ControlRole | null>`${sql.raw(controlRoleOf('"accounts"."id"'))}`;

/**
 * The same, for the accounts whose codes `codes` (an SQL text[] expression) names, as the books'
 * lane reads them in a simple-protocol query (`askManualReads`): the accounts' columns and
 * `control_role`, by a function whose plan the connection keeps (tenant migration 0062).
 */
export const accountsByCodeSql = (codes: string): string =>
  `SELECT (f.account).*, f.control_role
     FROM cifra_accounts_by_code(${codes}, ${textArray(CONTROL_ROLES)}, ${textArray(PARTY_ROLES)}) f`;

/**
 * Accounts by code with their control roles, in one statement, read together with concurrent
 * postings' (undefined: no such account).
 */
const ACCOUNTS_BY_CODE: SharedRead<string, CodedAccount | undefined> = {
  async load(db, codes) {
    const rows = await db
      .select({ ...getTableColumns(tenant.accounts), controlRole })
      .from(tenant.accounts)
      .where(inArray(tenant.accounts.code, [...new Set(codes)]));
    const byCode = new Map(rows.map((a) => [a.code, a]));
    return codes.map((code) => byCode.get(code));
  },
};

/** The control roles of the accounts read, by account id (as `controlAccounts` answers them). */
export const controlsOf = (byCode: AccountsByCode): ReadonlyMap<string, ControlRole> =>
  new Map([...byCode.values()].flatMap((a) => (a.controlRole ? [[a.id, a.controlRole]] : [])));

/** The accounts the given codes name, in one query (unknown codes are simply absent). */
export async function loadAccountsByCode(db: Reader, codes: Iterable<string>): Promise<AccountsByCode> {
  const list = [...new Set(codes)];
  const accounts = await sharedRead(db, ACCOUNTS_BY_CODE, list);
  return new Map(accounts.flatMap((a) => (a ? [[a.code, a]] : [])));
}

/**
 * The lines of a manual entry or draft, parsed and checked completely before anything is written:
 * accounts by code (active ones only), money in the client's base currency, one side per line, a
 * line on a control account naming a party of the right kind (`checkManualControlLines`). Amounts
 * come back signed in minor units (debit +, credit −), in the base currency in both columns. The
 * accounts and their control roles are one read; the parties a second, only when a line names one.
 */
export async function parseManualLines(
  db: Reader,
  company: Company,
  input: readonly ManualLineInput[],
): Promise<PostingLine[]> {
  const byCode = await loadAccountsByCode(
    db,
    input.map((l) => l.accountCode),
  );
  const lines = toPostingLines(byCode, company, input);
  await checkManualControlLines(db, lines, controlsOf(byCode));
  return lines;
}

/** The lines as parseManualLines parses them, with the accounts already loaded, not yet checked (bulk imports). */
export function toPostingLines(
  byCode: AccountsByCode,
  company: Company,
  input: readonly ManualLineInput[],
): PostingLine[] {
  return input.map((line, i) => {
    const field = `lines[${i}]`;
    const account = byCode.get(line.accountCode);
    if (!account)
      throw badInput(`${field}: no account with code ${line.accountCode}`, { field: `${field}.accountCode` });
    if (!account.active)
      throw badInput(`${field}: account ${line.accountCode} is inactive`, { field: `${field}.accountCode` });
    const debit = line.debit ? parseMoney(line.debit, company.baseMinorUnits, `${field}.debit`) : 0n;
    const credit = line.credit ? parseMoney(line.credit, company.baseMinorUnits, `${field}.credit`) : 0n;
    if (debit < 0n || credit < 0n) throw badInput(`${field}: amounts cannot be negative`, { field });
    if ((debit === 0n) === (credit === 0n)) {
      throw badInput(`${field}: give either a debit or a credit, not both or neither`, { field });
    }
    const amountMinor = debit - credit;
    return {
      accountId: account.id,
      amountMinor,
      originalCurrency: company.baseCurrency,
      originalAmountMinor: amountMinor,
      memo: line.memo ?? '',
      partyId: line.partyId ?? null,
    };
  });
}
