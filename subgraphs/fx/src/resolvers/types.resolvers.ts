import { formatRate, parsePublishedRate, scopedId } from '@cifra/domain';
import type {
  CurrencyResolvers,
  ExchangeRateRecordResolvers,
  ExchangeRateResolvers,
} from '../__generated__/resolvers.ts';
import { findCurrency } from '../services/find-currency.service.ts';

export const Currency: CurrencyResolvers = {
  __resolveReference: (ref, ctx) => findCurrency(ctx.control, ref.code),
};

export const ExchangeRateRecord: ExchangeRateRecordResolvers = {
  id: (r, _a, ctx) => scopedId('ExchangeRateRecord', ctx.tenantId(), r.id),
  date: (r) => r.rateDate,
  currency: (r) => r.currency.trim(),
  baseCurrency: (r) => r.baseCurrency.trim(),
  rate: (r) => formatRate(parsePublishedRate(r.rate)),
  overriddenBy: (r) => r.overrideByEmail,
};

export const ExchangeRate: ExchangeRateResolvers = {
  rate: (r) => formatRate(r.rate),
  overriddenBy: (r) => r.overrideByEmail,
  recordId: (r, _a, ctx) => (r.id === null ? null : scopedId('ExchangeRateRecord', ctx.tenantId(), r.id)),
};
