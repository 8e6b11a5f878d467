import type { TenantDb } from '@cifra/db';
import { importById, importsNewestFirst, openItemsOf } from './store.ts';

/** What the schema reads of imports: the list, one by id, an import's open items. */
export const openingImports = (db: TenantDb) => importsNewestFirst(db);
export const openingImport = (db: TenantDb, id: string) => importById(db, id);
export const openingItems = (db: TenantDb, id: string) => openItemsOf(db, id);
