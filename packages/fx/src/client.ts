import { type ControlDb, control, type TenantDb, tenant } from '@cifra/db';
import { type CurrencyPeg, effectiveSettings, pegsForRegion, type Settings } from '@cifra/domain';
import { eq } from 'drizzle-orm';

/** What the FX services need to know about a client. */
export interface ClientFx {
  baseCurrency: string;
  region: string;
  timezone: string;
  pegs: readonly CurrencyPeg[];
}

/** The client's regional FX configuration, from its own books (the company row). */
export async function clientFx(db: Pick<TenantDb, 'select'>): Promise<ClientFx> {
  const [company] = await db.select().from(tenant.company);
  if (!company) throw new Error('client database has no company row: provisioning did not finish');
  return clientFxOf(company);
}

/** The same from a company row already loaded. */
export function clientFxOf(company: { baseCurrency: string; region: string; timezone: string }): ClientFx {
  return {
    baseCurrency: company.baseCurrency.trim(),
    region: company.region,
    timezone: company.timezone,
    pegs: pegsForRegion(company.region),
  };
}

/** The firm's master settings overlaid with the client's own overrides. */
export async function clientSettings(db: ControlDb, tenantId: string): Promise<Settings> {
  const [row] = await db
    .select({ firmId: control.tenants.firmId })
    .from(control.tenants)
    .where(eq(control.tenants.id, tenantId));
  if (!row) throw new Error(`unknown tenant ${tenantId}`);
  const [firm, overrides] = await Promise.all([
    db.select().from(control.firmSettings).where(eq(control.firmSettings.firmId, row.firmId)),
    db
      .select()
      .from(control.tenantSettingOverrides)
      .where(eq(control.tenantSettingOverrides.tenantId, tenantId)),
  ]);
  const asRecord = (rows: { key: string; value: unknown }[]) =>
    Object.fromEntries(rows.map((r) => [r.key, r.value]));
  return effectiveSettings(asRecord(firm), asRecord(overrides));
}
