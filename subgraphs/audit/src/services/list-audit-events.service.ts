import { type PageInfo, pageInfoOf } from '@cifra/context';
import type { TenantDb } from '@cifra/db';
import { type control, tenant } from '@cifra/db';
import { badInput, isUuid } from '@cifra/domain';
import { and, desc, eq, gte, like, lt, type SQL, sql } from 'drizzle-orm';
import type { AuditEvent } from '../mappers.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** The largest value of the `bigint` (int8) identity column. */
const MAX_ID = 2n ** 63n - 1n;

export interface AuditEventPage {
  edges: { cursor: string; node: AuditEvent }[];
  pageInfo: PageInfo;
}

export interface AuditEventFilter {
  actor?: string | null;
  action?: string | null;
  entityType?: string | null;
  entityId?: string | null;
  from?: Date | string | null;
  to?: Date | string | null;
}

/** An event's cursor: its id, base64url-encoded. Opaque to clients. */
export function encodeCursor(id: bigint): string {
  return Buffer.from(id.toString(), 'utf8').toString('base64url');
}

/** The id a cursor stands for, or null when the text is not a cursor this connection issued. */
export function decodeCursor(cursor: string): bigint | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  // Node's decoder skips characters it does not know: only a cursor that round-trips is ours.
  if (!/^(0|[1-9][0-9]*)$/.test(text) || Buffer.from(text, 'utf8').toString('base64url') !== cursor)
    return null;
  const id = BigInt(text);
  return id <= MAX_ID ? id : null;
}

function instant(value: Date | string, field: string): Date {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) throw badInput(`${field} is not an instant`, { field });
  return d;
}

/** `LIKE` treats % and _ as wildcards: a prefix is matched literally. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A client's trail or the firm's (control plane): the same columns, the same filters. */
export type AuditEventsTable = typeof tenant.auditEvents | typeof control.controlAuditEvents;

/** The WHERE conditions of a filter; every given criterion must match. */
export function filterConditions(
  filter: AuditEventFilter | null | undefined,
  t: AuditEventsTable = tenant.auditEvents,
): SQL[] {
  const conditions: SQL[] = [];
  if (!filter) return conditions;
  const actor = filter.actor?.trim();
  if (actor) {
    conditions.push(
      isUuid(actor) ? eq(t.actorId, actor) : sql`lower(${t.actorEmail}) = ${actor.toLowerCase()}`,
    );
  }
  const action = filter.action?.trim();
  if (action) {
    conditions.push(action.endsWith('.') ? like(t.action, `${escapeLike(action)}%`) : eq(t.action, action));
  }
  if (filter.entityType) conditions.push(eq(t.entityType, filter.entityType));
  if (filter.entityId) conditions.push(eq(t.entityId, filter.entityId));
  const from = filter.from == null ? null : instant(filter.from, 'filter.from');
  const to = filter.to == null ? null : instant(filter.to, 'filter.to');
  if (from && to && from >= to)
    throw badInput('filter.from must be before filter.to', { field: 'filter.from' });
  if (from) conditions.push(gte(t.occurredAt, from));
  if (to) conditions.push(lt(t.occurredAt, to));
  return conditions;
}

/**
 * One page of the client's audit trail, newest first (by id), narrowed by `filter`. Fetches one
 * row more than asked to tell whether another page follows.
 */
export async function listAuditEvents(
  db: TenantDb,
  args: { first?: number | null; after?: string | null; filter?: AuditEventFilter | null },
): Promise<AuditEventPage> {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}`, { field: 'first' });
  }
  const conditions = filterConditions(args.filter);
  if (args.after != null) {
    const afterId = decodeCursor(args.after);
    if (afterId === null) throw badInput('after is not a cursor from this connection', { field: 'after' });
    conditions.push(lt(tenant.auditEvents.id, afterId));
  }
  const rows = await db
    .select()
    .from(tenant.auditEvents)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(tenant.auditEvents.id))
    .limit(first + 1);
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return {
    edges,
    pageInfo: pageInfoOf(edges, rows.length > first, args.after),
  };
}
