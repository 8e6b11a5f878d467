import { type ControlDb, control, type IntegrationRow, integrationUsageBetween, type TxOf } from '@cifra/db';
import { DomainError } from '@cifra/domain';
import { and, asc, eq } from 'drizzle-orm';
import { assignmentOf } from './client-roles.service.ts';
import type { Manager } from './members.service.ts';

/**
 * What of an integration stays behind a wall (docs/partners.md, "Walls"): to someone walled off a
 * client (NoAccess), that client's entity keys do not exist, and a partner integration's part on
 * it — its grant there, its usage there — is neither shown to them nor changed by them.
 */

/** An entity key of a client the manager is walled off (NoAccess there): for them, no such integration. */
export async function hiddenBehindWall(
  tx: TxOf<ControlDb>,
  m: Pick<Manager, 'userId'>,
  row: IntegrationRow,
): Promise<boolean> {
  if (!row.boundTenantId) return false;
  return (await assignmentOf(tx, row.boundTenantId, m.userId))?.role === 'NoAccess';
}

/**
 * Refuse a change that would reach an integration's part on a client the manager is walled off
 * (deleting it ends its grant there; the firm dashboard would show that client to it), without
 * naming the client: that part is not theirs to see.
 */
export async function refuseAcrossWall(
  tx: TxOf<ControlDb>,
  m: Pick<Manager, 'userId'>,
  integration: IntegrationRow,
  what: string,
): Promise<void> {
  const [walled] = await tx
    .select({ tenantId: control.integrationGrants.tenantId })
    .from(control.integrationGrants)
    .innerJoin(
      control.tenantRoleAssignments,
      and(
        eq(control.tenantRoleAssignments.tenantId, control.integrationGrants.tenantId),
        eq(control.tenantRoleAssignments.userId, m.userId),
        eq(control.tenantRoleAssignments.role, 'NoAccess'),
      ),
    )
    .where(eq(control.integrationGrants.integrationId, integration.id))
    .limit(1);
  if (walled) {
    throw new DomainError(
      'FORBIDDEN',
      `This integration is granted on a client you have no access to: someone who has must ${what}`,
      {},
    );
  }
}

/** An integration's grants as the reader sees them, oldest first: none on a client they are walled off. */
export async function grantsSeenBy(db: ControlDb, walls: ReadonlySet<string>, integrationId: string) {
  const grants = await db
    .select()
    .from(control.integrationGrants)
    .where(eq(control.integrationGrants.integrationId, integrationId))
    .orderBy(asc(control.integrationGrants.createdAt));
  return grants.filter((g) => !walls.has(g.tenantId));
}

/** An integration's usage between two days as the reader sees it: none on a client they are walled off. */
export async function usageSeenBy(
  db: ControlDb,
  walls: ReadonlySet<string>,
  integrationId: string,
  from: string,
  to: string,
) {
  const rows = await integrationUsageBetween(db, integrationId, from, to);
  return rows.filter((u) => !(u.tenantId && walls.has(u.tenantId)));
}
