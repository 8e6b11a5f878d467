import { randomUUID } from 'node:crypto';
import { integrationLabel, type RequestContext } from '@cifra/context';
import {
  type ControlDb,
  clientAccess,
  findMemberByEmail,
  integrationFirmPermissions,
  isDeactivatedMember,
  liveIntegration,
  type RoleName,
  tenantAccess,
} from '@cifra/db';
import { FIRM_SCOPED, type Permission, permissionsOf } from '@cifra/permissions';
import { GraphQLError } from 'graphql';
import type { IntegrationToken } from './oauth.ts';

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** A person deactivated by a FirmAdmin: a 401 with its own code, so a console can say why. */
export function deactivated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'MEMBER_DEACTIVATED', http: { status: 401 } } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
}

const firmScoped = new Set<Permission>(FIRM_SCOPED);

/**
 * The refusal names the client the caller asked for when X-Tenant holds a slug; anything else sent
 * there (a list, a long or odd string) is not echoed back.
 */
const noAccessTo = (tenantSlug: string) =>
  /^[a-z0-9][a-z0-9-]{0,62}$/.test(tenantSlug)
    ? `You have no access to client ${tenantSlug}`
    : 'You have no access to the client named in X-Tenant';

/**
 * Work out what the caller may do: firm-scoped permissions (provisioning, the firm dashboard) come
 * only from the firm-wide role; permissions on a client come from the caller's role on that client.
 * A client the caller is not a member of — or that does not exist — is refused the same way, so
 * the answer does not reveal which slugs exist.
 */
export async function resolveAccess(
  control: ControlDb,
  email: string,
  tenantSlug: string | undefined,
  client: RequestContext['client'],
): Promise<Omit<RequestContext, 'requestId'> & { requestId: string; tenantRole?: RoleName }> {
  const member = await findMemberByEmail(control, email);
  if (!member) {
    if (await isDeactivatedMember(control, email)) {
      throw deactivated(`${email} was deactivated by the firm: ask a FirmAdmin to reactivate them`);
    }
    throw unauthenticated(`No active user ${email} in this firm`);
  }
  const firmPermissions = member.firmRole
    ? permissionsOf([member.firmRole]).filter((p) => firmScoped.has(p))
    : [];
  let tenant: RequestContext['tenant'] = null;
  let permissions = firmPermissions;
  let tenantRole: RoleName | undefined;
  if (tenantSlug) {
    const access = await tenantAccess(control, member.userId, { slug: tenantSlug });
    if (!access) throw forbidden(noAccessTo(tenantSlug));
    tenant = { id: access.tenant.id, slug: access.tenant.slug };
    tenantRole = access.role;
    const onTenant = permissionsOf([access.role]).filter((p) => !firmScoped.has(p));
    permissions = [...new Set([...onTenant, ...firmPermissions])].sort();
  }
  return {
    requestId: randomUUID(),
    userId: member.userId,
    email: member.email,
    tenant,
    permissions,
    firm: { id: member.firmId, role: member.firmRole, permissions: firmPermissions },
    client,
    tenantRole,
  };
}

/**
 * What a partner integration may do (docs/partners.md): it must be ACTIVE and the secret its token
 * came from neither revoked nor expired — checked on every request, so a suspension or revocation
 * applies to the very next one. On a client, its permissions are that client's grant (unexpired);
 * firm-wide, only what its firm grant holds (Firm.Dashboard, Audit.ReadFirm), none without one;
 * both narrowed by the token's scope.
 */
export async function resolveIntegrationAccess(
  control: ControlDb,
  token: IntegrationToken,
  tenantSlug: string | undefined,
  client: RequestContext['client'],
): Promise<Omit<RequestContext, 'requestId'> & { requestId: string }> {
  const via = token.via ?? 'secret';
  const integration = await liveIntegration(control, token.integrationId, token.clientId, via);
  if (!integration) throw unauthenticated('This integration may not call the API now');
  const caller = { userId: integration.id, integration: { scope: token.scope } };
  const firmPermissions = await integrationFirmPermissions(control, integration.id, token.scope);
  let tenant: RequestContext['tenant'] = null;
  let permissions = firmPermissions;
  if (tenantSlug) {
    const granted = await clientAccess(control, caller, { slug: tenantSlug });
    if (!granted) throw forbidden(noAccessTo(tenantSlug));
    tenant = { id: granted.tenant.id, slug: granted.tenant.slug };
    permissions = [...new Set([...granted.permissions, ...firmPermissions])].sort();
  }
  return {
    requestId: randomUUID(),
    userId: integration.id,
    email: integrationLabel(token.clientId, integration.name),
    tenant,
    permissions,
    firm: { id: integration.firmId, role: null, permissions: firmPermissions },
    client,
    integration: {
      id: integration.id,
      name: integration.name,
      clientId: token.clientId,
      via,
      scope: token.scope,
    },
  };
}
