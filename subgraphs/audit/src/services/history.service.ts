import { createHash } from 'node:crypto';
import { type Page, pageRows } from '@cifra/context';
import type { ControlDb, TenantDb } from '@cifra/db';
import { badInput, isUuid } from '@cifra/domain';
import { type SQL, sql } from 'drizzle-orm';

export type HistoryOperation = 'INSERT' | 'UPDATE' | 'DELETE' | 'SNAPSHOT';

export interface EntityVersion {
  entityType: string;
  entityId: string;
  operation: HistoryOperation;
  validFrom: Date;
  validTo: Date | null;
  actorId: string | null;
  actorEmail: string | null;
  reason: string | null;
  requestId: string | null;
  databaseRole: string | null;
  data: Record<string, unknown>;
}

const HISTORY_COLUMNS = [
  'hist_id',
  'hist_entity_id',
  'valid_from',
  'valid_to',
  'hist_operation',
  'hist_actor_id',
  'hist_actor_email',
  'hist_reason',
  'hist_request_id',
  'hist_db_role',
];

/** A row as JSON with every number as a decimal string: int8 amounts must not pass through a float. */
const exactJson = (row: SQL) =>
  sql`(SELECT coalesce(jsonb_object_agg(key, CASE WHEN jsonb_typeof(value) = 'number'
         THEN to_jsonb(value #>> '{}') ELSE value END), '{}'::jsonb) FROM jsonb_each(${row}))`;

interface VersionRow {
  operation: HistoryOperation;
  valid_from: Date;
  valid_to: Date | null;
  actor_id: string | null;
  actor_email: string | null;
  reason: string | null;
  request_id: string | null;
  database_role: string | null;
  data: Record<string, unknown>;
}

const toVersion =
  (entityType: string, entityId: string) =>
  (r: VersionRow): EntityVersion => ({
    entityType,
    entityId,
    operation: r.operation,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    actorId: r.actor_id,
    actorEmail: r.actor_email,
    reason: r.reason,
    requestId: r.request_id,
    databaseRole: r.database_role,
    data: r.data,
  });

/**
 * Posted entries and their lines are append-only (the database refuses UPDATE and DELETE), so
 * each row is its only version, valid from the entry's database-stamped actual posting date; who
 * and why come from the posting's audit event. They are read in place, not mirrored.
 */
async function appendOnlyVersion(
  db: TenantDb,
  entityType: string,
  entityId: string,
): Promise<EntityVersion[]> {
  let source: SQL;
  if (entityType === 'JournalEntry') {
    if (!isUuid(entityId)) return [];
    source = sql`SELECT e.id AS entry_id, to_jsonb(e) AS row, e.actual_posting_date, e.posted_by
                   FROM journal_entries e WHERE e.id = ${entityId}::uuid`;
  } else {
    if (!/^[0-9]{1,18}$/.test(entityId)) return [];
    source = sql`SELECT e.id AS entry_id, to_jsonb(l) AS row, e.actual_posting_date, e.posted_by
                   FROM gl_lines l JOIN journal_entries e ON e.id = l.entry_id WHERE l.id = ${entityId}::bigint`;
  }
  const result = await db.execute(sql`
    SELECT 'INSERT' AS operation, s.actual_posting_date AS valid_from, NULL::timestamptz AS valid_to,
           coalesce(a.actor_id, s.posted_by) AS actor_id, a.actor_email, a.reason, a.request_id,
           NULL::text AS database_role, ${exactJson(sql`s.row`)} AS data
      FROM (${source}) s
      LEFT JOIN LATERAL (
        SELECT actor_id, actor_email, reason, request_id FROM audit_events
         WHERE entity_type = 'JournalEntry' AND entity_id = s.entry_id::text ORDER BY id LIMIT 1
      ) a ON true`);
  return (result.rows as unknown as VersionRow[]).map(toVersion(entityType, entityId));
}

/**
 * Every version of one entity, oldest first. The versioned tables are listed in the database
 * (`cifra_history_tables`, filled by `cifra_enable_history`), so a table another area versions
 * in its own migration answers here without a change to this service.
 */
export async function entityHistory(
  db: TenantDb | ControlDb,
  entityType: string,
  entityId: string,
  /** A client's books (default) also answer for their append-only entries and lines; the control plane does not. */
  where: 'books' | 'control' = 'books',
): Promise<EntityVersion[]> {
  const books = where === 'books';
  if (books && (entityType === 'JournalEntry' || entityType === 'GlLine'))
    return appendOnlyVersion(db as TenantDb, entityType, entityId);
  const registered = await db.execute(sql`
    SELECT history_table, entity_type FROM cifra_history_tables
     WHERE lower(entity_type) = lower(${entityType}) OR table_name = ${entityType}`);
  const table = registered.rows[0] as { history_table: string; entity_type: string } | undefined;
  if (!table) {
    const known = await db.execute(sql`SELECT entity_type FROM cifra_history_tables ORDER BY entity_type`);
    const types = [
      ...(books ? ['GlLine', 'JournalEntry'] : []),
      ...known.rows.map((r) => String(r.entity_type)),
    ].sort();
    throw badInput(`${entityType} is not a versioned entity type; try one of ${types.join(', ')}`, {
      field: 'entityType',
      entityTypes: types,
    });
  }
  const stripped = sql`to_jsonb(h) - ${sql.raw(`ARRAY[${HISTORY_COLUMNS.map((c) => `'${c}'`).join(', ')}]`)}`;
  const result = await db.execute(sql`
    SELECT h.hist_operation AS operation, h.valid_from, h.valid_to, h.hist_actor_id AS actor_id,
           h.hist_actor_email AS actor_email, h.hist_reason AS reason, h.hist_request_id AS request_id,
           h.hist_db_role AS database_role, ${exactJson(stripped)} AS data
      FROM ${sql.identifier(table.history_table)} h
     WHERE h.hist_entity_id = ${entityId}
     ORDER BY h.hist_id`);
  return (result.rows as unknown as VersionRow[]).map(toVersion(table.entity_type, entityId));
}

/** Pages of versions: 100 by default, at most 500. */
export const VERSION_PAGE = { default: 100, max: 500 } as const;

/**
 * One page of an entity's versions, oldest first (`historyConnection`, `firmHistoryConnection`):
 * the versions of one row are read whole and answered a page at a time. The key is the version's
 * place in that order (history only grows, and new versions join the end); the tag names the
 * entity, so a cursor of one entity's history is refused for another's.
 */
export function pageVersions(
  versions: readonly EntityVersion[],
  entity: string,
  args: { first?: number | null; after?: string | null },
): Page<EntityVersion> {
  const keyed = versions.map((v, i) => ({ v, key: [String(i).padStart(9, '0')] }));
  const byVersion = new Map(keyed.map((k) => [k.v, k.key]));
  return pageRows(
    keyed.map((k) => k.v),
    `history:${createHash('sha256').update(entity).digest('base64url').slice(0, 16)}`,
    (v) => byVersion.get(v) ?? [],
    args,
    { ...VERSION_PAGE, keyParts: 1 },
  );
}
