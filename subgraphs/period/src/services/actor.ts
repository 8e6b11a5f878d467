import type { Actor } from '@cifra/db';
import { DomainError } from '@cifra/domain';
import type { Permission } from '@cifra/permissions';

/**
 * Who performs a period operation and what they may do on this client. The services check the
 * permission themselves (not only the GraphQL shield), because the firm's batch jobs call them
 * outside any GraphQL request.
 */
export interface PeriodActor extends Actor {
  permissions: ReadonlySet<Permission> | readonly Permission[];
}

export function requirePermission(actor: PeriodActor, permission: Permission): void {
  const has =
    actor.permissions instanceof Set
      ? actor.permissions.has(permission)
      : (actor.permissions as readonly Permission[]).includes(permission);
  if (!has) throw new DomainError('FORBIDDEN', `Missing permission ${permission}`, { permission });
}

/** An identified person: four-eyes rules compare people, so an anonymous actor is refused. */
export function requireUser(actor: PeriodActor): string {
  if (!actor.userId) throw new DomainError('FORBIDDEN', 'This operation needs an identified user');
  return actor.userId;
}
