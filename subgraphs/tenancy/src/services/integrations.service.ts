import {
  type ControlDb,
  control,
  type IntegrationRow,
  inTransaction,
  newClientCredentials,
  recordAuditEvent,
  type TxOf,
  tenantAccess,
} from '@cifra/db';
import { badInput, DomainError, requireReason } from '@cifra/domain';
import { FIRM_SCOPED, isPermission, type Permission, Permissions, permissionsOf } from '@cifra/permissions';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { refuseWalled } from './client-roles.service.ts';
import { requireHoldsGrants } from './integration-powers.ts';
import { hiddenBehindWall, refuseAcrossWall } from './integration-walls.ts';
import type { Manager } from './members.service.ts';

/**
 * Partner integrations (docs/partners.md): a partner's system the firm registers, grants client by
 * client with an explicit set of permissions — never more than the granter holds on that client —
 * and gives client credentials. Every change runs in one control-plane transaction with its firm
 * audit event; grants and integrations are also versioned by their history triggers.
 */
export type { IntegrationRow };
export type GrantRow = typeof control.integrationGrants.$inferSelect;
export type SecretRow = typeof control.integrationSecrets.$inferSelect;

const firmScoped = new Set<Permission>(FIRM_SCOPED);

/** An expiry must lie ahead; none means never. */
export function futureExpiry(expiresAt: Date | null | undefined): Date | null {
  if (expiresAt && expiresAt.getTime() <= Date.now())
    throw badInput('expiresAt: must be in the future', { field: 'expiresAt' });
  return expiresAt ?? null;
}

const createInput = z.object({
  name: z.string().trim().min(1, 'name: give the integration a name').max(200),
  contact: z.string().trim().min(3, 'contact: who to reach at the partner').max(320),
  oidcClientId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,128}$/, 'oidcClientId: letters, digits and . _ - (at most 128)')
    .nullish(),
});

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw badInput(issue?.message ?? 'invalid input', { field: issue?.path.join('.') });
  }
  return r.data;
}

/**
 * An integration's event in the firm's trail. An entity key's is about its client (`tenantId`), so
 * that whoever is walled off the client does not read it (docs/architecture/tenancy.md).
 */
export const integrationEvent = (
  m: Manager,
  integration: IntegrationRow,
  action: string,
  extra: Record<string, unknown>,
) => ({
  action,
  entityType: 'Integration',
  entityId: integration.id,
  firmId: m.firmId,
  tenantId: integration.boundTenantId,
  ...extra,
});

/**
 * The firm's own integration, locked for the change; another firm's, a deleted one, or an entity
 * key of a client the manager is walled off is as absent as a missing one (nothing is written,
 * nothing names it).
 */
export async function lockIntegration(tx: TxOf<ControlDb>, m: Manager, id: string): Promise<IntegrationRow> {
  const [row] = await tx
    .select()
    .from(control.integrations)
    .where(and(eq(control.integrations.id, id), eq(control.integrations.firmId, m.firmId)))
    .for('update');
  if (!row || row.status === 'DELETED' || (await hiddenBehindWall(tx, m, row)))
    throw new DomainError('NOT_FOUND', 'No such integration', { id });
  return row;
}

export async function createIntegration(
  db: ControlDb,
  m: Manager,
  input: { name: string; contact: string; oidcClientId?: string | null },
): Promise<IntegrationRow> {
  const { name, contact, oidcClientId = null } = parse(createInput, input);
  return inTransaction(db, m.actor, async (tx) => {
    const [row] = await tx
      .insert(control.integrations)
      .values({ firmId: m.firmId, name, contact, oidcClientId })
      .returning();
    const made = row as IntegrationRow;
    await recordAuditEvent(
      tx,
      m.actor,
      integrationEvent(m, made, 'integration.created', { after: { name, contact, oidcClientId } }),
    );
    return made;
  });
}

/** Who reads the firm's integrations: their firm, and the clients they are walled off. */
export interface IntegrationReader {
  firmId: string;
  walls: ReadonlySet<string>;
}

/**
 * Whether the reader sees the integration: not a deleted one, nor an entity key bound to a client
 * they are walled off (a client's keys are listed only to those who may see it).
 */
const seenBy = (reader: IntegrationReader) => (row: IntegrationRow) =>
  row.status !== 'DELETED' && !(row.boundTenantId && reader.walls.has(row.boundTenantId));

export function listIntegrations(db: ControlDb, reader: IntegrationReader): Promise<IntegrationRow[]> {
  return db
    .select()
    .from(control.integrations)
    .where(eq(control.integrations.firmId, reader.firmId))
    .orderBy(asc(control.integrations.name))
    .then((rows) => rows.filter(seenBy(reader)));
}

