import { type ControlDb, control } from '@cifra/db';
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { FirmAuditEvent } from '../mappers.ts';

/**
 * The ethical walls in the firm's trail (docs/architecture/tenancy.md, "Who decides access, and
 * the ethical wall"). The events about a walled client are left out by `firmScope`; a firm-wide
 * event (no client of its own) that names several clients is shown to the walled person without
 * the walled client's part. The trail is a hash chain, so nothing stored is rewritten: each
 * reading is redacted on its way out.
 */

/** The clients `personId` is walled off (their `NoAccess` assignments), as a subquery. */
export const wallsOf = (personId: string): SQL => {
  const a = control.tenantRoleAssignments;
  return sql`SELECT ${a.tenantId} FROM ${a} WHERE ${a.userId} = ${personId} AND ${a.role} = 'NoAccess'`;
};

/**
 * Events about an entity key bound to a walled client: its own events carry the client since
 * entity keys record it (`integrationEvent`); the older ones are found by the key's client.
 */
export const aboutWalledEntityKey = (personId: string): SQL => {
  const e = control.controlAuditEvents;
  const i = control.integrations;
  return sql`(${e.entityType} = 'Integration' AND ${e.entityId} IN (
    SELECT ${i.id}::text FROM ${i} WHERE ${i.boundTenantId} IN (${wallsOf(personId)})))`;
};

/** A batch's items on the walled clients: their slugs then (a deleted sandbox's too) and outcomes. */
interface WalledItems {
  slugs: Set<string>;
  statuses: string[];
}

interface Walled {
  ids: ReadonlySet<string>;
  batches: ReadonlyMap<string, WalledItems>;
}

type Payload = Record<string, unknown>;
type Redact = (event: FirmAuditEvent, walled: Walled) => Partial<Pick<FirmAuditEvent, 'before' | 'after'>>;

const asPayload = (v: unknown): Payload => (v && typeof v === 'object' ? (v as Payload) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A payload's `clientRoles` (`{ tenantId, role }` each) without the walled clients'. */
const withoutWalledRoles = (payload: unknown, w: Walled): Payload | null => {
  if (payload === null || payload === undefined) return null;
  const p = asPayload(payload);
  if (!Object.hasOwn(p, 'clientRoles')) return p;
  return { ...p, clientRoles: list(p.clientRoles).filter((r) => !w.ids.has(String(asPayload(r).tenantId))) };
};

/** The firm-wide events whose payload names clients, and what each leaves out for a walled reader. */
const REDACT: Record<string, Redact> = {
  // A member's roles on single clients as they were when they left, and the walls kept.
  'membership.removed': (e, w) => ({
    before: withoutWalledRoles(e.before, w),
    after: withoutWalledRoles(e.after, w),
  }),
  // The walls someone added back comes back with.
  'membership.added': (e, w) => ({ after: withoutWalledRoles(e.after, w) }),
  // The clients a deleted integration was granted.
  'integration.deleted': (e, w) => {
    const before = asPayload(e.before);
    return { before: { ...before, grants: list(before.grants).filter((id) => !w.ids.has(String(id))) } };
  },
  // The clients a batch was started on, by slug.
  'period_batch.started': (e, w) => {
    const after = asPayload(e.after);
    const walled = w.batches.get(e.entityId)?.slugs ?? new Set<string>();
    return { after: { ...after, clients: list(after.clients).filter((s) => !walled.has(String(s))) } };
  },
  // A batch's outcomes counted by status: the walled clients' are not counted.
  'period_batch.finished': (e, w) => {
    const counts = { ...asPayload(e.after) };
    for (const status of w.batches.get(e.entityId)?.statuses ?? []) {
      const left = Number(counts[status] ?? 0) - 1;
      if (left > 0) counts[status] = left;
      else delete counts[status];
    }
    return { after: counts };
  },
};

async function walledBatchItems(
  db: ControlDb,
  personId: string,
  batchIds: string[],
): Promise<Map<string, WalledItems>> {
  const found = new Map<string, WalledItems>();
  if (!batchIds.length) return found;
  const i = control.periodBatchItems;
  const t = control.tenants;
  const rows = await db
    .select({ batchId: i.batchId, status: i.status, slug: t.slug, deletedSlug: t.deletedSlug })
    .from(i)
    .innerJoin(t, eq(t.id, i.tenantId))
    .where(and(inArray(i.batchId, batchIds), sql`${i.tenantId} IN (${wallsOf(personId)})`));
  for (const r of rows) {
    const items = found.get(r.batchId) ?? { slugs: new Set<string>(), statuses: [] };
    items.slugs.add(r.slug);
    if (r.deletedSlug) items.slugs.add(r.deletedSlug);
    items.statuses.push(r.status);
    found.set(r.batchId, items);
  }
  return found;
}

/**
 * The events as `personId` may read them: a firm-wide event that names a client they are walled
 * off is shown without that client's part (REDACT). An integration reader (no person) has no walls.
 */
export async function redactWalled(
  db: ControlDb,
  personId: string | undefined,
  events: FirmAuditEvent[],
): Promise<FirmAuditEvent[]> {
  const redacts = (e: FirmAuditEvent) => e.tenantId === null && Object.hasOwn(REDACT, e.action);
  const named = events.filter(redacts);
  if (!personId || !named.length) return events;
  const walls = await db.execute(sql`SELECT w.tenant_id::text AS id FROM (${wallsOf(personId)}) w`);
  if (!walls.rows.length) return events;
  const batchIds = named.filter((e) => e.entityType === 'PeriodBatch').map((e) => e.entityId);
  const walled: Walled = {
    ids: new Set(walls.rows.map((r) => String(r.id))),
    batches: await walledBatchItems(db, personId, batchIds),
  };
  return events.map((e) => (redacts(e) ? { ...e, ...REDACT[e.action]?.(e, walled) } : e));
}
