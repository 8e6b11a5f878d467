import { type ControlDb, control } from '@cifra/db';
import { effectiveSettings } from '@cifra/domain';
import { eq } from 'drizzle-orm';
import type { Brand } from './document-view.ts';

/**
 * The client's white label as the tenancy subgraph shows it (`Tenant.whiteLabel`): the firm's
 * master settings overlaid with the client's overrides, the client's name when no display name is
 * set. Read from the control plane when the file is served, so a rendered document shows the
 * branding of the day it is downloaded.
 */
export async function brandOf(db: ControlDb, tenantId: string): Promise<Brand> {
  const [t] = await db
    .select({ name: control.tenants.name, firmId: control.tenants.firmId })
    .from(control.tenants)
    .where(eq(control.tenants.id, tenantId));
  if (!t) throw new Error(`no client ${tenantId}`);
  const [firm, own] = await Promise.all([
    db.select().from(control.firmSettings).where(eq(control.firmSettings.firmId, t.firmId)),
    db
      .select()
      .from(control.tenantSettingOverrides)
      .where(eq(control.tenantSettingOverrides.tenantId, tenantId)),
  ]);
  const asRecord = (rows: { key: string; value: unknown }[]) =>
    Object.fromEntries(rows.map((r) => [r.key, r.value]));
  const s = effectiveSettings(asRecord(firm), asRecord(own));
  return {
    displayName: s.displayName ?? t.name,
    brandColor: s.brandColor ?? null,
    logoUrl: s.logoUrl ?? null,
  };
}
