import { type ControlDb, control, type TenantDb } from '@cifra/db';
import { eq } from 'drizzle-orm';
import { clientFx, clientSettings } from './client-fx.service.ts';

export type RefreshStatusRow = typeof control.fxRefreshStatus.$inferSelect;

export interface RefreshStatusModel extends Partial<RefreshStatusRow> {
  provider: string;
  currencies: string[];
  localTime: string;
  timezone: string;
  missingCurrencies: string[];
  consecutiveFailures: number;
}

/** `fxRefreshStatus`: the client's refresh settings and what the dispatcher and the last attempt recorded. */
export async function refreshStatus(
  control_: ControlDb,
  db: TenantDb,
  tenantId: string,
): Promise<RefreshStatusModel> {
  const [settings, client, [row]] = await Promise.all([
    clientSettings(control_, tenantId),
    clientFx(db),
    control_.select().from(control.fxRefreshStatus).where(eq(control.fxRefreshStatus.tenantId, tenantId)),
  ]);
  return {
    ...row,
    provider: row?.provider ?? settings.fxProvider,
    currencies: [...new Set(settings.fxCurrencies)].filter((c) => c !== client.baseCurrency),
    localTime: settings.fxRefreshLocalTime,
    timezone: client.timezone,
    missingCurrencies: row?.missingCurrencies ?? [],
    consecutiveFailures: row?.consecutiveFailures ?? 0,
  };
}