/** One of the firm's integrations the reader sees, or null: another firm's, deleted or walled alike. */
export async function findIntegration(
  db: ControlDb,
  reader: IntegrationReader,
  id: string,
): Promise<IntegrationRow | null> {
  const [row] = await db
    .select()
    .from(control.integrations)
    .where(and(eq(control.integrations.id, id), eq(control.integrations.firmId, reader.firmId)));
  return row && seenBy(reader)(row) ? row : null;
}

/** Suspend (refused from the next request on) or resume an integration. */
export async function setIntegrationStatus(
  db: ControlDb,
  m: Manager,
  id: string,
  status: 'ACTIVE' | 'SUSPENDED',
  reason?: string | null,
): Promise<IntegrationRow> {
  const why = status === 'SUSPENDED' ? requireReason(reason) : (reason?.trim() ?? null);
  return inTransaction(db, { ...m.actor, reason: why }, async (tx) => {
    const before = await lockIntegration(tx, m, id);
    // Judged before the no-op: resuming an active integration is refused to whoever could not
    // resume a suspended one, as it would be a moment later.
    if (status === 'ACTIVE') await requireHoldsGrants(db, tx, m, before);
    if (before.status === status) return before;
    const [row] = await tx
      .update(control.integrations)
      .set({ status })
      .where(eq(control.integrations.id, id))
      .returning();
    const action = status === 'SUSPENDED' ? 'integration.suspended' : 'integration.resumed';
    await recordAuditEvent(
      tx,
      { ...m.actor, reason: why },
      integrationEvent(m, before, action, { before: { status: before.status }, after: { status } }),
    );
    return row as IntegrationRow;
  });
}

/**
 * Delete an integration: its grants go, its secrets are revoked, the row stays for the trail. Not by
 * someone walled off a client it is granted on: its grant there is not theirs to end.
 */
export async function deleteIntegration(
  db: ControlDb,
  m: Manager,
  id: string,
  reason: string,
): Promise<IntegrationRow> {
  const why = requireReason(reason);
  const actor = { ...m.actor, reason: why };
  return inTransaction(db, actor, async (tx) => {
    const before = await lockIntegration(tx, m, id);
    await refuseAcrossWall(tx, m, before, 'delete it');
    const grants = await tx
      .delete(control.integrationGrants)
      .where(eq(control.integrationGrants.integrationId, id))
      .returning();
    const firmGrant = await tx
      .delete(control.integrationFirmGrants)
      .where(eq(control.integrationFirmGrants.integrationId, id))
      .returning();
    await tx
      .update(control.integrationSecrets)
      .set({ revokedAt: new Date() })
      .where(
        and(eq(control.integrationSecrets.integrationId, id), isNull(control.integrationSecrets.revokedAt)),
      );
    const [row] = await tx
      .update(control.integrations)
      .set({ status: 'DELETED' })
      .where(eq(control.integrations.id, id))
      .returning();
    await recordAuditEvent(
      tx,
      actor,
      integrationEvent(m, before, 'integration.deleted', {
        before: {
          name: before.name,
          status: before.status,
          grants: grants.map((g) => g.tenantId),
          firmPermissions: firmGrant[0]?.permissions ?? [],
        },
      }),
    );
    return row as IntegrationRow;
  });
}

/**
 * The permissions asked for, checked: known constants, none firm-scoped, none the granter lacks on
 * that client (an integration never does more than the person who granted it could).
 */
function grantable(asked: readonly string[], granterHolds: readonly Permission[]): Permission[] {
  const unknown = asked.filter((p) => !isPermission(p));
  if (unknown.length)
    throw badInput(`permissions: not permission constants: ${unknown.join(', ')}`, {
      field: 'permissions',
      unknown,
    });
  const perms = [...new Set(asked as Permission[])].sort();
  if (perms.length === 0)
    throw badInput('permissions: grant at least one permission', { field: 'permissions' });
  const firmLevel = perms.filter((p) => firmScoped.has(p));
  if (firmLevel.length)
    throw badInput(
      `permissions: ${firmLevel.join(', ')} cannot be granted on a client (see grantIntegrationFirmAccess)`,
      {
        field: 'permissions',
        firmScoped: firmLevel,
      },
    );
  const beyond = perms.filter((p) => !granterHolds.includes(p));
  if (beyond.length)
    throw new DomainError(
      'FORBIDDEN',
      `You cannot grant what you do not hold on this client: ${beyond.join(', ')}`,
      {
        permissions: beyond,
      },
    );
  return perms;
}

