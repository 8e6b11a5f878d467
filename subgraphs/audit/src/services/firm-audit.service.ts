import { type PageInfo, pageInfoOf } from '@cifra/context';
import { type ControlDb, control } from '@cifra/db';
import { badInput } from '@cifra/domain';
import { and, desc, eq, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { FirmAuditEvent } from '../mappers.ts';
import { aboutWalledEntityKey, redactWalled, wallsOf } from './firm-event-walls.ts';
import { type EntityVersion, entityHistory } from './history.service.ts';
import {
  type AuditEventFilter,
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  encodeCursor,
  filterConditions,
  MAX_PAGE_SIZE,
} from './list-audit-events.service.ts';

/** Who reads the firm's trail: their firm, and the person (not an integration), whose walls apply. */
export interface FirmReader {
  firmId: string;
  /** The person reading; absent for an integration, which has grants rather than walls. */
  personId?: string | undefined;
}

/** The firm-level reader of a request's signed context. */
export const firmReaderOf = (r: {
  firm: { id: string };
  userId: string;
  integration?: unknown;
}): FirmReader => ({ firmId: r.firm.id, personId: r.integration ? undefined : r.userId });

/**
 * The firm's own trail, in the control plane: provisioning, memberships and roles, settings, batch
 * operations. The control plane may hold several firms; a firm sees only its own events — those
 * the database attributed to it (`firm_id`, control migration 0007) and, for events written
 * before attribution existed, those about its clients, its own firm row, or by its (past or
 * present) members. A person walled off a client (`NoAccess`) does not read the events about it:
 * its settings, backups, roles, entity keys and reasons are behind the wall as its books are.
 */
export function firmScope(reader: FirmReader): SQL {
  const e = control.controlAuditEvents;
  const { firmId, personId } = reader;
  const firm = sql`(${e.firmId} = ${firmId} OR (${e.firmId} IS NULL AND (
      ${e.tenantId} IN (SELECT id FROM tenants_history WHERE firm_id = ${firmId})
      OR (${e.entityType} = 'Firm' AND ${e.entityId} = ${firmId})
      OR ${e.actorId} IN (SELECT user_id FROM firm_memberships_history WHERE firm_id = ${firmId}))))`;
  if (!personId) return firm;
  return sql`${firm} AND (${e.tenantId} IS NULL OR ${e.tenantId} NOT IN (${wallsOf(personId)}))
    AND NOT ${aboutWalledEntityKey(personId)}`;
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
  reader: FirmReader,
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
  const { firmId } = reader;
  const conditions = [firmScope(reader), ...filterConditions(args.filter, e)];
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
  const shown = await redactWalled(db, reader.personId, rows.slice(0, first));
  const edges = shown.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return { edges, pageInfo: pageInfoOf(edges, rows.length > first, args.after) };
}

/** One event of the firm's trail by id, or null (also when it is another firm's). */
export async function firmAuditEventById(
  db: ControlDb,
  reader: FirmReader,
  id: string,
): Promise<FirmAuditEvent | null> {
  if (!/^[0-9]{1,19}$/.test(id)) return null;
  const e = control.controlAuditEvents;
  const [row] = await db
    .select()
    .from(e)
    .where(and(eq(e.id, BigInt(id)), firmScope(reader)));
  return row ? ((await redactWalled(db, reader.personId, [row]))[0] ?? null) : null;
}

/**
 * Every version of one control-plane entity (Firm, Tenant, User, FirmMembership,
 * TenantRoleAssignment, FirmSetting, TenantSettingOverride, Integration, …), oldest first — when it
 * belongs to the caller's firm and not to a client the caller is walled off (an entity key is its
 * client's). Another firm's entity, or a walled client's, answers like an unknown id: no versions.
 */
export async function firmEntityHistory(
  db: ControlDb,
  reader: FirmReader,
  entityType: string,
  entityId: string,
): Promise<EntityVersion[]> {
  const { firmId, personId } = reader;
  const versions = await entityHistory(db, entityType, entityId, 'control');
  if (!versions.length) return versions;
  const ids = async (query: SQL) => new Set((await db.execute(query)).rows.map((r) => String(r.id)));
  const tenants = await ids(
    sql`SELECT DISTINCT id::text AS id FROM tenants_history WHERE firm_id = ${firmId}`,
  );
  const members = await ids(
    sql`SELECT DISTINCT user_id::text AS id FROM firm_memberships_history WHERE firm_id = ${firmId}`,
  );
  const walled = personId
    ? await ids(sql`SELECT w.tenant_id::text AS id FROM (${wallsOf(personId)}) w`)
    : new Set<string>();
  const ours = (v: EntityVersion) => {
    const d = v.data as {
      firm_id?: string;
      tenant_id?: string;
      id?: string;
      bound_tenant_id?: string | null;
    };
    if (d.tenant_id !== undefined) return tenants.has(d.tenant_id) && !walled.has(d.tenant_id);
    // An entity key is its client's: behind that client's wall.
    if (d.bound_tenant_id) return d.firm_id === firmId && !walled.has(d.bound_tenant_id);
    if (v.entityType === 'Tenant') return d.firm_id === firmId && !walled.has(d.id ?? '');
    if (d.firm_id !== undefined) return d.firm_id === firmId;
    if (v.entityType === 'Firm') return d.id === firmId;
    if (v.entityType === 'User') return d.id !== undefined && members.has(d.id);
    return false;
  };
  return versions.every(ours) ? versions : [];
}
