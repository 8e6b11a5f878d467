import { randomBytes, randomUUID } from 'node:crypto';
import {
  type Actor,
  type ControlDb,
  control,
  createDatabase,
  dropDatabase,
  inTransaction,
  onOwnSession,
  recordAuditEvent,
  resolveSecrets,
  withDatabase,
} from '@cifra/db';
import { DomainError } from '@cifra/domain';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { BackupKeyring } from './backup-keys.ts';
import { asLockOwner, backupOwnerName } from './backup-owner.ts';
import { boundedEach } from './backup-schedule.ts';
import type { BackupStore } from './backup-store.ts';
import { pickServer } from './restore-client.service.ts';
import { findBackup, openBackup, restoreInto } from './restore-load.ts';

/**
 * Restore drills (docs/architecture/backups.md, "Restore drills"): a backup restored into a scratch
 * database, verified exactly as a restore is verified, and the scratch database dropped whatever
 * happens. The drill's row in `restore_drills` names the scratch database before it exists, and the
 * drill's process holds the advisory lock `('drll', hashtext(drill id))` until it has recorded its
 * outcome: a row not dropped whose lock is free belongs to a process that died, and
 * `sweepDrillDatabases` drops its database.
 */
export const DRILL_OWNER_LOCK = 0x64726c6c;

const SCRATCH = /^cifra_drill_[0-9a-f]{24}$/;
/** A scratch database's name: recognisable, and never a client's (`cifra_c_<24 hex>`). */
export const scratchDatabaseName = () => `cifra_drill_${randomBytes(12).toString('hex')}`;
export const isScratchDatabaseName = (name: string) => SCRATCH.test(name);

export interface DrillDeps {
  control: ControlDb;
  /** The `${NAME}` secrets of the servers' admin URLs. */
  secrets: Readonly<Record<string, string | undefined>>;
  keys: BackupKeyring;
  store: BackupStore;
}

export interface DrillResult {
  drillId: string;
  backupId: string;
  tenantSlug: string;
  databaseName: string;
  outcome: 'VERIFIED' | 'FAILED';
  /** The error code when it failed (BACKUP_TAMPERED, RESTORE_VERIFICATION_FAILED, …). */
  failureCode: string | null;
  error: string | null;
  /** Whether the scratch database is gone (if not, the sweep drops it). */
  dropped: boolean;
}

export interface DrillHooks {
  /** Called once the scratch database exists, before it is loaded (tests stop a drill here). */
  scratchCreated?: (databaseName: string) => Promise<void>;
}

const codeOf = (err: unknown) => (err instanceof DomainError ? err.code : 'INTERNAL_SERVER_ERROR');
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 1000);

/** The server a drill restores onto: the client's own while it exists, else the least loaded. */
async function drillServer(db: ControlDb, tenantId: string) {
  const [own] = await db
    .select({ id: control.dbServers.id, name: control.dbServers.name, adminUrl: control.dbServers.adminUrl })
    .from(control.tenants)
    .innerJoin(control.dbServers, eq(control.dbServers.id, control.tenants.serverId))
    .where(eq(control.tenants.id, tenantId));
  return own ?? pickServer(db, undefined);
}

/**
 * Drill one COMPLETE backup: check it whole, restore it into a fresh scratch database at its schema
 * version, migrate it, verify it (audit chain and its head, trial balance digest, row counts), drop
 * the scratch database, and record the outcome on the drill, on the backup (`drilled_at`,
 * `drill_outcome`, `drill_failure_code`; a verified drill also sets `verified_at`) and in the firm's
 * trail (`backup.drill_verified` / `backup.drill_failed`). A failing drill is an outcome, not an
 * error: it answers FAILED with the code. A backup that is not COMPLETE is refused as a restore
 * refuses it, and nothing is recorded.
 */
