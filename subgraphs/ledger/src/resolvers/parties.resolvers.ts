import { tenant } from '@cifra/db';
import { DomainError, parseId } from '@cifra/domain';
import { asc } from 'drizzle-orm';
import type {
  ItemResolvers,
  MutationResolvers,
  PartyResolvers,
  QueryResolvers,
  TaxCodeResolvers,
} from '../__generated__/resolvers.ts';
import { booksOf } from '../services/books.ts';
import { createItem, pageItems, updateItem } from '../services/items.service.ts';
import { createParty, pageParties, updateParty } from '../services/parties.service.ts';

const found = <T>(row: T | null, what: string, id: string): T => {
  if (!row) throw new DomainError('NOT_FOUND', `No ${what} ${id}`, { id });
  return row;
};

export const partyQueries: Pick<QueryResolvers, 'parties' | 'party' | 'items' | 'item' | 'taxCodes'> = {
  parties: async (_p, { filter, first, after }, ctx) =>
    pageParties({ db: await ctx.tenantDb() }, { filter, first, after }),
  party: (_p, { id }, ctx) => ctx.loaders.party.load(parseId(id)),
  items: async (_p, { filter, first, after }, ctx) =>
    pageItems(await ctx.tenantDb(), { filter, first, after }),
  item: (_p, { id }, ctx) => ctx.loaders.item.load(parseId(id)),
  taxCodes: async (_p, _a, ctx) => {
    const db = await ctx.tenantDb();
    return db.select().from(tenant.taxCodes).orderBy(asc(tenant.taxCodes.code));
  },
};

export const partyMutations: Pick<
  MutationResolvers,
  'createParty' | 'updateParty' | 'deactivateParty' | 'createItem' | 'updateItem' | 'deactivateItem'
> = {
  createParty: async (_p, { input }, ctx) => createParty(await booksOf(ctx), input),
  updateParty: async (_p, { id, input }, ctx) => updateParty(await booksOf(ctx), parseId(id), input),
  deactivateParty: async (_p, { id }, ctx) => updateParty(await booksOf(ctx), parseId(id), { active: false }),
  createItem: async (_p, { input }, ctx) => createItem(await booksOf(ctx), input),
  updateItem: async (_p, { id, input }, ctx) => updateItem(await booksOf(ctx), parseId(id), input),
  deactivateItem: async (_p, { id }, ctx) => updateItem(await booksOf(ctx), parseId(id), { active: false }),
};

export const Party: PartyResolvers = {
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.party.load(ref.id), 'party', ref.id),
};

export const Item: ItemResolvers = {
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.item.load(ref.id), 'item', ref.id),
  incomeAccount: (i, _a, ctx) => (i.incomeAccountId ? ctx.loaders.account.load(i.incomeAccountId) : null),
  expenseAccount: (i, _a, ctx) => (i.expenseAccountId ? ctx.loaders.account.load(i.expenseAccountId) : null),
  taxCode: (i, _a, ctx) => (i.taxCode ? ctx.loaders.taxCode.load(i.taxCode) : null),
  unitPrice: (i) => (i.unitPrice == null ? null : formatNumeric(i.unitPrice)),
};

/** numeric columns come back padded to their scale ("12.500000"); show them canonically. */
export function formatNumeric(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

export const TaxCode: TaxCodeResolvers = {
  ratePercent: (t) => formatNumeric(t.ratePercent),
};
