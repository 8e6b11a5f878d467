import { type TenantDb, tenant } from '@cifra/db';

export type Company = typeof tenant.company.$inferSelect;

/** The client's regional configuration (base currency, time zone, fiscal calendar). */
export async function loadCompany(db: Pick<TenantDb, 'select'>): Promise<Company> {
  const [row] = await db.select().from(tenant.company);
  if (!row) throw new Error('client database has no company row: provisioning did not finish');
  return row;
}
