import type { Context } from './context.ts';
import type { Caller } from './services/batch-period-operation.service.ts';

/** The signed caller, as the firm-level services need it. */
export function caller(ctx: Context): Caller {
  return {
    userId: ctx.request.userId,
    email: ctx.request.email,
    firmId: ctx.request.firm.id,
    actor: ctx.actor,
    integration: ctx.request.integration ?? null,
  };
}
