import type { SharedRead, TenantDb } from '@cifra/db';
import { sharedRead, tenant } from '@cifra/db';
import { badInput, parseMoney } from '@cifra/domain';
import type { Company, PostingLine } from '@cifra/engine';
import { inArray } from 'drizzle-orm';
import { z } from 'zod';

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

type AccountRow = typeof tenant.accounts.$inferSelect;
export type AccountsByCode = ReadonlyMap<string, AccountRow>;

/** Accounts by code, read together with concurrent postings' (undefined: no such account). */
const ACCOUNTS_BY_CODE: SharedRead<string, AccountRow | undefined> = {
  async load(db, codes) {
    const rows = await db
      .select()
      .from(tenant.accounts)
      .where(inArray(tenant.accounts.code, [...new Set(codes)]));
    const byCode = new Map(rows.map((a) => [a.code, a]));
    return codes.map((code) => byCode.get(code));
  },
};

/** The accounts the given codes name, in one query (unknown codes are simply absent). */
export async function loadAccountsByCode(db: TenantDb, codes: Iterable<string>): Promise<AccountsByCode> {
  const list = [...new Set(codes)];
  const accounts = await sharedRead(db, ACCOUNTS_BY_CODE, list);
  return new Map(accounts.flatMap((a) => (a ? [[a.code, a]] : [])));
}

/**
 * The lines of a manual entry or draft, parsed completely before anything is written: accounts by
 * code (active ones only), money in the client's base currency, one side per line. Amounts come
 * back signed in minor units (debit +, credit −), in the base currency in both columns.
 */
export async function parseManualLines(
  db: TenantDb,
  company: Company,
  input: readonly ManualLineInput[],
): Promise<PostingLine[]> {
  return toPostingLines(
    await loadAccountsByCode(
      db,
      input.map((l) => l.accountCode),
    ),
    company,
    input,
  );
}

/** As parseManualLines, with the accounts already loaded (bulk imports load them once). */
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
