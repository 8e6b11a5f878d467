import {
  activeLegalHold,
  approveRestoreInPlace,
  type BackupDeps,
  backupClient,
  DEFAULT_REQUEST_EXPIRES_HOURS,
  noSuchRestoreRequest,
  type RestoreRequestEntry,
  releaseLegalHold,
  requestRestoreInPlace,
  restoreClient,
  restoreInPlaceRequest,
  restoreRequestsOf,
  setLegalHold,
  withdrawRestoreInPlace,
} from '@cifra/backups';
import { decodeKeyCursor, encodeKeyCursor, type Page, pageOf, pageSize } from '@cifra/context';
import { type ControlDb, control, type TenantRow } from '@cifra/db';
import { badInput, DomainError, isUuid, parseId, requireReason } from '@cifra/domain';
import { and, desc, eq } from 'drizzle-orm';
import { type ClientManager, managedClient } from './managed-client.ts';

/** What the backup operations need: the store and keys, and the servers' secrets. */
export type BackupServices = Omit<BackupDeps, 'control'> & {
  /** Days a database replaced by a restore in place is kept (7 by default). */
  keepReplacedDays?: number | undefined;
  /** Hours a restore in place request waits for its approval before it expires (72 by default). */
  requestExpiresHours?: number | undefined;
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
  const record = await backupInFirm(db, who, id);
  // The books of a client that still exists are restored only by someone who may manage it; to
  // anyone else (walled off it, say) the backup is as absent as an unknown id.
  const [original] = await db
    .select({ id: control.tenants.id })
    .from(control.tenants)
    .where(eq(control.tenants.id, record.tenantId));
  if (original) await managedClient(db, who, { id: original.id }, () => noSuchBackup(id));
  return restoreClient({ ...configured(services), control: db }, who.actor, who.firmId, id, asSlug);
}

/** What a backup id answers when there is no such backup in the firm (or none the caller may manage). */
const noSuchBackup = (backupId: string) =>
  new DomainError('BACKUP_NOT_FOUND', 'No such backup in this firm', { backupId });

/** A backup of the caller's firm, by id: BACKUP_NOT_FOUND when there is none. */
async function backupInFirm(db: ControlDb, who: ClientManager, id: string) {
  const [record] = await db
    .select({ tenantId: control.clientBackups.tenantId })
    .from(control.clientBackups)
    .where(and(eq(control.clientBackups.id, id), eq(control.clientBackups.firmId, who.firmId)));
  if (!record) throw noSuchBackup(id);
  return record;
}

/** Ask for a restore in place of a backup's client (Tenant.Manage on it). */
export async function requestInPlace(db: ControlDb, who: ClientManager, backupId: string, reason: string) {
  const id = parseId(backupId, 'backupId');
  const record = await backupInFirm(db, who, id);
  await managedClient(db, who, { id: record.tenantId }, () => noSuchBackup(id));
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
  await managedClient(db, who, { id: request.tenantId }, () => noSuchRestoreRequest(request.id));
  return approveRestoreInPlace({ ...configured(services), control: db }, who.actor, who.firmId, request.id);
}

/** One backup's record by id (a request's backup, when the request was not read with it). */
export async function backupOf(db: ControlDb, backupId: string): Promise<control.ClientBackupRow | null> {
  const [row] = await db.select().from(control.clientBackups).where(eq(control.clientBackups.id, backupId));
  return row ?? null;
}

/** A restore in place request as the API answers it: with its backup, and when a PENDING one expires. */
export type RestoreRequestView = control.RestoreInPlaceRow & {
  backupRow?: control.ClientBackupRow;
  expiresAfterHours?: number;
};

/**
 * `restoreInPlaceRequests`: one client's requests, newest first (Tenant.Manage on it: NOT_FOUND for
 * a client the caller may not manage, as every backup operation answers), optionally of one status.
 * Keyset-paged in SQL on (requested time, id); the cursor's tag names the client and the filter.
 */
export async function pageRestoreRequests(
  db: ControlDb,
  services: BackupServices | null,
  who: ClientManager,
  args: { tenant: string; first?: number | null; after?: string | null; status?: RestoreStatus | null },
): Promise<Page<RestoreRequestView>> {
  const first = pageSize(args.first, 50, 500);
  const tag = `restore-request:${args.tenant}:${args.status ?? '*'}`;
  const after = args.after ? requestKey(tag, args.after) : null;
  const tenant = await managedClient(db, who, { slug: args.tenant });
  const entries = await restoreRequestsOf(db, tenant.id, { after, limit: first + 1, status: args.status });
  const hours = services?.requestExpiresHours ?? DEFAULT_REQUEST_EXPIRES_HOURS;
  const keys = new Map<RestoreRequestView, RestoreRequestEntry['key']>();
  const views = entries.map(({ row, backup, key }) => {
    const view = { ...row, backupRow: backup, expiresAfterHours: hours };
    keys.set(view, key);
    return view;
  });
  return pageOf(views, first, args.after, (v) => encodeKeyCursor(tag, keys.get(v) ?? []));
}
type RestoreStatus = control.RestoreInPlaceRow['status'];

/** A cursor's (time, id), refused like any foreign cursor when either part does not parse. */
function requestKey(tag: string, cursor: string): [string, string] {
  const [at, id] = decodeKeyCursor(tag, cursor, 2) as [string, string];
  if (!isUuid(id) || !AT.test(at))
    throw badInput('after: not a cursor this query returned', { field: 'after' });
  return [at, id];
}

const AT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

/** Withdraw a PENDING restore in place (its requester or another Tenant.Manage holder on the client). */
export async function withdrawInPlace(
  db: ControlDb,
  services: BackupServices | null,
  who: ClientManager,
  requestId: string,
  reason: string,
) {
  requireReason(reason);
  const request = await restoreInPlaceRequest(db, who.firmId, requestId);
  await managedClient(db, who, { id: request.tenantId }, () => noSuchRestoreRequest(request.id));
  return withdrawRestoreInPlace(db, who.actor, request, reason, { hours: services?.requestExpiresHours });
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
