import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import { integrationUsage } from './control/integrations.ts';
import type { ControlDb } from './drizzle.ts';

/** Longest operation name counted as such; longer ones are cut (a name is the caller's text). */
const MAX_OPERATION = 200;

/** Count one request of an integration, on its day (UTC), client and operation. */
export async function recordIntegrationUsage(
  control: ControlDb,
  integrationId: string,
  tenantId: string | null,
  operation: string | null,
): Promise<void> {
  const name = (operation?.trim() || '(anonymous)').slice(0, MAX_OPERATION);
  await control.execute(sql`
    INSERT INTO integration_usage (integration_id, tenant_id, day, operation, requests)
    VALUES (${integrationId}, ${tenantId}, (now() AT TIME ZONE 'UTC')::date, ${name}, 1)
    ON CONFLICT (integration_id, coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid), day, operation)
    DO UPDATE SET requests = integration_usage.requests + 1`);
}

export type IntegrationUsageRow = typeof integrationUsage.$inferSelect;

/** An integration's counted requests between two days (inclusive), by day, client and operation. */
export function integrationUsageBetween(
  control: ControlDb,
  integrationId: string,
  from: string,
  to: string,
): Promise<IntegrationUsageRow[]> {
  return control
    .select()
    .from(integrationUsage)
    .where(
      and(
        eq(integrationUsage.integrationId, integrationId),
        gte(integrationUsage.day, from),
        lte(integrationUsage.day, to),
      ),
    )
    .orderBy(asc(integrationUsage.day), asc(integrationUsage.operation));
}
