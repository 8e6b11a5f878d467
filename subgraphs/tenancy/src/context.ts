import type { BaseContext } from '@cifra/context';
import { control, type TenantRow } from '@cifra/db';
import { eq } from 'drizzle-orm';
import type { BackupServices } from './services/backups.service.ts';
import type { Manager } from './services/members.service.ts';
import type { ProvisioningDeps } from './services/provision-tenant.service.ts';
import type { ClientLifecycleDeps } from './services/sandbox-clients.service.ts';
import type { DocumentChecker } from './services/trusted-documents.service.ts';

export interface Context extends BaseContext {
  provisioning: ProvisioningDeps;
  /** Checks a trusted document against the supergraph and the permissions granted. */
  checkDocument: DocumentChecker;
  /** Client backups' store and keys; null where no backup key is configured. */
  backups: BackupServices | null;
}

/** The caller as the signed context names them: firm-level changes act in their own firm only. */
export const managerOf = (ctx: Context): Manager => ({
  actor: ctx.actor,
  userId: ctx.request.userId,
  firmId: ctx.request.firm.id,
  firmRole: ctx.request.firm.role,
});

/** Who acts on one client's settings, backups or restores, and in which firm. */
export const clientManagerOf = (ctx: Context) => ({
  actor: ctx.actor,
  caller: ctx.request,
  firmId: ctx.request.firm.id,
});

/** What deleting a sandbox and archiving a client need: the servers' secrets and the backup store. */
export const lifecycleOf = (ctx: Context): ClientLifecycleDeps => ({
  control: ctx.control,
  secrets: ctx.provisioning.secrets,
  store: ctx.backups?.store ?? null,
});

/** A client of the directory by id (rows the caller's own firm listed), or null. */
export async function tenantById(ctx: Context, id: string): Promise<TenantRow | null> {
  const [row] = await ctx.control.select().from(control.tenants).where(eq(control.tenants.id, id));
  return row ?? null;
}
