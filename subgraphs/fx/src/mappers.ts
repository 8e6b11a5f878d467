import type { control } from '@cifra/db';
import type { HistoryRow, RateAnswer } from './services/rates.service.ts';
import type { RefreshStatusModel } from './services/refresh-status.service.ts';

/** The models behind the GraphQL types: rows as the database holds them. */
export type Currency = typeof control.currencies.$inferSelect;
export type ExchangeRateRecord = HistoryRow;
export type ExchangeRate = RateAnswer;
export type FxRefreshStatus = RefreshStatusModel;
export type StaleRateUsage = import('./resolvers/firm-fx.resolvers.ts').StaleRateUsageModel;