export async function grantIntegrationAccess(
  db: ControlDb,
  m: Manager,
  input: { integrationId: string; tenant: string; permissions: readonly string[]; expiresAt?: Date | null },
): Promise<{ grant: GrantRow; integration: IntegrationRow }> {
  const access = await tenantAccess(db, m.userId, { slug: input.tenant });
  if (!access) throw new DomainError('FORBIDDEN', `You have no access to client ${input.tenant}`, {});
  const perms = grantable(input.permissions, permissionsOf([access.role]));
  const expiresAt = futureExpiry(input.expiresAt);
  return inTransaction(db, m.actor, async (tx) => {
    const integration = await lockIntegration(tx, m, input.integrationId);
    if (integration.boundTenantId && integration.boundTenantId !== access.tenant.id)
      throw badInput('tenant: an entity key acts on its own client only', { field: 'tenant' });
    if (integration.boundTenantId) refuseBeyondEntityKey(perms);
    const key = and(
      eq(control.integrationGrants.integrationId, integration.id),
      eq(control.integrationGrants.tenantId, access.tenant.id),
    );
    const [before] = await tx.select().from(control.integrationGrants).where(key);
    const values = { permissions: perms, grantedBy: m.userId, expiresAt };
    const [grant] = before
      ? await tx.update(control.integrationGrants).set(values).where(key).returning()
      : await tx
          .insert(control.integrationGrants)
          .values({ integrationId: integration.id, tenantId: access.tenant.id, ...values })
          .returning();
    await recordAuditEvent(
      tx,
      m.actor,
      integrationEvent(m, integration, 'integration.access_granted', {
        tenantId: access.tenant.id,
        before: before ? { permissions: before.permissions, expiresAt: before.expiresAt } : null,
        after: { tenant: access.tenant.slug, permissions: perms, expiresAt },
      }),
    );
    return { grant: grant as GrantRow, integration };
  });
}

export async function revokeIntegrationAccess(
  db: ControlDb,
  m: Manager,
  input: { integrationId: string; tenant: string; reason: string },
): Promise<IntegrationRow> {
  const why = requireReason(input.reason);
  const actor = { ...m.actor, reason: why };
  const [tenant] = await db
    .select()
    .from(control.tenants)
    .where(and(eq(control.tenants.slug, input.tenant), eq(control.tenants.firmId, m.firmId)));
  return inTransaction(db, actor, async (tx) => {
    const integration = await lockIntegration(tx, m, input.integrationId);
    if (tenant) await refuseWalled(tx, m, tenant.id, tenant.slug);
    const [gone] = tenant
      ? await tx
          .delete(control.integrationGrants)
          .where(
            and(
              eq(control.integrationGrants.integrationId, integration.id),
              eq(control.integrationGrants.tenantId, tenant.id),
            ),
          )
          .returning()
      : [];
    if (!gone || !tenant)
      throw new DomainError('NOT_FOUND', `The integration has no access to client ${input.tenant}`, {});
    await recordAuditEvent(
      tx,
      actor,
      integrationEvent(m, integration, 'integration.access_revoked', {
        tenantId: tenant.id,
        before: { tenant: tenant.slug, permissions: gone.permissions },
      }),
    );
    return integration;
  });
}

export function secretsOf(db: ControlDb, integrationId: string): Promise<SecretRow[]> {
  return db
    .select()
    .from(control.integrationSecrets)
    .where(eq(control.integrationSecrets.integrationId, integrationId))
    .orderBy(asc(control.integrationSecrets.createdAt));
}

/** A new client secret, shown once; the integration's other secrets stay valid (rotation with overlap). */
export async function createIntegrationSecret(
  db: ControlDb,
  m: Manager,
  input: { integrationId: string; expiresAt?: Date | null },
): Promise<{ secret: string; row: SecretRow }> {
  const expiresAt = futureExpiry(input.expiresAt);
  const made = await newClientCredentials();
  return inTransaction(db, m.actor, async (tx) => {
    const integration = await lockIntegration(tx, m, input.integrationId);
    await requireHoldsGrants(db, tx, m, integration);
    const [row] = await tx
      .insert(control.integrationSecrets)
      .values({
        integrationId: integration.id,
        prefix: made.clientId,
        hash: made.hash,
        createdBy: m.userId,
        expiresAt,
      })
      .returning();
    await recordAuditEvent(
      tx,
      m.actor,
      integrationEvent(m, integration, 'integration.secret_created', {
        after: { clientId: made.clientId, expiresAt },
      }),
    );
    return { secret: made.secret, row: row as SecretRow };
  });
}

