import { type ControlDb, control, inTransaction, recordAuditEvent } from '@cifra/db';
import { badInput, DomainError, requireReason } from '@cifra/domain';
import { isPermission, type Permission, Permissions, permissionsOf } from '@cifra/permissions';
import { eq } from 'drizzle-orm';
import { refuseAcrossWall } from './integration-walls.ts';
import {
  futureExpiry,
  type IntegrationRow,
  integrationEvent,
  lockIntegration,
} from './integrations.service.ts';
import type { Manager } from './members.service.ts';

export type FirmGrantRow = typeof control.integrationFirmGrants.$inferSelect;

/**
 * The firm-level permissions an integration may be granted (docs/partners.md): the firm dashboard
 * (close board, exceptions, stale rates, batches followed), over the clients it is granted. The
 * firm's trail, its people, provisioning and integrations themselves are never a machine's.
 */
export const FIRM_GRANTABLE: readonly Permission[] = [Permissions.Firm.Dashboard];

function firmGrantable(asked: readonly string[], granterHolds: readonly Permission[]): Permission[] {
  const perms = [...new Set(asked)].sort();
  if (perms.length === 0)
    throw badInput('permissions: grant at least one permission', { field: 'permissions' });
  const refused = perms.filter((p) => !isPermission(p) || !FIRM_GRANTABLE.includes(p));
  if (refused.length)
    throw badInput(
      `permissions: an integration can be granted only ${FIRM_GRANTABLE.join(', ')} firm-wide, not ${refused.join(', ')}`,
      { field: 'permissions', refused },
    );
  const beyond = (perms as Permission[]).filter((p) => !granterHolds.includes(p));
  if (beyond.length)
    throw new DomainError(
      'FORBIDDEN',
      `You cannot grant what you do not hold firm-wide: ${beyond.join(', ')}`,
      {
        permissions: beyond,
      },
    );
  return perms as Permission[];
}

/** Grant (or replace) an integration's firm-level access, never more than the granter holds firm-wide. */
export async function grantIntegrationFirmAccess(
  db: ControlDb,
  m: Manager,
  input: { integrationId: string; permissions: readonly string[]; expiresAt?: Date | null },
): Promise<IntegrationRow> {
  const perms = firmGrantable(input.permissions, m.firmRole ? permissionsOf([m.firmRole]) : []);
  const expiresAt = futureExpiry(input.expiresAt);
  return inTransaction(db, m.actor, async (tx) => {
    const integration = await lockIntegration(tx, m, input.integrationId);
    if (integration.boundTenantId)
      throw badInput('integrationId: an entity key acts on its own client only', { field: 'integrationId' });
    // The firm's views would show it the clients it is granted: not one the granter may not see.
    await refuseAcrossWall(tx, m, integration, 'give it firm-level access');
    const key = eq(control.integrationFirmGrants.integrationId, integration.id);
    const [before] = await tx.select().from(control.integrationFirmGrants).where(key);
    const values = { permissions: perms, grantedBy: m.userId, expiresAt };
    if (before) await tx.update(control.integrationFirmGrants).set(values).where(key);
    else await tx.insert(control.integrationFirmGrants).values({ integrationId: integration.id, ...values });
    await recordAuditEvent(
      tx,
      m.actor,
      integrationEvent(m, integration, 'integration.firm_access_granted', {
        before: before ? { permissions: before.permissions, expiresAt: before.expiresAt } : null,
        after: { permissions: perms, expiresAt },
      }),
    );
    return integration;
  });
}

/** Take an integration's firm-level access away (reason of at least 20 characters), from its next request on. */
export async function revokeIntegrationFirmAccess(
  db: ControlDb,
  m: Manager,
  input: { integrationId: string; reason: string },
): Promise<IntegrationRow> {
  const actor = { ...m.actor, reason: requireReason(input.reason) };
  return inTransaction(db, actor, async (tx) => {
    const integration = await lockIntegration(tx, m, input.integrationId);
    const [gone] = await tx
      .delete(control.integrationFirmGrants)
      .where(eq(control.integrationFirmGrants.integrationId, integration.id))
      .returning();
    if (!gone) throw new DomainError('NOT_FOUND', 'The integration has no firm-level access', {});
    await recordAuditEvent(
      tx,
      actor,
      integrationEvent(m, integration, 'integration.firm_access_revoked', {
        before: { permissions: gone.permissions, expiresAt: gone.expiresAt },
      }),
    );
    return integration;
  });
}

export async function firmGrantOf(db: ControlDb, integrationId: string): Promise<FirmGrantRow | null> {
  const [row] = await db
    .select()
    .from(control.integrationFirmGrants)
    .where(eq(control.integrationFirmGrants.integrationId, integrationId));
  return row ?? null;
}
