import { control, type RoleName } from '@cifra/db';
import { eq } from 'drizzle-orm';
import type { Context } from './context.ts';

const perRequest = new WeakMap<Context, Promise<Map<string, RoleName>>>();

/**
 * The caller's own client-level role assignments (client id → role), read once per request
 * however many clients the answer lists. An integration has grants, not assignments: none.
 */
export function ownAssignments(ctx: Context): Promise<Map<string, RoleName>> {
  let found = perRequest.get(ctx);
  if (!found) {
    found = ctx.request.integration
      ? Promise.resolve(new Map())
      : ctx.control
          .select({
            tenantId: control.tenantRoleAssignments.tenantId,
            role: control.tenantRoleAssignments.role,
          })
          .from(control.tenantRoleAssignments)
          .where(eq(control.tenantRoleAssignments.userId, ctx.request.userId))
          .then((rows) => new Map(rows.map((r) => [r.tenantId, r.role as RoleName])));
    perRequest.set(ctx, found);
  }
  return found;
}
