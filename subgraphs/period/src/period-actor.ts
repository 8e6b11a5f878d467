import { type ControlDb, control } from '@cifra/db';
import { effectiveSettings } from '@cifra/domain';
import { eq } from 'drizzle-orm';
import type { Context } from './context.ts';
import type { PeriodActor } from './services/actor.ts';
import type { FxVarianceMode } from './year-end/store.ts';

/** The signed caller as the period services take it: the actor and its permissions on this client. */
export function periodActor(ctx: Context): PeriodActor {
  return { ...ctx.actor, userId: ctx.request.userId, permissions: ctx.auth.permissions };
}

/** The client's effective FX variance policy: the firm's master setting overlaid by the client's own. */
export async function fxVarianceModeOf(db: ControlDb, tenantId: string): Promise<FxVarianceMode> {
  const [t] = await db.select().from(control.tenants).where(eq(control.tenants.id, tenantId));
  if (!t) return 'SIMPLE';
  const [firm, overrides] = await Promise.all([
    db.select().from(control.firmSettings).where(eq(control.firmSettings.firmId, t.firmId)),
    db.select().from(control.tenantSettingOverrides).where(eq(control.tenantSettingOverrides.tenantId, t.id)),
  ]);
  const asRecord = (rows: { key: string; value: unknown }[]) =>
    Object.fromEntries(rows.map((r) => [r.key, r.value]));
  return effectiveSettings(asRecord(firm), asRecord(overrides)).fxVarianceMode;
}
