import { decodeKeyCursor, encodeKeyCursor, type Page, pageOf, pageSize } from '@cifra/context';
import { tenant } from '@cifra/db';
import { and, asc, gt, ilike, or, type SQL } from 'drizzle-orm';
import type { Books } from './books.ts';

export type AccountRow = typeof tenant.accounts.$inferSelect;

export const DEFAULT_ACCOUNT_PAGE = 100;
export const MAX_ACCOUNT_PAGE = 500;
/** The plain `accounts` list answers at most this many (by code), `first` or not. */
export const MAX_ACCOUNT_LIST = 1_000;

function where(search: string | null | undefined, afterCode: string | null): SQL | undefined {
  const parts: SQL[] = [];
  const text = search?.trim();
  if (text) {
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    parts.push(or(ilike(tenant.accounts.code, like), ilike(tenant.accounts.name, like)) as SQL);
  }
  if (afterCode !== null) parts.push(gt(tenant.accounts.code, afterCode));
  return parts.length ? and(...parts) : undefined;
}

/**
 * `accountsConnection`: the chart by code (unique, so a total order); a keyset cursor keeps its
 * place while accounts are added. A chart grows to thousands once accountants add accounts (#18).
 */
export async function pageAccounts(
  db: Books['db'],
  args: { first?: number | null; after?: string | null; search?: string | null },
): Promise<Page<AccountRow>> {
  const first = pageSize(args.first, DEFAULT_ACCOUNT_PAGE, MAX_ACCOUNT_PAGE);
  const after = args.after ? (decodeKeyCursor('account', args.after, 1)[0] as string) : null;
  const rows = await db
    .select()
    .from(tenant.accounts)
    .where(where(args.search, after))
    .orderBy(asc(tenant.accounts.code))
    .limit(first + 1);
  return pageOf(rows, first, args.after, (a) => encodeKeyCursor('account', [a.code]));
}

/**
 * The plain `accounts` list: by code, at most `first` (1 to 1,000; 1,000 when left out, so that a
 * caller of the list before it was bounded still gets every account of a chart up to that size),
 * after the account code `after`.
 */
export async function listAccounts(
  db: Books['db'],
  args: { first?: number | null; after?: string | null; search?: string | null },
): Promise<AccountRow[]> {
  const first = pageSize(args.first, MAX_ACCOUNT_LIST, MAX_ACCOUNT_LIST);
  if (first === 0) return [];
  return db
    .select()
    .from(tenant.accounts)
    .where(where(args.search, args.after ?? null))
    .orderBy(asc(tenant.accounts.code))
    .limit(first);
}
