import { type PageInfo, pageInfoOf } from '@cifra/context';
import { type ControlDb, control } from '@cifra/db';
import { badInput } from '@cifra/domain';
import { and, desc, eq, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { FirmAuditEvent } from '../mappers.ts';
import { type EntityVersion, entityHistory } from './history.service.ts';
import {
  type AuditEventFilter,
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  encodeCursor,
  filterConditions,
  MAX_PAGE_SIZE,
} from './list-audit-events.service.ts';

/**
 * The firm's own trail, in the control plane: provisioning, memberships and roles, settings, batch
 * operations. The control plane may hold several firms; a firm sees only its own events — those
 * the database attributed to it (`firm_id`, control migration 0007) and, for events written
 * before attribution existed, those about its clients, its own firm row, or by its (past or
 * present) members.
 */
export function firmScope(firmId: string): SQL {
  const e = control.controlAuditEvents;
  return sql`(${e.firmId} = ${firmId} OR (${e.firmId} IS NULL AND (
      ${e.tenantId} IN (SELECT id FROM tenants_history WHERE firm_id = ${firmId})
      OR (${e.entityType} = 'Firm' AND ${e.entityId} = ${firmId})
      OR ${e.actorId} IN (SELECT user_id FROM firm_memberships_history WHERE firm_id = ${firmId}))))`;
}

export interface FirmAuditEventFilter extends AuditEventFilter {
  /** A client's slug: only the events about that client. */
  tenant?: string | null;
}

export interface FirmAuditEventPage {
  edges: { cursor: string; node: FirmAuditEvent }[];
  pageInfo: PageInfo;
}

/** One page of the firm's trail, newest first, narrowed by `filter` (as `auditEvents` is for a client). */
export async function listFirmAuditEvents(
  db: ControlDb,
  firmId: string,
  args: {
    first?: number | null;
    after?: string | null;
    filter?: FirmAuditEventFilter | null;
    tenantId?: string;
  },
): Promise<FirmAuditEventPage> {
  const e = control.controlAuditEvents;
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}`, { field: 'first' });
  }
  const conditions = [firmScope(firmId), ...filterConditions(args.filter, e)];
  if (args.tenantId) conditions.push(eq(e.tenantId, args.tenantId));
  const slug = args.filter?.tenant?.trim();
  if (slug) {
    // The client that has the slug, and any deleted sandbox that had it: the trail of a slug.
    const named = await db
      .select({ id: control.tenants.id })
      .from(control.tenants)
      .where(
        and(
          or(eq(control.tenants.slug, slug), eq(control.tenants.deletedSlug, slug)),
          eq(control.tenants.firmId, firmId),
        ),
      );
    if (!named.length) return { edges: [], pageInfo: pageInfoOf([], false, args.after) };
    conditions.push(
      inArray(
        e.tenantId,
        named.map((t) => t.id),
      ),
    );
  }
  if (args.after != null) {
    const afterId = decodeCursor(args.after);
    if (afterId === null) throw badInput('after is not a cursor from this connection', { field: 'after' });
    conditions.push(lt(e.id, afterId));
  }
  const rows = await db
    .select()
    .from(e)
    .where(and(...conditions))
    .orderBy(desc(e.id))
    .limit(first + 1);
  const edges = rows.slice(0, first).map((node) => ({ cursor: encodeCursor(node.id), node }));
  return { edges, pageInfo: pageInfoOf(edges, rows.length > first, args.after) };
}

/** One event of the firm's trail by id, or null (also when it is another firm's). */
export async function firmAuditEventById(
  db: ControlDb,
  firmId: string,
  id: string,
): Promise<FirmAuditEvent | null> {
  if (!/^[0-9]{1,19}$/.test(id)) return null;
  const e = control.controlAuditEvents;
  const [row] = await db
    .select()
    .from(e)
    .where(and(eq(e.id, BigInt(id)), firmScope(firmId)));
  return row ?? null;
}

/**
 * Every version of one control-plane entity (Firm, Tenant, User, FirmMembership,
 * TenantRoleAssignment, FirmSetting, TenantSettingOverride), oldest first — when it belongs to the
 * caller's firm. Another firm's entity answers like an unknown id: no versions.
 */
export async function firmEntityHistory(
  db: ControlDb,
  firmId: string,
  entityType: string,
  entityId: string,
): Promise<EntityVersion[]> {
  const versions = await entityHistory(db, entityType, entityId, 'control');
  if (!versions.length) return versions;
  const tenants = new Set(
    (
      await db.execute(sql`SELECT DISTINCT id::text AS id FROM tenants_history WHERE firm_id = ${firmId}`)
    ).rows.map((r) => String(r.id)),
  );
  const members = new Set(
    (
      await db.execute(
        sql`SELECT DISTINCT user_id::text AS id FROM firm_memberships_history WHERE firm_id = ${firmId}`,
      )
    ).rows.map((r) => String(r.id)),
  );
  const ours = (v: EntityVersion) => {
    const d = v.data as { firm_id?: string; tenant_id?: string; id?: string };
    if (d.firm_id !== undefined) return d.firm_id === firmId;
    if (d.tenant_id !== undefined) return tenants.has(d.tenant_id);
    if (v.entityType === 'Firm') return d.id === firmId;
    if (v.entityType === 'User') return d.id !== undefined && members.has(d.id);
    return false;
  };
  return versions.every(ours) ? versions : [];
}