export async function revokeIntegrationSecret(
  db: ControlDb,
  m: Manager,
  input: { integrationId: string; clientId: string; reason: string },
): Promise<SecretRow> {
  const why = requireReason(input.reason);
  const actor = { ...m.actor, reason: why };
  return inTransaction(db, actor, async (tx) => {
    const integration = await lockIntegration(tx, m, input.integrationId);
    const [row] = await tx
      .update(control.integrationSecrets)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(control.integrationSecrets.integrationId, integration.id),
          eq(control.integrationSecrets.prefix, input.clientId),
          isNull(control.integrationSecrets.revokedAt),
        ),
      )
      .returning();
    if (!row) throw new DomainError('NOT_FOUND', `No live secret ${input.clientId} for this integration`, {});
    await recordAuditEvent(
      tx,
      actor,
      integrationEvent(m, integration, 'integration.secret_revoked', {
        before: { clientId: input.clientId },
      }),
    );
    return row;
  });
}

/** The ready-made access of an entity key (seed 001: "use entity keys … when needed"). */
export const ENTITY_KEY_ACCESS = {
  /** Statements and reports: what a ClientReadOnly person may read. */
  READ_ONLY: permissionsOf(['ClientReadOnly']).filter((p) => !firmScoped.has(p)),
  /** A shop: sales invoices and customer receipts, created and issued; customers and items read. */
  INVOICING: [
    Permissions.GL.Read,
    Permissions.Invoice.Create,
    Permissions.Invoice.Approve,
    Permissions.Payment.Create,
    Permissions.Payment.Post,
  ],
} as const satisfies Record<string, readonly Permission[]>;

export type EntityKeyAccess = keyof typeof ENTITY_KEY_ACCESS;

/**
 * What a client business's own systems may ever hold: the ready-made grants together. Granted
 * again on its client (`grantIntegrationAccess`), an entity key may move between them or hold
 * less, never the firm's own work there (posting, closing, investigating).
 */
const ENTITY_KEY_PERMISSIONS: ReadonlySet<Permission> = new Set(Object.values(ENTITY_KEY_ACCESS).flat());

function refuseBeyondEntityKey(perms: readonly Permission[]): void {
  const beyond = perms.filter((p) => !ENTITY_KEY_PERMISSIONS.has(p));
  if (beyond.length)
    throw badInput(
      `permissions: an entity key holds only what its ready-made grants give (READ_ONLY, INVOICING), not ${beyond.join(', ')}`,
      { field: 'permissions', beyondEntityKey: beyond },
    );
}

/**
 * An entity key: an integration bound to one client, for that client business's own systems, with
 * one of the ready-made grants — never more than the creator holds on that client. Everything
 * else (secrets, trusted documents, suspension, usage) is an integration's.
 */
export async function createEntityKey(
  db: ControlDb,
  m: Manager,
  input: { tenant: string; name: string; contact: string; access: EntityKeyAccess },
): Promise<IntegrationRow> {
  const { name, contact } = parse(createInput, input);
  const access = await tenantAccess(db, m.userId, { slug: input.tenant });
  if (!access) throw new DomainError('FORBIDDEN', `You have no access to client ${input.tenant}`, {});
  const perms = grantable(ENTITY_KEY_ACCESS[input.access], permissionsOf([access.role]));
  return inTransaction(db, m.actor, async (tx) => {
    const [row] = await tx
      .insert(control.integrations)
      .values({ firmId: m.firmId, name, contact, boundTenantId: access.tenant.id })
      .returning();
    const made = row as IntegrationRow;
    await tx.insert(control.integrationGrants).values({
      integrationId: made.id,
      tenantId: access.tenant.id,
      permissions: perms,
      grantedBy: m.userId,
    });
    await recordAuditEvent(
      tx,
      m.actor,
      integrationEvent(m, made, 'integration.entity_key_created', {
        tenantId: access.tenant.id,
        after: { name, contact, tenant: access.tenant.slug, access: input.access, permissions: perms },
      }),
    );
    return made;
  });
}

/** A client's entity keys, for the firm: for who may see that client (the wall keeps its keys out of sight). */
export async function listEntityKeys(
  db: ControlDb,
  m: Pick<Manager, 'userId' | 'firmId'>,
  tenant: string,
): Promise<IntegrationRow[]> {
  if (!(await tenantAccess(db, m.userId, { slug: tenant })))
    throw new DomainError('FORBIDDEN', `You have no access to client ${tenant}`, {});
  const firmId = m.firmId;
  const rows = await db
    .select({ integration: control.integrations })
    .from(control.integrations)
    .innerJoin(control.tenants, eq(control.tenants.id, control.integrations.boundTenantId))
    .where(and(eq(control.integrations.firmId, firmId), eq(control.tenants.slug, tenant)))
    .orderBy(asc(control.integrations.name));
  return rows.map((r) => r.integration).filter((i) => i.status !== 'DELETED');
}
