import type { TenantDb } from '@cifra/db';
import { importById, importsNewestFirst, openItemsOf } from './store.ts';

const isInvoice = (d: { kind: string }) => d.kind === 'SALES_INVOICE' || d.kind === 'PURCHASE_INVOICE';

/** What the schema reads of imports: the list, one by id, an import's open items and open credits. */
export const openingImports = (db: TenantDb) => importsNewestFirst(db);
export const openingImport = (db: TenantDb, id: string) => importById(db, id);
export const openingItems = async (db: TenantDb, id: string) => (await openItemsOf(db, id)).filter(isInvoice);
export const openingCredits = async (db: TenantDb, id: string) =>
  (await openItemsOf(db, id)).filter((d) => !isInvoice(d));
