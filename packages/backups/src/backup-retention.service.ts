import { type Actor, type ControlDb, control, inTransaction, recordAuditEvent } from '@cifra/db';
import { badInput, countShown, DomainError, settingsSchema, shownText } from '@cifra/domain';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { BackupStore } from './backup-store.ts';
import { backupsToKeep, type RetentionPolicy } from './retention.ts';

/**
 * The advisory lock ('hold', hashtext(client id)) a legal hold change and a client's pruning take
 * for their transaction: a hold set while retention runs either lands before the pruning reads
 * it (nothing is pruned) or after the pruning committed.
 */
const HOLD_LOCK = 0x686f6c64;
export const lockHolds = (tx: Pick<ControlDb, 'execute'>, tenantId: string) =>
  tx.execute(sql`SELECT pg_advisory_xact_lock(${HOLD_LOCK}, hashtext(${tenantId}))`);

const RETENTION_KEYS = ['backupKeepDailyDays', 'backupKeepMonthlyMonths', 'backupKeepYearlyYears'] as const;

export interface PruneDeps {
  control: ControlDb;
  store: BackupStore;
  now?: () => Date;
}

export interface PruneResult {
  /** Backups pruned: their records PRUNED, their files removed. */
  pruned: string[];
  /** Clients left alone because of an active legal hold. */
  held: string[];
}

const RETENTION: Actor = { userId: null, email: null, reason: 'backup retention' };

/** Each client's retention policy: the settings, firm's values overlaid by the client's own. */
async function policies(db: ControlDb, tenantIds: string[], firmOf: Map<string, string>) {
  const firmIds = [...new Set(firmOf.values())];
  const [firm, own] = await Promise.all([
    firmIds.length
      ? db
          .select()
          .from(control.firmSettings)
          .where(
            and(
              inArray(control.firmSettings.firmId, firmIds),
              inArray(control.firmSettings.key, [...RETENTION_KEYS]),
            ),
          )
      : [],
    db
      .select()
      .from(control.tenantSettingOverrides)
      .where(
        and(
          inArray(control.tenantSettingOverrides.tenantId, tenantIds),
          inArray(control.tenantSettingOverrides.key, [...RETENTION_KEYS]),
        ),
      ),
  ]);
  return (tenantId: string): RetentionPolicy => {
    const values: Record<string, unknown> = {};
    for (const r of firm) if (r.firmId === firmOf.get(tenantId)) values[r.key] = r.value;
    for (const r of own) if (r.tenantId === tenantId) values[r.key] = r.value;
    const pick = <K extends (typeof RETENTION_KEYS)[number]>(k: K) => {
      const parsed = settingsSchema.shape[k].safeParse(values[k]);
      return parsed.success ? parsed.data : settingsSchema.shape[k].parse(undefined);
    };
    return {
      dailyDays: pick('backupKeepDailyDays'),
      monthlyMonths: pick('backupKeepMonthlyMonths'),
      yearlyYears: pick('backupKeepYearlyYears'),
    };
  };
}

/**
 * Prune every client's complete backups that fall outside its retention (`backupsToKeep`: never
 * the newest, never the newest verified, nothing of a client under legal hold). Per client, one
 * transaction marks them PRUNED and records `backup.pruned` for each, under the client's hold lock
 * and after checking it holds no legal hold; their files are removed only after it committed, so a
 * record never says COMPLETE for files that are gone. A client that no longer exists keeps its
 * backups' policy in its firm's settings and is judged in UTC.
 */
