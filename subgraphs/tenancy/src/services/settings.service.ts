import { type ControlDb, control, type TenantRow } from '@cifra/db';
import { effectiveSettings, type Settings } from '@cifra/domain';
import { eq } from 'drizzle-orm';

/** The firm's master settings overlaid with the client's own overrides. */
export async function settingsOf(db: ControlDb, t: TenantRow): Promise<Settings> {
  const [firm, overrides] = await Promise.all([
    db.select().from(control.firmSettings).where(eq(control.firmSettings.firmId, t.firmId)),
    db.select().from(control.tenantSettingOverrides).where(eq(control.tenantSettingOverrides.tenantId, t.id)),
  ]);
  const asRecord = (rows: { key: string; value: unknown }[]) =>
    Object.fromEntries(rows.map((r) => [r.key, r.value]));
  return effectiveSettings(asRecord(firm), asRecord(overrides));
}
