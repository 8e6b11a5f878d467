import { tenant } from '@cifra/db';
import { eq } from 'drizzle-orm';
import type { AuditEventResolvers } from '../__generated__/resolvers.ts';

/** An `ID` as the bigint identity it stands for, or null when it cannot be one. */
function parseId(id: string): bigint | null {
  return /^[0-9]{1,19}$/.test(id) ? BigInt(id) : null;
}

export const AuditEvent: AuditEventResolvers = {
  __resolveReference: async (ref, ctx) => {
    const id = parseId(ref.id);
    if (id === null) return null;
    const db = await ctx.tenantDb();
    const [event] = await db.select().from(tenant.auditEvents).where(eq(tenant.auditEvents.id, id));
    return event ?? null;
  },
  // The identity column is a bigint; GraphQL's ID serializes strings.
  id: (e) => e.id.toString(),
};
