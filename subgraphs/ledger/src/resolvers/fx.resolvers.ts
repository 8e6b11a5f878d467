import { formatMoney, scopedId } from '@cifra/domain';
import type {
  AllocationResolvers,
  DocumentResolvers,
  FxProvenanceResolvers,
  JournalLineResolvers,
} from '../__generated__/resolvers.ts';
import type { Context } from '../context.ts';
import { realizesFx } from '../documents/kinds.ts';
import type { FxProvenance } from '../mappers.ts';
import { formatNumeric } from './parties.resolvers.ts';

/** A line's or document's provenance: the rate row it cites (none in base currency). */
async function provenance(
  ctx: Context,
  exchangeRateId: bigint | null,
  isFallback: boolean,
): Promise<FxProvenance | null> {
  if (exchangeRateId === null) return null;
  const row = await ctx.loaders.exchangeRate.load(exchangeRateId);
  return row ? { row, isFallback } : null;
}

const baseMoney = async (ctx: Context, minor: bigint) =>
  formatMoney(minor, (await ctx.loaders.company()).baseMinorUnits);

export const FxProvenanceType: FxProvenanceResolvers = {
  exchangeRateId: (p, _a, ctx) => scopedId('ExchangeRateRecord', ctx.tenantId(), p.row.id),
  currency: (p) => p.row.currency.trim(),
  baseCurrency: (p) => p.row.baseCurrency.trim(),
  rate: (p) => formatNumeric(p.row.rate),
  rateDate: (p) => p.row.rateDate,
  source: (p) => p.row.source,
  derivation: (p) => p.row.derivation,
  fetchedAt: (p) => p.row.fetchedAt,
  isOverride: (p) => p.row.isOverride,
  overrideBy: (p) => p.row.overrideBy,
  overrideByEmail: (p) => p.row.overrideByEmail,
  overrideReason: (p) => p.row.overrideReason,
  isFallback: (p) => p.isFallback,
};

export const lineFx: Pick<JournalLineResolvers, 'fx'> = {
  fx: (l, _a, ctx) => provenance(ctx, l.exchangeRateId, l.rateIsFallback),
};

export const documentFx: Pick<DocumentResolvers, 'fx' | 'realizedFx'> = {
  fx: (d, _a, ctx) => provenance(ctx, d.exchangeRateId, d.rateIsFallback),
  realizedFx: async (d, _a, ctx) => {
    if (d.status !== 'POSTED' || !realizesFx(d.kind)) return null;
    const allocations = await ctx.loaders.allocationsOfSource.load(d.id);
    return baseMoney(
      ctx,
      allocations.reduce((sum, a) => sum + (a.realizedFxMinor ?? 0n), 0n),
    );
  },
};

export const allocationFx: Pick<AllocationResolvers, 'baseAmount' | 'realizedFx'> = {
  baseAmount: (a, _a, ctx) => (a.baseAmountMinor == null ? null : baseMoney(ctx, a.baseAmountMinor)),
  realizedFx: (a, _a, ctx) => (a.realizedFxMinor == null ? null : baseMoney(ctx, a.realizedFxMinor)),
};
