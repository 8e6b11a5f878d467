import { type Actor, type ControlDb, control, inTransaction, recordAuditEvent } from '@cifra/db';
import { DomainError, parseId, requireReason } from '@cifra/domain';
import { and, desc, eq, lte, type SQL, sql } from 'drizzle-orm';

/**
 * A restore in place request's life before its approval (docs/architecture/backups.md, "Restore in
 * place"): read, listed per client, withdrawn with a reason, expired once it waited
 * `RESTORE_REQUEST_EXPIRES_HOURS`. Every change of status is conditional on the request still being
 * PENDING, so an approval and a withdrawal (or an expiry) racing for one request: exactly one wins.
 */
export const DEFAULT_REQUEST_EXPIRES_HOURS = 72;
type Row = control.RestoreInPlaceRow;
const R = control.restoreInPlaceRequests;

export async function restoreInPlaceRequest(db: ControlDb, firmId: string, requestId: string): Promise<Row> {
  const id = parseId(requestId, 'requestId');
  const [row] = await db
    .select()
    .from(R)
    .where(and(eq(R.id, id), eq(R.firmId, firmId)));
  if (!row) throw noSuchRestoreRequest(id);
  return row;
}

/** What a request id answers when there is no such request in the firm (or none the caller may manage). */
export const noSuchRestoreRequest = (requestId: string) =>
  new DomainError('NOT_FOUND', 'No such restore request', { requestId });

/** When a PENDING request requested at `requestedAt` expires. */
export const expiresAt = (requestedAt: Date, hours: number = DEFAULT_REQUEST_EXPIRES_HOURS): Date =>
  new Date(requestedAt.getTime() + hours * 3_600_000);

/** A request PENDING since before this (at `now`) has expired. */
export const expiryCutoff = (now: Date, hours: number = DEFAULT_REQUEST_EXPIRES_HOURS) =>
  new Date(now.getTime() - hours * 3_600_000);

/**
 * Mark EXPIRED every PENDING request (of one id, when given) older than `hours` at `now`, with
 * `tenant.restore_in_place_expired` in the trail for each, in one transaction; the requests expired.
 * The worker's hourly backup maintenance calls it for all; an approval or a withdrawal for its own.
 */
export async function expireRestoreRequests(
  db: ControlDb,
  opts: { hours?: number | undefined; now?: Date; requestId?: string; actor?: Actor },
): Promise<Row[]> {
  const hours = opts.hours ?? DEFAULT_REQUEST_EXPIRES_HOURS;
  const now = opts.now ?? new Date();
  const actor = opts.actor ?? { userId: null, email: null, reason: `not approved within ${hours} hours` };
  const cutoff = expiryCutoff(now, hours);
  const where: SQL[] = [eq(R.status, 'PENDING'), lte(R.requestedAt, cutoff)];
  if (opts.requestId) where.push(eq(R.id, opts.requestId));
  return inTransaction(db, actor, async (tx) => {
    const expired = await tx
      .update(R)
      .set({ status: 'EXPIRED', finishedAt: now })
      .where(and(...where))
      .returning();
    for (const row of expired)
      await recordAuditEvent(tx, actor, {
        action: 'tenant.restore_in_place_expired',
        entityType: 'Tenant',
        entityId: row.tenantId,
        tenantId: row.tenantId,
        after: {
          requestId: row.id,
          backupId: row.backupId,
          requestedAt: row.requestedAt,
          expiresAfterHours: hours,
        },
        reason: `not approved within ${hours} hours`,
      });
    return expired;
  });
}

/**
 * The refusal for a request that is not PENDING (any more): RESTORE_REQUEST_EXPIRED for an
 * expired one, RESTORE_REQUEST_NOT_PENDING with its status otherwise.
 */
export function notPending(row: Pick<Row, 'id' | 'status'>): DomainError {
  if (row.status === 'EXPIRED')
    return new DomainError('RESTORE_REQUEST_EXPIRED', 'The request expired before it was approved', {
      requestId: row.id,
    });
  return new DomainError('RESTORE_REQUEST_NOT_PENDING', `The request is ${row.status}, not PENDING`, {
    requestId: row.id,
    status: row.status,
  });
}

