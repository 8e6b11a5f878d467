import type { TenantDb } from '@cifra/db';
import { tenant } from '@cifra/db';
import { badInput, parseMoney } from '@cifra/domain';
import type { Company, PostingLine } from '@cifra/engine';
import { inArray } from 'drizzle-orm';
import { z } from 'zod';

export const manualLineInput = z.object({
  accountCode: z.string().min(1),
  debit: z.string().nullish(),
  credit: z.string().nullish(),
  memo: z.string().max(500).nullish(),
});
export type ManualLineInput = z.infer<typeof manualLineInput>;

export const manualLinesInput = z
  .array(manualLineInput)
  .min(2, 'A journal entry needs at least two lines')
  .max(1000);

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
  const codes = [...new Set(input.map((l) => l.accountCode))];
  const accounts = await db.select().from(tenant.accounts).where(inArray(tenant.accounts.code, codes));
  const byCode = new Map(accounts.map((a) => [a.code, a]));
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
    };
  });
}