export async function drillBackup(
  deps: DrillDeps,
  actor: Actor,
  backupId: string,
  hooks: DrillHooks = {},
): Promise<DrillResult> {
  const firmId = await firmOfDrilledBackup(deps.control, backupId);
  const record = await findBackup(deps.control, firmId, backupId);
  const server = await drillServer(deps.control, record.tenantId);
  const drillId = randomUUID();
  const databaseName = scratchDatabaseName();
  // Everything the drill records goes through its own session (`onOwnSession`).
  return asLockOwner(deps.control, DRILL_OWNER_LOCK, drillId, async (db) => {
    await db.insert(control.restoreDrills).values({
      id: drillId,
      firmId,
      tenantId: record.tenantId,
      tenantSlug: record.tenantSlug,
      backupId,
      serverId: server.id,
      databaseName,
      owner: backupOwnerName(),
      requestedBy: actor.email,
    });
    const adminUrl = resolveSecrets(server.adminUrl, deps.secrets);
    let failure: unknown = null;
    try {
      const opened = await openBackup(deps.keys, deps.store, record);
      await createDatabase(adminUrl, databaseName);
      await hooks.scratchCreated?.(databaseName);
      await restoreInto(withDatabase(adminUrl, databaseName), opened);
    } catch (err) {
      failure = err;
    }
    const dropped = await dropDatabase(adminUrl, databaseName).then(
      () => true,
      () => false,
    );
    const result: DrillResult = {
      drillId,
      backupId,
      tenantSlug: record.tenantSlug,
      databaseName,
      outcome: failure === null ? 'VERIFIED' : 'FAILED',
      failureCode: failure === null ? null : codeOf(failure),
      error: failure === null ? null : messageOf(failure),
      dropped,
    };
    await recordDrill(db, actor, firmId, record.tenantId, server.name, result);
    return result;
  });
}

async function firmOfDrilledBackup(db: ControlDb, backupId: string): Promise<string> {
  if (!/^[0-9a-f-]{36}$/i.test(backupId))
    throw new DomainError('BACKUP_NOT_FOUND', 'No such backup', { backupId });
  const [row] = await db
    .select({ firmId: control.clientBackups.firmId })
    .from(control.clientBackups)
    .where(eq(control.clientBackups.id, backupId));
  if (!row) throw new DomainError('BACKUP_NOT_FOUND', 'No such backup', { backupId });
  return row.firmId;
}

async function recordDrill(
  db: ControlDb,
  actor: Actor,
  firmId: string,
  tenantId: string,
  serverName: string,
  r: DrillResult,
) {
  await inTransaction(db, actor, async (tx) => {
    const now = new Date();
    // Conditional: a drill whose owner session was lost may have been swept meanwhile, and that
    // record stands.
    const finished = await tx
      .update(control.restoreDrills)
      .set({
        finishedAt: now,
        outcome: r.outcome,
        failureCode: r.failureCode,
        error: r.error,
        droppedAt: r.dropped ? now : null,
      })
      .where(and(eq(control.restoreDrills.id, r.drillId), isNull(control.restoreDrills.finishedAt)))
      .returning({ id: control.restoreDrills.id });
    if (finished.length === 0) return;
    await tx
      .update(control.clientBackups)
      .set({
        drilledAt: now,
        drillOutcome: r.outcome,
        drillFailureCode: r.failureCode,
        ...(r.outcome === 'VERIFIED' ? { verifiedAt: now } : {}),
      })
      .where(eq(control.clientBackups.id, r.backupId));
    await recordAuditEvent(tx, actor, {
      action: r.outcome === 'VERIFIED' ? 'backup.drill_verified' : 'backup.drill_failed',
      entityType: 'ClientBackup',
      entityId: r.backupId,
      tenantId,
      firmId,
      after: {
        drillId: r.drillId,
        slug: r.tenantSlug,
        server: serverName,
        scratchDatabase: r.databaseName,
        scratchDropped: r.dropped,
        outcome: r.outcome,
        failureCode: r.failureCode,
      },
      reason: r.error ?? undefined,
    });
  });
}

const SWEEPER: Actor = { userId: null, email: null, reason: 'restore drill sweep' };

export interface DrillSweepResult {
  /** Drills whose scratch database this sweep dropped. */
  dropped: string[];
  /** Drills still running (their owner holds them). */
  running: string[];
}

/**
 * Drop the scratch database of every drill whose process is gone (its owner lock free) and that has
 * not dropped it: a drill killed midway, or one whose drop failed. Only databases named by a drill's
 * row, with a scratch name, and no client's, are ever dropped. A drill that never finished is
 * recorded FAILED with RESTORE_DRILL_INTERRUPTED (its backup's record is left as it was: an
 * interrupted drill says nothing about the backup) and `backup.drill_interrupted` is in the trail.
 */
export async function sweepDrillDatabases(
  deps: Pick<DrillDeps, 'control' | 'secrets'>,
  actor: Actor = SWEEPER,
): Promise<DrillSweepResult> {
  const open = await deps.control
    .select({ drill: control.restoreDrills, adminUrl: control.dbServers.adminUrl })
    .from(control.restoreDrills)
    .innerJoin(control.dbServers, eq(control.dbServers.id, control.restoreDrills.serverId))
    .where(isNull(control.restoreDrills.droppedAt));
  const result: DrillSweepResult = { dropped: [], running: [] };
  if (open.length === 0) return result;
  await onOwnSession(deps.control, async ({ session, db }) => {
    for (const { drill, adminUrl } of open) {
      const got = await session.query<{ held: boolean }>(
        'SELECT pg_try_advisory_lock($1, hashtext($2)) AS held',
        [DRILL_OWNER_LOCK, drill.id],
      );
      if (got.rows[0]?.held !== true) {
        result.running.push(drill.id);
        continue;
      }
      try {
        if (await sweepOne({ ...deps, control: db }, actor, drill, adminUrl)) result.dropped.push(drill.id);
      } finally {
        await session.query('SELECT pg_advisory_unlock($1, hashtext($2))', [DRILL_OWNER_LOCK, drill.id]);
      }
    }
  });
  return result;
}