/**
 * A PENDING request past its expiry is marked EXPIRED (in the trail) and refused; a request that is
 * not PENDING is refused. Called before an approval or a withdrawal acts on `row`.
 */
export async function refuseUnlessPending(
  db: ControlDb,
  actor: Actor,
  row: Row,
  hours: number | undefined,
  now: Date = new Date(),
): Promise<void> {
  if (row.status !== 'PENDING') throw notPending(row);
  if (expiresAt(row.requestedAt, hours) > now) return;
  await expireRestoreRequests(db, { hours, now, requestId: row.id, actor });
  const [again] = await db.select().from(R).where(eq(R.id, row.id));
  throw notPending(again ?? { ...row, status: 'EXPIRED' });
}

/**
 * Withdraw a PENDING request (its requester or any other manager of the client; the caller's
 * permission is the tenancy service's), with a reason of at least 20 characters, recorded as
 * `tenant.restore_in_place_withdrawn`. Conditional on PENDING: an approval that claimed it first
 * wins, and this answers RESTORE_REQUEST_NOT_PENDING.
 */
export async function withdrawRestoreInPlace(
  db: ControlDb,
  actor: Actor,
  row: Row,
  reason: string,
  opts: { hours?: number | undefined; now?: Date } = {},
): Promise<Row> {
  const why = requireReason(reason);
  await refuseUnlessPending(db, actor, row, opts.hours, opts.now);
  const withdrawn = await inTransaction(db, actor, async (tx) => {
    const [done] = await tx
      .update(R)
      .set({
        status: 'WITHDRAWN',
        withdrawnByUser: actor.userId,
        withdrawnBy: actor.email ?? 'unknown',
        withdrawalReason: why,
        finishedAt: opts.now ?? new Date(),
      })
      .where(and(eq(R.id, row.id), eq(R.status, 'PENDING')))
      .returning();
    if (!done) return null;
    await recordAuditEvent(tx, actor, {
      action: 'tenant.restore_in_place_withdrawn',
      entityType: 'Tenant',
      entityId: done.tenantId,
      tenantId: done.tenantId,
      after: { requestId: done.id, backupId: done.backupId, requestedBy: done.requestedBy },
      reason: why,
    });
    return done;
  });
  if (withdrawn) return withdrawn;
  const [current] = await db.select().from(R).where(eq(R.id, row.id));
  throw notPending(current ?? row);
}

/** A row of a client's requests with its place in the list: requested time (to the microsecond) and id. */
export interface RestoreRequestEntry {
  row: Row;
  backup: control.ClientBackupRow;
  key: [string, string];
}

/**
 * A client's requests newest first (requested time, then id, both descending), after `after` (a
 * key this returned), at most `limit`, of one status when given. Keyed on the microsecond time
 * PostgreSQL holds (as text), so two requests in one millisecond never share or skip a place.
 */
export async function restoreRequestsOf(
  db: ControlDb,
  tenantId: string,
  opts: { after: [string, string] | null; limit: number; status?: Row['status'] | null },
): Promise<RestoreRequestEntry[]> {
  const at = sql<string>`to_char(${R.requestedAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  const where: SQL[] = [eq(R.tenantId, tenantId)];
  if (opts.status) where.push(eq(R.status, opts.status));
  if (opts.after)
    where.push(sql`(${R.requestedAt}, ${R.id}) < (${opts.after[0]}::timestamptz, ${opts.after[1]}::uuid)`);
  const rows = await db
    .select({ row: R, backup: control.clientBackups, at })
    .from(R)
    .innerJoin(control.clientBackups, eq(control.clientBackups.id, R.backupId))
    .where(and(...where))
    .orderBy(desc(R.requestedAt), desc(R.id))
    .limit(opts.limit);
  return rows.map(({ row, backup, at }) => ({ row, backup, key: [at, row.id] }));
}
