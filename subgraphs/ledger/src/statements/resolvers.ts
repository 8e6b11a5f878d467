import { formatMoney } from '@cifra/domain';
import type { Buckets, PartyStatementData, StatementCurrency } from '@cifra/exports';
import type {
  MutationResolvers,
  PartyStatementLineResolvers,
  PartyStatementResolvers,
  QueryResolvers,
  RenderedPartyStatementResolvers,
} from '../__generated__/resolvers.ts';
import type { Context } from '../context.ts';
import type { PartyStatement } from '../mappers.ts';
import { booksOf } from '../services/books.ts';
import { partyStatement } from './party-statement.ts';
import { exportPartyStatementsArchive, renderPartyStatement } from './statement-links.ts';

const buckets = (b: Buckets, units: number) => ({
  current: formatMoney(b.current, units),
  days1To30: formatMoney(b.days1To30, units),
  days31To60: formatMoney(b.days31To60, units),
  days61To90: formatMoney(b.days61To90, units),
  over90: formatMoney(b.over90, units),
  total: formatMoney(b.total, units),
});

function currencyOut(c: StatementCurrency, baseUnits: number) {
  const m = (minor: bigint) => formatMoney(minor, c.minorUnits);
  const b = (minor: bigint) => formatMoney(minor, baseUnits);
  return {
    currency: c.currency,
    openingBalance: m(c.openingMinor),
    totalDebit: m(c.debitMinor),
    totalCredit: m(c.creditMinor),
    closingBalance: m(c.closingMinor),
    baseOpeningBalance: b(c.baseOpeningMinor),
    baseClosingBalance: b(c.baseClosingMinor),
    aging: buckets(c.aging, c.minorUnits),
    baseAging: buckets(c.baseAging, baseUnits),
    lines: c.lines.map((l) => ({
      date: l.postingDate,
      number: l.documentNumber ?? l.entryNumber,
      kind: l.kind,
      isVoid: l.isVoid,
      documentId: l.documentId,
      entryId: l.entryId,
      documentDate: l.documentDate,
      dueDate: l.dueDate,
      debit: m(l.debitMinor),
      credit: m(l.creditMinor),
      balance: m(l.balanceMinor),
      baseAmount: b(l.baseAmountMinor),
      baseBalance: b(l.baseBalanceMinor),
    })),
  };
}

function statementOut(s: PartyStatementData): PartyStatement {
  return {
    partyId: s.party.id,
    from: s.from,
    to: s.to,
    baseCurrency: s.baseCurrency,
    currencies: s.currencies.map((c) => currencyOut(c, s.baseMinorUnits)),
    baseAging: buckets(s.baseAging, s.baseMinorUnits),
    baseClosingBalance: formatMoney(s.baseClosingMinor, s.baseMinorUnits),
  };
}

const callerOf = (ctx: Context) => {
  const integration = ctx.request.integration;
  return {
    ...ctx.actor,
    integration: integration && { clientId: integration.clientId, via: integration.via },
  };
};
const clientOf = (ctx: Context) => ctx.request.tenant as { id: string; slug: string };

export const statementQueries: Pick<QueryResolvers, 'partyStatement'> = {
  partyStatement: async (_p, args, ctx) => {
    const books = await booksOf(ctx);
    return statementOut(await partyStatement(books.db, args, (c) => books.minorUnits(c)));
  },
};

export const statementMutations: Pick<
  MutationResolvers,
  'renderPartyStatement' | 'exportPartyStatementsArchive'
> = {
  renderPartyStatement: async (_p, args, ctx) => {
    const books = await booksOf(ctx);
    return renderPartyStatement(books.db, ctx.deps.exportLinks, callerOf(ctx), clientOf(ctx), args, (c) =>
      books.minorUnits(c),
    );
  },
  exportPartyStatementsArchive: async (_p, args, ctx) =>
    exportPartyStatementsArchive(
      await ctx.tenantDb(),
      ctx.deps.exportLinks,
      callerOf(ctx),
      clientOf(ctx),
      args,
    ),
};

// The party was found when the statement was made; parties are never deleted.
const partyOf = async (r: { partyId: string }, _a: unknown, ctx: Context) => {
  const party = await ctx.loaders.party.load(r.partyId);
  if (!party) throw new Error(`party ${r.partyId} is gone`);
  return party;
};

export const PartyStatementType: PartyStatementResolvers = { party: partyOf };
export const RenderedPartyStatementType: RenderedPartyStatementResolvers = { party: partyOf };
export const PartyStatementLineType: PartyStatementLineResolvers = {
  document: (l, _a, ctx) => (l.documentId ? ctx.loaders.document.load(l.documentId) : null),
  entry: (l, _a, ctx) => ctx.loaders.entry.load(l.entryId),
};
