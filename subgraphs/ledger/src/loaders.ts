import type { BaseContext } from '@cifra/context';
import { control, tenant } from '@cifra/db';
import { type Company, loadCompany } from '@cifra/engine';
import { rateRows } from '@cifra/fx';
import DataLoader from 'dataloader';
import { asc, inArray } from 'drizzle-orm';
import { type DocumentRow, settledMinor } from './documents/index.ts';
import type {
  Account,
  Allocation,
  DocumentLine,
  DocumentVoid,
  JournalDraftLine,
  JournalEntry,
  JournalEntryVoid,
  JournalLine,
  TaxCode,
} from './mappers.ts';

type ExchangeRateRow = typeof tenant.exchangeRates.$inferSelect;
type AccountRoleName = (typeof tenant.accountRole.enumValues)[number];

/**
 * One loader set per request, bound to the request's own client database: a cache can never hand
 * one client's rows to another's request.
 */
export function createLoaders(ctx: BaseContext) {
  let company: Promise<Company> | undefined;
  return {
    company: () => {
      company ??= ctx.tenantDb().then(loadCompany);
      return company;
    },
    /** Decimal places of a currency, from the control plane's ISO 4217 list. */
    minorUnits: new DataLoader<string, number>(async (codes) => {
      const rows = await ctx.control
        .select()
        .from(control.currencies)
        .where(inArray(control.currencies.code, [...codes]));
      return codes.map(
        (code) => rows.find((r) => r.code === code)?.minorUnits ?? new Error(`Unknown currency ${code}`),
      );
    }),
    account: new DataLoader<string, Account | null>(async (ids) => {
      const db = await ctx.tenantDb();
      const rows = await db
        .select()
        .from(tenant.accounts)
        .where(inArray(tenant.accounts.id, [...ids]));
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    accountRoles: new DataLoader<string, AccountRoleName[]>(async (ids) => {
      const db = await ctx.tenantDb();
      const rows = await db
        .select()
        .from(tenant.accountRoleBindings)
        .where(inArray(tenant.accountRoleBindings.accountId, [...ids]));
      return ids.map((id) => rows.filter((r) => r.accountId === id).map((r) => r.role));
    }),
    entry: new DataLoader<string, JournalEntry | null>(async (ids) => {
      const db = await ctx.tenantDb();
      const rows = await db
        .select()
        .from(tenant.journalEntries)
        .where(inArray(tenant.journalEntries.id, [...ids]));
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    party: rowsById(ctx, tenant.parties),
    item: rowsById(ctx, tenant.items),
    taxCode: new DataLoader<string, TaxCode | null>(async (codes) => {
      const db = await ctx.tenantDb();
      const rows = await db
        .select()
        .from(tenant.taxCodes)
        .where(inArray(tenant.taxCodes.code, [...codes]));
      return codes.map((code) => rows.find((r) => r.code === code) ?? null);
    }),
    document: new DataLoader<string, DocumentRow | null>(async (ids) => {
      const db = await ctx.tenantDb();
      const rows = await db
        .select()
        .from(tenant.documents)
        .where(inArray(tenant.documents.id, [...ids]));
      const found = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    linesOfDocument: new DataLoader<string, DocumentLine[]>(async (ids) => {
      const db = await ctx.tenantDb();
      const rows = await db
        .select()
        .from(tenant.documentLines)
        .where(inArray(tenant.documentLines.documentId, [...ids]))
        .orderBy(asc(tenant.documentLines.lineNumber));
      return ids.map((id) => rows.filter((r) => r.documentId === id));
    }),
    /** What a receipt, payment or note settles: posted allocations, else the draft's proposal. */
    allocationsOfSource: new DataLoader<string, Allocation[]>(async (ids) => {
      const db = await ctx.tenantDb();
      const [posted, drafts] = await Promise.all([
        db
          .select()
          .from(tenant.allocations)
          .where(inArray(tenant.allocations.sourceDocumentId, [...ids])),
        db
          .select()
          .from(tenant.draftAllocations)
          .where(inArray(tenant.draftAllocations.documentId, [...ids]))
          .orderBy(asc(tenant.draftAllocations.lineNumber)),
      ]);
      return ids.map((id) => {
        const facts = posted.filter((a) => a.sourceDocumentId === id);
        if (facts.length) return facts;
        return drafts
          .filter((a) => a.documentId === id)
          .map((a) => ({ sourceDocumentId: id, invoiceId: a.invoiceId, amountMinor: a.amountMinor }));
      });
    }),
    settlementsOfInvoice: new DataLoader<string, Allocation[]>(async (ids) => {
      const db = await ctx.tenantDb();
      const rows = await db
        .select()
        .from(tenant.allocations)
        .where(inArray(tenant.allocations.invoiceId, [...ids]))
        .orderBy(asc(tenant.allocations.createdAt));
      return ids.map((id) => rows.filter((r) => r.invoiceId === id));
    }),
    /** What non-voided documents settle of each invoice, in its currency. */
    settledMinor: new DataLoader<string, bigint>(async (ids) => {
      const settled = await settledMinor(await ctx.tenantDb(), ids);
      return ids.map((id) => settled.get(id) ?? 0n);
    }),
    voidOfDocument: new DataLoader<string, DocumentVoid | null>(async (ids) => {
      const db = await ctx.tenantDb();
      const rows = await db
        .select()
        .from(tenant.voids)
        .where(inArray(tenant.voids.documentId, [...ids]));
      return ids.map((id) => rows.find((r) => r.documentId === id) ?? null);
    }),
    /** ExchangeRateHistory rows cited by GL lines and documents (FX provenance). */
    exchangeRate: new DataLoader<bigint, ExchangeRateRow | null>(async (ids) => {
      const rows = await rateRows(await ctx.tenantDb(), ids);
      return ids.map((id) => rows.find((r) => r.id === id) ?? null);
    }),
    linesOfEntry: new DataLoader<string, JournalLine[]>(async (entryIds) => {
      const db = await ctx.tenantDb();
      const rows = await db
        .select()
        .from(tenant.glLines)
        .where(inArray(tenant.glLines.entryId, [...entryIds]))
        .orderBy(asc(tenant.glLines.entryId), asc(tenant.glLines.lineNumber));
      return entryIds.map((id) => rows.filter((r) => r.entryId === id));
    }),
    /** The void of an entry, if it was voided. */
    voidOf: new DataLoader<string, JournalEntryVoid | null>(async (entryIds) => {
      const db = await ctx.tenantDb();
      const rows = await db
        .select()
        .from(tenant.voids)
        .where(inArray(tenant.voids.entryId, [...entryIds]));
      const byEntry = new Map(rows.map((r) => [r.entryId, r]));
      return entryIds.map((id) => byEntry.get(id) ?? null);
    }),
    /** The entry that reverses an entry (its void's, its scheduled reversal, the year-end close's). */
    reversalOf: new DataLoader<string, JournalEntry | null>(async (entryIds) => {
      const db = await ctx.tenantDb();
      const rows = await db
        .select()
        .from(tenant.journalEntries)
        .where(inArray(tenant.journalEntries.reversesEntryId, [...entryIds]));
      const byOriginal = new Map(rows.map((r) => [r.reversesEntryId, r]));
      return entryIds.map((id) => byOriginal.get(id) ?? null);
    }),
    linesOfDraft: new DataLoader<string, JournalDraftLine[]>(async (draftIds) => {
      const db = await ctx.tenantDb();
      const rows = await db
        .select()
        .from(tenant.journalDraftLines)
        .where(inArray(tenant.journalDraftLines.draftId, [...draftIds]))
        .orderBy(asc(tenant.journalDraftLines.lineNumber));
      return draftIds.map((id) => rows.filter((r) => r.draftId === id));
    }),
  };
}

type WithId = typeof tenant.parties | typeof tenant.items;

/** A loader of rows by primary key, batched into one query per tick. */
function rowsById<T extends WithId>(ctx: BaseContext, table: T) {
  return new DataLoader<string, T['$inferSelect'] | null>(async (ids) => {
    const db = await ctx.tenantDb();
    const rows = (await db
      .select()
      .from(table as typeof tenant.parties)
      .where(inArray(table.id, [...ids]))) as T['$inferSelect'][];
    const found = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

export type LedgerLoaders = ReturnType<typeof createLoaders>;