export async function pruneBackups(deps: PruneDeps, actor: Actor = RETENTION): Promise<PruneResult> {
  const now = (deps.now ?? (() => new Date()))();
  const db = deps.control;
  const complete = await db
    .select()
    .from(control.clientBackups)
    .where(eq(control.clientBackups.status, 'COMPLETE'));
  const result: PruneResult = { pruned: [], held: [] };
  if (complete.length === 0) return result;
  const tenantIds = [...new Set(complete.map((b) => b.tenantId))];
  const tenants = await db
    .select({ id: control.tenants.id, timezone: control.tenants.timezone })
    .from(control.tenants)
    .where(inArray(control.tenants.id, tenantIds));
  const zoneOf = new Map(tenants.map((t) => [t.id, t.timezone]));
  const firmOf = new Map(complete.map((b) => [b.tenantId, b.firmId]));
  const policyOf = await policies(db, tenantIds, firmOf);

  for (const tenantId of tenantIds) {
    const backups = complete.filter((b) => b.tenantId === tenantId);
    const policy = policyOf(tenantId);
    const candidates = backups.map((b) => ({
      id: b.id,
      takenAt: b.startedAt,
      verified: b.verifiedAt !== null,
    }));
    const keep = backupsToKeep(candidates, policy, now, zoneOf.get(tenantId) ?? 'UTC', false);
    const doomed = backups.filter((b) => !keep.has(b.id));
    if (doomed.length === 0) continue;
    const pruned = await inTransaction(db, actor, async (tx) => {
      await lockHolds(tx, tenantId);
      const [hold] = await tx
        .select({ id: control.backupLegalHolds.id })
        .from(control.backupLegalHolds)
        .where(
          and(eq(control.backupLegalHolds.tenantId, tenantId), isNull(control.backupLegalHolds.releasedAt)),
        );
      if (hold) return null;
      const rows = await tx
        .update(control.clientBackups)
        .set({ status: 'PRUNED', prunedAt: now })
        .where(
          and(
            inArray(
              control.clientBackups.id,
              doomed.map((b) => b.id),
            ),
            eq(control.clientBackups.status, 'COMPLETE'),
          ),
        )
        .returning();
      for (const b of rows)
        await recordAuditEvent(tx, actor, {
          action: 'backup.pruned',
          entityType: 'ClientBackup',
          entityId: b.id,
          tenantId,
          after: { slug: b.tenantSlug, startedAt: b.startedAt.toISOString(), location: b.location, policy },
        });
      return rows;
    });
    if (pruned === null) {
      result.held.push(tenantId);
      continue;
    }
    for (const b of pruned) {
      await deps.store.remove(b.location);
      result.pruned.push(b.id);
    }
  }
  return result;
}

export interface HoldTarget {
  firmId: string;
  tenantId: string;
  slug: string;
}

/** A hold's reason: 10 to 2000 characters a person reads (`shownText`: invisible ones do not count). */
const checkedReason = (reason: string, field: string) => {
  const r = shownText(reason);
  const length = countShown(r);
  if (length < 10 || length > 2000)
    throw badInput(`${field}: say why, in 10 to 2000 characters`, { field, length });
  return r;
};

/** The client's active legal hold, or null. */
export async function activeLegalHold(db: Pick<ControlDb, 'select'>, tenantId: string) {
  const [hold] = await db
    .select()
    .from(control.backupLegalHolds)
    .where(and(eq(control.backupLegalHolds.tenantId, tenantId), isNull(control.backupLegalHolds.releasedAt)));
  return hold ?? null;
}

/** Put a client's backups under legal hold: retention prunes none of them until it is released. */
export async function setLegalHold(db: ControlDb, actor: Actor, target: HoldTarget, reason: string) {
  const why = checkedReason(reason, 'reason');
  return inTransaction(db, { ...actor, reason: why }, async (tx) => {
    await lockHolds(tx, target.tenantId);
    if (await activeLegalHold(tx, target.tenantId))
      throw new DomainError('LEGAL_HOLD_EXISTS', `${target.slug} is already under legal hold`, {
        tenant: target.slug,
      });
    const [hold] = await tx
      .insert(control.backupLegalHolds)
      .values({
        firmId: target.firmId,
        tenantId: target.tenantId,
        tenantSlug: target.slug,
        reason: why,
        setBy: actor.email ?? actor.userId ?? 'unknown',
      })
      .returning();
    await recordAuditEvent(tx, actor, {
      action: 'backup.hold_set',
      entityType: 'BackupLegalHold',
      entityId: hold!.id,
      tenantId: target.tenantId,
      after: { slug: target.slug, reason: why },
      reason: why,
    });
    return hold!;
  });
}

/** Release a client's legal hold; retention applies again from its next run. */
export async function releaseLegalHold(db: ControlDb, actor: Actor, target: HoldTarget, reason: string) {
  const why = checkedReason(reason, 'reason');
  return inTransaction(db, { ...actor, reason: why }, async (tx) => {
    await lockHolds(tx, target.tenantId);
    const current = await activeLegalHold(tx, target.tenantId);
    if (!current)
      throw new DomainError('NOT_FOUND', `${target.slug} is not under legal hold`, { tenant: target.slug });
    const [released] = await tx
      .update(control.backupLegalHolds)
      .set({
        releasedAt: new Date(),
        releasedBy: actor.email ?? actor.userId ?? 'unknown',
        releaseReason: why,
      })
      .where(eq(control.backupLegalHolds.id, current.id))
      .returning();
    await recordAuditEvent(tx, actor, {
      action: 'backup.hold_released',
      entityType: 'BackupLegalHold',
      entityId: current.id,
      tenantId: target.tenantId,
      before: { reason: current.reason, setBy: current.setBy },
      after: { slug: target.slug, reason: why },
      reason: why,
    });
    return released!;
  });
}
