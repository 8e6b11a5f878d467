import { type Actor, inReadSnapshot, type TenantDb } from '@cifra/db';
import { badInput, type Settings } from '@cifra/domain';
import type { Company } from '@cifra/engine';
import { clientSettings } from '@cifra/fx';
import type { Permission } from '@cifra/permissions';
import type { Context } from '../context.ts';

/** What a documents service needs about the client it works on, bound to one request. */
export interface Books {
  db: TenantDb;
  company: Company;
  actor: Actor;
  /** The caller's permissions, for checks that depend on a stored document's kind. */
  permissions: ReadonlySet<Permission>;
  /** Decimal places of a currency; refuses (BAD_USER_INPUT) a code that is not ISO 4217. */
  minorUnits(currency: string, field?: string): Promise<number>;
  /** The client's effective settings (the firm's defaults overlaid by the client's own). */
  settings(): Promise<Settings>;
}

export async function booksOf(ctx: Context): Promise<Books> {
  const [db, company] = await Promise.all([ctx.tenantDb(), ctx.loaders.company()]);
  let settings: Promise<Settings> | undefined;
  return {
    db,
    company,
    actor: ctx.actor,
    permissions: ctx.auth.permissions,
    minorUnits: async (currency, field = 'currency') => {
      try {
        return await ctx.loaders.minorUnits.load(currency);
      } catch {
        throw badInput(`${field}: ${currency} is not a currency code (ISO 4217)`, { field, value: currency });
      }
    },
    settings: () => {
      settings ??= clientSettings(ctx.control, ctx.tenantId());
      return settings;
    },
  };
}

/**
 * `read` with the books seen in one read-only snapshot on one connection (`inReadSnapshot`): a report
 * that combines several reads of the books makes them all through the books it is given.
 */
export function inBooksSnapshot<T>(books: Books, read: (books: Books) => Promise<T>): Promise<T> {
  return inReadSnapshot(books.db, (db) => read({ ...books, db }));
}

// The storage boundary's translation (packages/db/src/db-errors.ts), re-exported for the services.
export { Constraints, isUniqueViolation } from '@cifra/db';
