import { formatRate, parsePublishedRate } from '@cifra/domain';
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
  id: (r) => r.id.toString(),
  date: (r) => r.rateDate,
  currency: (r) => r.currency.trim(),
  baseCurrency: (r) => r.baseCurrency.trim(),
  rate: (r) => formatRate(parsePublishedRate(r.rate)),
  overriddenBy: (r) => r.overrideByEmail,
};

export const ExchangeRate: ExchangeRateResolvers = {
  rate: (r) => formatRate(r.rate),
  overriddenBy: (r) => r.overrideByEmail,
  recordId: (r) => (r.id === null ? null : r.id.toString()),
};
