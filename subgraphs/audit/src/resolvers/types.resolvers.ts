import { parseIntegrationLabel } from '@cifra/context';
import type { TenantDb } from '@cifra/db';
import { tenant } from '@cifra/db';
import { parseScopedId, scopedId } from '@cifra/domain';
import { eq } from 'drizzle-orm';
import type {
  AccountResolvers,
  AuditChainBreakResolvers,
  AuditEventResolvers,
  FirmAuditChainBreakResolvers,
  FirmAuditEventResolvers,
  InvestigationResultResolvers,
  JournalEntryResolvers,
  PostingPeriodResolvers,
  TenantResolvers,
} from '../__generated__/resolvers.ts';
import type { Context } from '../context.ts';
import { firmAuditEventById, firmReaderOf, listFirmAuditEvents } from '../services/firm-audit.service.ts';
import { listAuditEvents } from '../services/list-audit-events.service.ts';

/** An audit event's id as the client sees it, and back: unique across clients (see scopedId). */
const eventId = (ctx: Context, seq: bigint | string) => scopedId('AuditEvent', ctx.tenantId(), seq);
const eventSeq = (ctx: Context, id: string) => parseScopedId('AuditEvent', ctx.tenantId(), id);

async function eventById(db: TenantDb, id: bigint | null) {
  if (id === null) return null;
  const [event] = await db.select().from(tenant.auditEvents).where(eq(tenant.auditEvents.id, id));
  return event ?? null;
}

export const AuditEvent: AuditEventResolvers = {
  __resolveReference: async (ref, ctx) => eventById(await ctx.tenantDb(), eventSeq(ctx, ref.id)),
  id: (e, _a, ctx) => eventId(ctx, e.id),
  chainSeq: (e) => e.chainSeq.toString(),
  previousHash: (e) => e.prevHash,
  actorKind: (e) =>
    e.actorEmail === null ? null : parseIntegrationLabel(e.actorEmail) ? 'INTEGRATION' : 'PERSON',
  actorIntegration: (e) => parseIntegrationLabel(e.actorEmail),
};

export const AuditChainBreak: AuditChainBreakResolvers = {
  eventId: (b, _a, ctx) => eventId(ctx, b.eventId),
  event: async (b, _a, ctx) =>
    eventById(await ctx.tenantDb(), /^[0-9]{1,19}$/.test(b.eventId) ? BigInt(b.eventId) : null),
};

export const InvestigationResult: InvestigationResultResolvers = {
  auditEvent: async (r, _a, ctx) => eventById(await ctx.tenantDb(), r.auditEventId),
};

/** The audit trail of an entity another subgraph owns: events recorded with its type and id. */
const trailOf =
  (entityType: string) =>
  async (entity: { id: string }, args: { first?: number | null; after?: string | null }, ctx: Context) =>
    listAuditEvents(await ctx.tenantDb(), { ...args, filter: { entityType, entityId: entity.id } });

export const JournalEntry: JournalEntryResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  auditEvents: (e, args, ctx) => trailOf('JournalEntry')(e, args, ctx),
};

export const Account: AccountResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  auditEvents: (e, args, ctx) => trailOf('Account')(e, args, ctx),
};

export const PostingPeriod: PostingPeriodResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  auditEvents: (e, args, ctx) => trailOf('PostingPeriod')(e, args, ctx),
};

export const FirmAuditEvent: FirmAuditEventResolvers = {
  id: (e, _a, ctx) => scopedId('FirmAuditEvent', ctx.request.firm.id, e.id),
  chainSeq: (e) => e.chainSeq.toString(),
  previousHash: (e) => e.prevHash,
  // Resolved by the tenancy subgraph, which answers only for clients the caller may use.
  tenant: (e) => (e.tenantId ? { id: e.tenantId } : null),
};

export const FirmAuditChainBreak: FirmAuditChainBreakResolvers = {
  eventId: (b, _a, ctx) => scopedId('FirmAuditEvent', ctx.request.firm.id, b.eventId),
  event: (b, _a, ctx) => firmAuditEventById(ctx.control, firmReaderOf(ctx.request), b.eventId),
};

/** A client's firm-level trail, contributed to the tenancy subgraph's Tenant. */
export const Tenant: TenantResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  firmAuditEvents: (t, args, ctx) =>
    listFirmAuditEvents(ctx.control, firmReaderOf(ctx.request), { ...args, tenantId: t.id }),
};
