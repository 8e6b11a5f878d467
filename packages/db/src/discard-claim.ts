import { eq } from 'drizzle-orm';
import type { TenantRow } from './access.ts';
import { recordAuditEvent } from './audit.ts';
import * as control from './control/schema.ts';
import type { ControlDb } from './drizzle.ts';
import { dropClientLogins } from './logins.ts';
import { dropDatabase } from './servers.ts';
import { type Actor, inTransaction } from './tx.ts';
import { resolveSecrets } from './url.ts';

/**
 * Remove a client that never became ACTIVE — the claim of a provisioning or a restore that failed,
 * or the leftover of one that crashed — with everything the claim wrote: its database and both
 * logins on its server, then in one transaction its white-label settings, its role assignments (the
 * walls a restore copies from the backed-up client), its directory row, and `action` in the firm's
 * trail (the client row is gone by then: the event names the firm). Provisioning and restoring
 * share it, so that what a claim writes and what its discard removes cannot drift apart. A database
 * that cannot be dropped fails it before the row goes, so the next attempt on the slug finds the
 * claim and finishes the job.
 */
export async function discardClaim(
  db: ControlDb,
  secrets: Readonly<Record<string, string | undefined>>,
  actor: Actor,
  row: TenantRow,
  event: { action: 'tenant.provisioning_failed' | 'tenant.restore_failed'; why: string },
): Promise<void> {
  const [server] = await db.select().from(control.dbServers).where(eq(control.dbServers.id, row.serverId));
  if (server) {
    const adminUrl = resolveSecrets(server.adminUrl, secrets);
    await dropDatabase(adminUrl, row.databaseName);
    await dropClientLogins(adminUrl, row.databaseName);
  }
  await inTransaction(db, actor, async (tx) => {
    await tx
      .delete(control.tenantSettingOverrides)
      .where(eq(control.tenantSettingOverrides.tenantId, row.id));
    await tx.delete(control.tenantRoleAssignments).where(eq(control.tenantRoleAssignments.tenantId, row.id));
    await tx.delete(control.tenants).where(eq(control.tenants.id, row.id));
    await recordAuditEvent(tx, actor, {
      action: event.action,
      entityType: 'Tenant',
      entityId: row.id,
      tenantId: row.id,
      before: { slug: row.slug },
      reason: event.why.slice(0, 1000),
      firmId: row.firmId,
    });
  });
}
