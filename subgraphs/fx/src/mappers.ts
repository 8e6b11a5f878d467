import type { control } from '@cifra/db';

/** The models behind the GraphQL types: rows as the database holds them. */
export type Currency = typeof control.currencies.$inferSelect;
