import type { ControlDb } from '@cifra/db';
import { settingsSchema } from '@cifra/domain';
import { type SQL, sql } from 'drizzle-orm';

/** Whether a client has a verified backup recent enough (`backupVerifiedMaxAgeDays`). */
export interface BackupFreshness {
  /** When its newest complete backup whose restore was verified was taken; null for none. */
  lastVerifiedAt: Date | null;
  /** Whole days since then, at `now`; null for none. */
  daysSince: number | null;
  /** The client's threshold: the setting, the firm's value unless the client overrides it. */
  maxAgeDays: number;
  /** No verified backup within the threshold. */
  overdue: boolean;
}

const KEY = 'backupVerifiedMaxAgeDays' satisfies keyof typeof settingsSchema.shape;
const DAY_MS = 86_400_000;

/**
 * A client's newest verified backup and its threshold as two columns, `last_verified` and
 * `max_age`, of a query over clients (`t`: its id and firm id). A backup counts as verified when a
 * restore or a restore drill of it verified, unless its newest drill failed (its files no longer
 * restore). docs/architecture/backups.md.
 */
export const backupColumns = (t: { id: SQL; firmId: SQL }) => sql`
  (SELECT max(b.started_at) FROM client_backups b
    WHERE b.tenant_id = ${t.id} AND b.status = 'COMPLETE' AND b.verified_at IS NOT NULL
      AND b.drill_outcome IS DISTINCT FROM 'FAILED') AS last_verified,
  coalesce(
    (SELECT o.value FROM tenant_setting_overrides o WHERE o.tenant_id = ${t.id} AND o.key = ${KEY}),
    (SELECT f.value FROM firm_settings f WHERE f.firm_id = ${t.firmId} AND f.key = ${KEY})) AS max_age`;

/** What `backupColumns` read, at `now`. */
export function freshnessOfBackup(
  r: { last_verified: string | Date | null; max_age: unknown },
  now: Date,
): BackupFreshness {
  const parsed = settingsSchema.shape[KEY].safeParse(r.max_age ?? undefined);
  const maxAgeDays = parsed.success ? parsed.data : settingsSchema.shape[KEY].parse(undefined);
  const lastVerifiedAt = r.last_verified === null ? null : new Date(r.last_verified);
  const daysSince =
    lastVerifiedAt === null ? null : Math.floor((now.getTime() - lastVerifiedAt.getTime()) / DAY_MS);
  return { lastVerifiedAt, daysSince, maxAgeDays, overdue: daysSince === null || daysSince > maxAgeDays };
}

/**
 * Each client's newest verified backup and threshold, from the control plane's `client_backups` and
 * settings, in one query for all the clients (never one per client).
 */
export async function backupFreshness(
  db: ControlDb,
  tenantIds: readonly string[],
  now: Date = new Date(),
): Promise<Map<string, BackupFreshness>> {
  if (tenantIds.length === 0) return new Map();
  const rows = await db.execute<{ id: string; last_verified: string | Date | null; max_age: unknown }>(sql`
    SELECT t.id, ${backupColumns({ id: sql`t.id`, firmId: sql`t.firm_id` })}
    FROM tenants t WHERE t.id = ANY(${sql.param([...tenantIds])}::uuid[])`);
  return new Map(rows.rows.map((r) => [r.id, freshnessOfBackup(r, now)]));
}
