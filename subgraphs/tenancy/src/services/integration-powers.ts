import {
  type ControlDb,
  clientAccessByIds,
  control,
  type IntegrationRow,
  type TxOf,
  usableGrant,
} from '@cifra/db';
import { DomainError } from '@cifra/domain';
import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Manager } from './members.service.ts';

/**
 * Whoever makes an integration able to act — a new secret, resuming it, publishing documents for
 * it, letting it run any document — must hold, on every client it is granted, every permission
 * granted there (docs/partners.md, "Who may give an integration power"). Otherwise someone walled
 * off a client, or only reading it, would act there through the integration: the secret is theirs
 * once shown. A grant expired, or on a client that is no longer ACTIVE, gives nothing and is not
 * asked about; an archived client is still ACTIVE, and its grants still read it. Grants are read in `tx`, under the integration's lock; the caller's access in `db`.
 * (Not access.ts's `integrationGrantsQuery`: it counts an ACTIVE integration's grants only, and
 * resuming a suspended one is among what this guards.)
 */
export async function requireHoldsGrants(
  db: ControlDb,
  tx: TxOf<ControlDb>,
  m: Manager,
  integration: IntegrationRow,
): Promise<void> {
  const grants = await tx
    .select({
      tenantId: control.integrationGrants.tenantId,
      slug: control.tenants.slug,
      permissions: control.integrationGrants.permissions,
    })
    .from(control.integrationGrants)
    .innerJoin(control.tenants, eq(control.tenants.id, control.integrationGrants.tenantId))
    .where(
      and(
        eq(control.integrationGrants.integrationId, integration.id),
        eq(control.tenants.status, 'ACTIVE'),
        or(isNull(control.integrationGrants.expiresAt), gt(control.integrationGrants.expiresAt, sql`now()`)),
      ),
    );
  if (grants.length === 0) return;
  const held = await clientAccessByIds(
    db,
    { userId: m.userId },
    grants.map((g) => g.tenantId),
  );
  for (const g of grants) {
    const access = held.get(g.tenantId);
    // Walled off it (the only way an integration manager has no access to a client): its grant
    // there is not theirs to see, so the refusal does not name the client.
    if (!access) {
      throw new DomainError(
        'FORBIDDEN',
        'This integration is granted on a client you have no access to: someone who has must do this',
        {},
      );
    }
    const beyond = usableGrant(g.permissions).filter((p) => !access.permissions.includes(p));
    if (beyond.length > 0) {
      throw new DomainError(
        'FORBIDDEN',
        `This integration holds on ${g.slug} what you do not: ${beyond.join(', ')}`,
        { tenant: g.slug, permissions: beyond },
      );
    }
  }
}