async function sweepOne(
  deps: Pick<DrillDeps, 'control' | 'secrets'>,
  actor: Actor,
  drill: control.RestoreDrillRow,
  adminUrl: string,
): Promise<boolean> {
  const [client] = await deps.control
    .select({ id: control.tenants.id })
    .from(control.tenants)
    .where(eq(control.tenants.databaseName, drill.databaseName));
  if (!isScratchDatabaseName(drill.databaseName) || client)
    throw new Error(`restore drill ${drill.id} names ${drill.databaseName}, which is not a scratch database`);
  await dropDatabase(resolveSecrets(adminUrl, deps.secrets), drill.databaseName);
  return inTransaction(deps.control, actor, async (tx) => {
    const interrupted = drill.finishedAt === null;
    const now = new Date();
    const marked = await tx
      .update(control.restoreDrills)
      .set({
        droppedAt: now,
        ...(interrupted
          ? {
              finishedAt: now,
              outcome: 'FAILED' as const,
              failureCode: 'RESTORE_DRILL_INTERRUPTED',
              error: `interrupted: the process drilling it (${drill.owner ?? 'unknown'}) ended before it finished`,
            }
          : {}),
      })
      .where(and(eq(control.restoreDrills.id, drill.id), isNull(control.restoreDrills.droppedAt)))
      .returning({ id: control.restoreDrills.id });
    if (marked.length === 0) return false;
    await recordAuditEvent(tx, actor, {
      action: interrupted ? 'backup.drill_interrupted' : 'backup.drill_scratch_dropped',
      entityType: 'ClientBackup',
      entityId: drill.backupId,
      tenantId: drill.tenantId,
      firmId: drill.firmId,
      after: {
        drillId: drill.id,
        slug: drill.tenantSlug,
        scratchDatabase: drill.databaseName,
        owner: drill.owner,
      },
    });
    return true;
  });
}

export interface DueDrill {
  tenantId: string;
  slug: string;
  backupId: string;
}

/**
 * The newest COMPLETE backup of each active client (or of the client `slug`, active or not), for
 * the clients with no drill started since `notDrilledSince` when it is given: the clients due for
 * a drill at `now` are those with `notDrilledSince = now - every days`.
 */
export async function newestCompleteBackups(
  db: ControlDb,
  which: { slug?: string; notDrilledSince?: Date } = {},
): Promise<DueDrill[]> {
  const client = which.slug === undefined ? sql`t.status = 'ACTIVE'` : sql`t.slug = ${which.slug}`;
  const drilled =
    which.notDrilledSince === undefined
      ? sql``
      : sql`AND NOT EXISTS (SELECT 1 FROM restore_drills d
              WHERE d.tenant_id = t.id AND d.started_at > ${which.notDrilledSince.toISOString()}::timestamptz)`;
  const rows = await db.execute<{ tenant_id: string; slug: string; backup_id: string }>(sql`
    SELECT DISTINCT ON (t.id) t.id AS tenant_id, t.slug, b.id AS backup_id
      FROM tenants t
      JOIN client_backups b ON b.tenant_id = t.id AND b.status = 'COMPLETE'
     WHERE ${client} ${drilled}
     ORDER BY t.id, b.started_at DESC`);
  return rows.rows.map((r) => ({ tenantId: r.tenant_id, slug: r.slug, backupId: r.backup_id }));
}

export const dueDrills = (db: ControlDb, now: Date, everyDays: number) =>
  newestCompleteBackups(db, { notDrilledSince: new Date(now.getTime() - everyDays * 86_400_000) });

/**
 * Drill every due client's newest backup, at most `concurrency` at once (the worker's weekly
 * drills and `pnpm backup --drill --all`). A drill that throws (its backup pruned meanwhile, …) is
 * reported with the others' outcomes.
 */
export async function drillAll(
  deps: DrillDeps,
  actor: Actor,
  due: readonly DueDrill[],
  concurrency: number,
): Promise<PromiseSettledResult<DrillResult>[]> {
  return boundedEach(due, concurrency, (d) => drillBackup(deps, actor, d.backupId));
}
