import type { tenant } from '@cifra/db';

/** The models behind the GraphQL types: rows as the database holds them. */
export type PostingPeriod = typeof tenant.postingPeriods.$inferSelect;
export type FiscalYear = typeof tenant.fiscalYears.$inferSelect;
