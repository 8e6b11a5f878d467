import type { tenant } from '@cifra/db';

/** The models behind the GraphQL types: rows as the database holds them. */
export type Account = typeof tenant.accounts.$inferSelect;
export type JournalEntry = typeof tenant.journalEntries.$inferSelect;
export type JournalLine = typeof tenant.glLines.$inferSelect;
