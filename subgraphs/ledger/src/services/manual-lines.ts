import type { Reader, SharedRead } from '@cifra/db';
import { pg, rowsOf, sharedRead, tenant } from '@cifra/db';
import { badInput, CONTROL_ROLES, type ControlRole, parseMoney } from '@cifra/domain';
import type { Company, PostingLine } from '@cifra/engine';
import { sql } from 'drizzle-orm';
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
 * The accounts whose codes `codes` names, with their control roles — the one that names a party's
 * kind first, should an account carry two (a receivable that is also the tax account must name a
 * customer) — by a function whose plan the connection keeps (tenant migration 0062). SQL text, the
 * codes inlined as escaped literals: read alone (`loadAccountsByCode`) and by the books' lane in a
 * simple-protocol query (`askManualReads`); `codedAccountsOf` decodes its rows.
 */
export const accountsByCodeSql = (codes: readonly string[]): string =>
  `SELECT (f.account).*, f.control_role
     FROM cifra_accounts_by_code(ARRAY[${codes.map((c) => pg.escapeLiteral(c)).join(', ') || 'NULL'}]::text[],
       ${textArray(CONTROL_ROLES)}, ${textArray(PARTY_ROLES)}) f`;

/** The accounts of `accountsByCodeSql`'s rows, in order, each with the role read beside it. */
export const codedAccountsOf = (rows: readonly Record<string, unknown>[]): CodedAccount[] =>
  rowsOf(tenant.accounts, rows).map((a, i) => ({
    ...a,
    controlRole: (rows[i]?.control_role as ControlRole | null) ?? null,
  }));

/**
 * Accounts by code with their control roles, in one statement, read together with concurrent
 * postings' (undefined: no such account).
 */
const ACCOUNTS_BY_CODE: SharedRead<string, CodedAccount | undefined> = {
  async load(db, codes) {
    const { rows } = await db.execute(sql.raw(accountsByCodeSql([...new Set(codes)])));
    const byCode = new Map(codedAccountsOf(rows).map((a) => [a.code, a]));
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
