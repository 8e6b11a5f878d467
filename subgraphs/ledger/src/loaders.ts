import type { BaseContext } from '@cifra/context';
import { control, type TenantDb, tenant } from '@cifra/db';
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
    account: oneEach<string, Account>(ctx, (db, ids) =>
      db.select().from(tenant.accounts).where(inArray(tenant.accounts.id, ids)),
    ),
    accountRoles: new DataLoader<string, AccountRoleName[]>(async (ids) => {
      const db = await ctx.tenantDb();
      const rows = await db
        .select()
        .from(tenant.accountRoleBindings)
        .where(inArray(tenant.accountRoleBindings.accountId, [...ids]));
      const roles = groupBy(rows, (r) => r.accountId);
      return ids.map((id) => (roles.get(id) ?? []).map((r) => r.role));
    }),
    entry: oneEach<string, JournalEntry>(ctx, (db, ids) =>
      db.select().from(tenant.journalEntries).where(inArray(tenant.journalEntries.id, ids)),
    ),
    party: oneEach(ctx, (db, ids: string[]) =>
      db.select().from(tenant.parties).where(inArray(tenant.parties.id, ids)),
    ),
    item: oneEach(ctx, (db, ids: string[]) =>
      db.select().from(tenant.items).where(inArray(tenant.items.id, ids)),
    ),
    taxCode: oneEach<string, TaxCode>(
      ctx,
      (db, codes) => db.select().from(tenant.taxCodes).where(inArray(tenant.taxCodes.code, codes)),
      (r) => r.code,
    ),
    ...documentLoaders(ctx),
    /** ExchangeRateHistory rows cited by GL lines and documents (FX provenance). */
    exchangeRate: oneEach<bigint, ExchangeRateRow>(ctx, (db, ids) => rateRows(db, ids)),
    linesOfEntry: allEach<string, JournalLine>(
      ctx,
      (db, ids) =>
        db
          .select()
          .from(tenant.glLines)
          .where(inArray(tenant.glLines.entryId, ids))
          .orderBy(asc(tenant.glLines.entryId), asc(tenant.glLines.lineNumber)),
      (r) => r.entryId,
    ),
    /** The void of an entry, if it was voided. */
    voidOf: oneEach<string, JournalEntryVoid>(
      ctx,
      (db, ids) => db.select().from(tenant.voids).where(inArray(tenant.voids.entryId, ids)),
      (r) => r.entryId,
    ),
    /** The entry that reverses an entry (its void's, its scheduled reversal, the year-end close's). */
    reversalOf: oneEach<string, JournalEntry>(
      ctx,
      (db, ids) =>
        db.select().from(tenant.journalEntries).where(inArray(tenant.journalEntries.reversesEntryId, ids)),
      (r) => r.reversesEntryId,
    ),
    linesOfDraft: allEach<string, JournalDraftLine>(
      ctx,
      (db, ids) =>
        db
          .select()
          .from(tenant.journalDraftLines)
          .where(inArray(tenant.journalDraftLines.draftId, ids))
          .orderBy(asc(tenant.journalDraftLines.lineNumber)),
      (r) => r.draftId,
    ),
  };
}

/** The documents' loaders: a document, its lines, what it settles or is settled by, its void. */
function documentLoaders(ctx: BaseContext) {
  return {
    document: oneEach<string, DocumentRow>(ctx, (db, ids) =>
      db.select().from(tenant.documents).where(inArray(tenant.documents.id, ids)),
    ),
    linesOfDocument: allEach<string, DocumentLine>(
      ctx,
      (db, ids) =>
        db
          .select()
          .from(tenant.documentLines)
          .where(inArray(tenant.documentLines.documentId, ids))
          .orderBy(asc(tenant.documentLines.lineNumber)),
      (r) => r.documentId,
    ),
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
      const facts = groupBy(posted, (a) => a.sourceDocumentId);
      const proposed = groupBy(drafts, (a) => a.documentId);
      return ids.map(
        (id) =>
          facts.get(id) ??
          (proposed.get(id) ?? []).map((a) => ({
            sourceDocumentId: id,
            invoiceId: a.invoiceId,
            amountMinor: a.amountMinor,
          })),
      );
    }),
    settlementsOfInvoice: allEach<string, Allocation>(
      ctx,
      (db, ids) =>
        db
          .select()
          .from(tenant.allocations)
          .where(inArray(tenant.allocations.invoiceId, ids))
          .orderBy(asc(tenant.allocations.createdAt)),
      (r) => r.invoiceId,
    ),
    /** What non-voided documents settle of each invoice, in its currency. */
    settledMinor: new DataLoader<string, bigint>(async (ids) => {
      const settled = await settledMinor(await ctx.tenantDb(), ids);
      return ids.map((id) => settled.get(id) ?? 0n);
    }),
    voidOfDocument: oneEach<string, DocumentVoid>(
      ctx,
      (db, ids) => db.select().from(tenant.voids).where(inArray(tenant.voids.documentId, ids)),
      (r) => r.documentId,
    ),
  };
}

/** The rows of a batch of keys, read from the request's client database. */
type Read<K, R> = (db: TenantDb, keys: K[]) => Promise<R[]>;

/** Rows grouped by key, each group in the order read. */
function groupBy<K, R>(rows: readonly R[], keyOf: (r: R) => K): Map<K, R[]> {
  const groups = new Map<K, R[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const group = groups.get(k);
    if (group) group.push(r);
    else groups.set(k, [r]);
  }
  return groups;
}

/** A loader of at most one row a key (by its `id` unless `keyOf` says), one query per tick. */
function oneEach<K, R>(
  ctx: BaseContext,
  read: Read<K, R>,
  keyOf: (r: R) => K | null = (r) => (r as { id: K }).id,
) {
  return new DataLoader<K, R | null>(async (keys) => {
    const rows = await read(await ctx.tenantDb(), [...keys]);
    const found = new Map(rows.map((r) => [keyOf(r), r]));
    return keys.map((k) => found.get(k) ?? null);
  });
}

/** A loader of every row of each key, in the order read, one query per tick. */
function allEach<K, R>(ctx: BaseContext, read: Read<K, R>, keyOf: (r: R) => K) {
  return new DataLoader<K, R[]>(async (keys) => {
    const groups = groupBy(await read(await ctx.tenantDb(), [...keys]), keyOf);
    return keys.map((k) => groups.get(k) ?? []);
  });
}

export type LedgerLoaders = ReturnType<typeof createLoaders>;
