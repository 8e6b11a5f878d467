import {
  activeLegalHold,
  approveRestoreInPlace,
  type BackupDeps,
  backupClient,
  releaseLegalHold,
  requestRestoreInPlace,
  restoreClient,
  restoreInPlaceRequest,
  setLegalHold,
} from '@cifra/backups';
import { type ControlDb, control, type TenantRow } from '@cifra/db';
import { badInput, DomainError, parseId } from '@cifra/domain';
import { and, desc, eq } from 'drizzle-orm';
import { type ClientManager, managedClient } from './managed-client.ts';

/** What the backup operations need: the store and keys, and the servers' secrets. */
export type BackupServices = Omit<BackupDeps, 'control'> & {
  /** Days a database replaced by a restore in place is kept (7 by default). */
  keepReplacedDays?: number | undefined;
};

export async function backupTenant(
  db: ControlDb,
  services: BackupServices | null,
  who: ClientManager,
  slug: string,
): Promise<control.ClientBackupRow> {
  const tenant = await managedClient(db, who, { slug });
  return backupClient({ ...configured(services), control: db }, who.actor, tenant.id);
}

export async function listBackups(
  db: ControlDb,
  who: ClientManager,
  slug: string,
  limit: number,
): Promise<control.ClientBackupRow[]> {
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw badInput('limit: between 1 and 500', { field: 'limit' });
  const tenant = await managedClient(db, who, { slug });
  return db
    .select()
    .from(control.clientBackups)
    .where(and(eq(control.clientBackups.tenantId, tenant.id), eq(control.clientBackups.firmId, who.firmId)))
    .orderBy(desc(control.clientBackups.startedAt))
    .limit(limit);
}

export async function restoreTenant(
  db: ControlDb,
  services: BackupServices | null,
  who: ClientManager,
  backupId: string,
  asSlug: string,
): Promise<TenantRow> {
  const id = parseId(backupId, 'backupId');
  const [record] = await db
    .select({ tenantId: control.clientBackups.tenantId })
    .from(control.clientBackups)
    .where(and(eq(control.clientBackups.id, id), eq(control.clientBackups.firmId, who.firmId)));
  if (!record) throw new DomainError('BACKUP_NOT_FOUND', 'No such backup in this firm', { backupId: id });
  // The books of a client that still exists are restored only by someone who may manage it.
  const [original] = await db
    .select({ id: control.tenants.id })
    .from(control.tenants)
    .where(eq(control.tenants.id, record.tenantId));
  if (original) await managedClient(db, who, { id: original.id });
  return restoreClient({ ...configured(services), control: db }, who.actor, who.firmId, id, asSlug);
}

/** Ask for a restore in place of a backup's client (Tenant.Manage on it). */
export async function requestInPlace(db: ControlDb, who: ClientManager, backupId: string, reason: string) {
  const id = parseId(backupId, 'backupId');
  const [record] = await db
    .select({ tenantId: control.clientBackups.tenantId })
    .from(control.clientBackups)
    .where(and(eq(control.clientBackups.id, id), eq(control.clientBackups.firmId, who.firmId)));
  if (!record) throw new DomainError('BACKUP_NOT_FOUND', 'No such backup in this firm', { backupId: id });
  await managedClient(db, who, { id: record.tenantId });
  return requestRestoreInPlace(db, who.actor, who.firmId, id, reason);
}

/** Approve and carry out a restore in place (Tenant.Manage on the client; not its requester). */
export async function approveInPlace(
  db: ControlDb,
  services: BackupServices | null,
  who: ClientManager,
  requestId: string,
) {
  const request = await restoreInPlaceRequest(db, who.firmId, requestId);
  await managedClient(db, who, { id: request.tenantId });
  return approveRestoreInPlace({ ...configured(services), control: db }, who.actor, who.firmId, request.id);
}

/** The client's active legal hold, or null. */
export async function legalHoldOf(db: ControlDb, who: ClientManager, slug: string) {
  const tenant = await managedClient(db, who, { slug });
  return activeLegalHold(db, tenant.id);
}

/** Set or release a client's legal hold (Tenant.Manage on it). */
export async function changeLegalHold(
  db: ControlDb,
  who: ClientManager,
  slug: string,
  reason: string,
  change: 'set' | 'release',
) {
  const tenant = await managedClient(db, who, { slug });
  const target = { firmId: who.firmId, tenantId: tenant.id, slug: tenant.slug };
  return change === 'set'
    ? setLegalHold(db, who.actor, target, reason)
    : releaseLegalHold(db, who.actor, target, reason);
}

function configured(services: BackupServices | null): BackupServices {
  // A deployment without a backup key: the operator's mistake, reported as a server error.
  if (!services) throw new Error('backups are not configured (BACKUP_KEY)');
  return services;
}
