import type { tenant } from '@cifra/db';

/** The models behind the GraphQL types: rows as the database holds them. */
export type Account = typeof tenant.accounts.$inferSelect;
export type JournalEntry = typeof tenant.journalEntries.$inferSelect;
export type JournalLine = typeof tenant.glLines.$inferSelect;
/** A general-ledger line, formatted, with the id of its entry for the `entry` field. */
export type GeneralLedgerLine = {
  postingDate: string;
  entryId: string;
  entryNumber: string;
  memo: string;
  lineNumber: number;
  lineMemo: string;
  partyId: string | null;
  partyCode: string | null;
  partyName: string | null;
  debit: string;
  credit: string;
  originalCurrency: string;
  originalAmount: string;
  runningBalance: string;
};
export type JournalEntryDraft = typeof tenant.journalDrafts.$inferSelect;
export type JournalDraftLine = typeof tenant.journalDraftLines.$inferSelect;
export type JournalEntryVoid = typeof tenant.voids.$inferSelect;
export type Party = typeof tenant.parties.$inferSelect;
export type Item = typeof tenant.items.$inferSelect;
export type TaxCode = typeof tenant.taxCodes.$inferSelect;
