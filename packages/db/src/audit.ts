import { sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { Actor } from './tx.ts';

export interface AuditEventInput {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  /** Control plane only: the client the firm-level action concerns. */
  tenantId?: string | null;
  /**
   * Control plane only: the firm whose trail this is. When absent the database takes the client's
   * firm, else the actor's (control migration 0007).
   */
  firmId?: string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: works on the control-plane and tenant schemas alike.
type Executor = Pick<NodePgDatabase<any>, 'execute'>;

/** An event's `before` or `after` as the audit trail stores it (bigints as strings). */
export const auditJson = (value: unknown) =>
  value === undefined || value === null
    ? null
    : JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));

/**
 * The one way anything writes an audit event. Call it with the transaction that makes the change,
 * so the event commits or rolls back with it.
 */
export async function recordAuditEvent(
  tx: Executor,
  actor: Actor,
  event: AuditEventInput,
): Promise<{ id: bigint }> {
  const tenantColumn = event.tenantId === undefined ? sql`` : sql`, tenant_id`;
  const tenantValue = event.tenantId === undefined ? sql`` : sql`, ${event.tenantId}`;
  const firmColumn = event.firmId == null ? sql`` : sql`, firm_id`;
  const firmValue = event.firmId == null ? sql`` : sql`, ${event.firmId}`;
  const result = await tx.execute(sql`INSERT INTO audit_events
      (actor_id, actor_email, action, entity_type, entity_id, before, after, reason, request_id, client_name, client_version${tenantColumn}${firmColumn})
    VALUES (${actor.userId}, ${actor.email}, ${event.action}, ${event.entityType}, ${event.entityId},
      ${auditJson(event.before)}::jsonb, ${auditJson(event.after)}::jsonb, ${event.reason ?? actor.reason ?? null},
      ${actor.requestId ?? null}, ${actor.clientName ?? null}, ${actor.clientVersion ?? null}${tenantValue}${firmValue})
    RETURNING id`);
  // The database chains the event (hash, previous hash, position) and stamps its time itself.
  return { id: BigInt(String((result.rows[0] as { id: unknown }).id)) };
}

/**
 * Several events of one transaction in one statement (bulk posting): the same columns and the
 * same guarantees as `recordAuditEvent`, for the tenant audit trail. The database chains them in
 * one pass (`cifra_append_audit_events`, tenant migration 0059), where the row trigger would chain
 * them one by one.
 */
export async function recordAuditEvents(
  tx: Executor,
  actor: Actor,
  events: readonly Omit<AuditEventInput, 'tenantId' | 'firmId'>[],
): Promise<void> {
  if (events.length === 0) return;
  // One array parameter per column: a bulk posting's thousand events cost one short statement to
  // parse, not eleven thousand parameters.
  const column = (f: (e: (typeof events)[number]) => unknown) => sql.param(events.map(f));
  // The author's fields, the same for every event, sent once.
  const each = (value: string | null | undefined) =>
    sql`array_fill(${value ?? null}::text, ARRAY[${events.length}::int])`;
  await tx.execute(sql`SELECT cifra_append_audit_events(${each(actor.userId)}, ${each(actor.email)},
      ${column((e) => e.action)}::text[], ${column((e) => e.entityType)}::text[], ${column((e) => e.entityId)}::text[],
      ${column((e) => auditJson(e.before))}::jsonb[], ${column((e) => auditJson(e.after))}::jsonb[],
      ${column((e) => e.reason ?? actor.reason ?? null)}::text[], ${each(actor.requestId)},
      ${each(actor.clientName)}, ${each(actor.clientVersion)})`);
}
