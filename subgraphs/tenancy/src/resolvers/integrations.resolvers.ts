import { badInput, DomainError, parseId } from '@cifra/domain';
import { isPermission } from '@cifra/permissions';
import type {
  IntegrationFirmGrantResolvers,
  IntegrationGrantResolvers,
  IntegrationResolvers,
  IntegrationSecretResolvers,
  IntegrationUsageResolvers,
  MutationResolvers,
  NewIntegrationSecretResolvers,
  QueryResolvers,
  TrustedDocumentVersionResolvers,
} from '../__generated__/resolvers.ts';
import { type Context, managerOf as manager, tenantById } from '../context.ts';
import { walledClients } from '../own-assignments.ts';
import {
  firmGrantOf,
  grantIntegrationFirmAccess,
  revokeIntegrationFirmAccess,
} from '../services/integration-firm-access.service.ts';
import { grantsSeenBy, usageSeenBy } from '../services/integration-walls.ts';
import {
  createEntityKey,
  createIntegration,
  createIntegrationSecret,
  deleteIntegration,
  findIntegration,
  grantIntegrationAccess,
  type IntegrationReader,
  listEntityKeys,
  listIntegrations,
  revokeIntegrationAccess,
  revokeIntegrationSecret,
  secretsOf,
  setIntegrationStatus,
} from '../services/integrations.service.ts';
import {
  pageEntityKeys,
  pageIntegrations,
  pageSecrets,
  pageTrustedDocumentVersions,
} from '../services/lists-page.service.ts';
import {
  allowArbitraryDocuments,
  publishTrustedDocuments,
  retireTrustedDocuments,
  trustedDocumentVersions,
} from '../services/trusted-documents.service.ts';

const id = (value: string, field = 'id') => parseId(value, field);
/** The arguments with their integration id checked (BAD_USER_INPUT names `integrationId`). */
const withIntegration = <A extends { integrationId: string }>(a: A): A => ({
  ...a,
  integrationId: id(a.integrationId, 'integrationId'),
});
/** The DateTime scalar parses input to a Date. */
const instant = (value: Date | string | null | undefined) => (value == null ? null : new Date(value));

const DAY_MS = 86_400_000;

/** The caller as a reader of the firm's integrations: an entity key of a client they are walled off is not theirs. */
const reader = async (ctx: Context): Promise<IntegrationReader> => ({
  firmId: ctx.request.firm.id,
  walls: await walledClients(ctx),
});

export const integrationQueries: Pick<
  QueryResolvers,
  | 'integrations'
  | 'integrationsConnection'
  | 'integration'
  | 'integrationUsage'
  | 'entityKeys'
  | 'entityKeysConnection'
> = {
  entityKeys: (_p, { tenant }, ctx) =>
    listEntityKeys(ctx.control, { userId: ctx.request.userId, firmId: ctx.request.firm.id }, tenant),
  integrations: async (_p, _a, ctx) => listIntegrations(ctx.control, await reader(ctx)),
  integrationsConnection: async (_p, args, ctx) => pageIntegrations(ctx.control, await reader(ctx), args),
  entityKeysConnection: (_p, args, ctx) =>
    pageEntityKeys(ctx.control, { userId: ctx.request.userId, firmId: ctx.request.firm.id }, args),
  integration: async (_p, args, ctx) => findIntegration(ctx.control, await reader(ctx), id(args.id)),
  integrationUsage: async (_p, { integrationId, from, to }, ctx) => {
    const days = (Date.parse(to) - Date.parse(from)) / DAY_MS;
    if (!(days >= 0 && days <= 366)) throw badInput('to: from … to must be 0 to 366 days', { field: 'to' });
    const integration = await findIntegration(
      ctx.control,
      await reader(ctx),
      id(integrationId, 'integrationId'),
    );
    if (!integration) throw new DomainError('NOT_FOUND', 'No such integration', {});
    return usageSeenBy(ctx.control, await walledClients(ctx), integration.id, from, to);
  },
};

export const integrationMutations: Pick<
  MutationResolvers,
  | 'createIntegration'
  | 'suspendIntegration'
  | 'resumeIntegration'
  | 'deleteIntegration'
  | 'grantIntegrationAccess'
  | 'revokeIntegrationAccess'
  | 'grantIntegrationFirmAccess'
  | 'revokeIntegrationFirmAccess'
  | 'createIntegrationSecret'
  | 'revokeIntegrationSecret'
  | 'publishTrustedDocuments'
  | 'retireTrustedDocuments'
  | 'allowArbitraryDocuments'
  | 'createEntityKey'
> = {
  createEntityKey: (_p, { input }, ctx) => createEntityKey(ctx.control, manager(ctx), input),
  createIntegration: (_p, { input }, ctx) => createIntegration(ctx.control, manager(ctx), input),
  suspendIntegration: (_p, a, ctx) =>
    setIntegrationStatus(ctx.control, manager(ctx), id(a.id), 'SUSPENDED', a.reason),
  resumeIntegration: (_p, a, ctx) =>
    setIntegrationStatus(ctx.control, manager(ctx), id(a.id), 'ACTIVE', a.reason),
  deleteIntegration: (_p, a, ctx) => deleteIntegration(ctx.control, manager(ctx), id(a.id), a.reason),
  grantIntegrationAccess: async (_p, a, ctx) =>
    (
      await grantIntegrationAccess(ctx.control, manager(ctx), {
        ...withIntegration(a),
        expiresAt: instant(a.expiresAt),
      })
    ).grant,
  revokeIntegrationAccess: (_p, a, ctx) =>
    revokeIntegrationAccess(ctx.control, manager(ctx), withIntegration(a)),
  grantIntegrationFirmAccess: (_p, a, ctx) =>
    grantIntegrationFirmAccess(ctx.control, manager(ctx), {
      ...withIntegration(a),
      expiresAt: instant(a.expiresAt),
    }),
  revokeIntegrationFirmAccess: (_p, a, ctx) =>
    revokeIntegrationFirmAccess(ctx.control, manager(ctx), withIntegration(a)),
  createIntegrationSecret: (_p, a, ctx) =>
    createIntegrationSecret(ctx.control, manager(ctx), {
      ...withIntegration(a),
      expiresAt: instant(a.expiresAt),
    }),
  revokeIntegrationSecret: (_p, a, ctx) =>
    revokeIntegrationSecret(ctx.control, manager(ctx), withIntegration(a)),
  publishTrustedDocuments: (_p, a, ctx) =>
    publishTrustedDocuments(ctx.control, manager(ctx), ctx.checkDocument, withIntegration(a)),
  retireTrustedDocuments: (_p, a, ctx) =>
    retireTrustedDocuments(ctx.control, manager(ctx), withIntegration(a)),
  allowArbitraryDocuments: (_p, a, ctx) =>
    allowArbitraryDocuments(ctx.control, manager(ctx), withIntegration(a)),
};

export const Integration: IntegrationResolvers = {
  grants: async (i, _a, ctx) => grantsSeenBy(ctx.control, await walledClients(ctx), i.id),
  firmGrant: (i, _a, ctx) => firmGrantOf(ctx.control, i.id),
  secrets: (i, _a, ctx) => secretsOf(ctx.control, i.id),
  trustedDocumentVersions: (i, _a, ctx) => trustedDocumentVersions(ctx.control, i.id),
  secretsConnection: (i, args, ctx) => pageSecrets(ctx.control, i.id, args),
  trustedDocumentVersionsConnection: (i, args, ctx) => pageTrustedDocumentVersions(ctx.control, i.id, args),
  boundTo: (i, _a, ctx) => (i.boundTenantId ? tenantById(ctx, i.boundTenantId) : null),
};

export const TrustedDocumentVersion: TrustedDocumentVersionResolvers = {};

export const IntegrationGrant: IntegrationGrantResolvers = {
  tenant: async (g, _a, ctx) => {
    const row = await tenantById(ctx, g.tenantId);
    if (!row) throw new DomainError('NOT_FOUND', 'The granted client no longer exists', {});
    return row;
  },
  grantedAt: (g) => g.createdAt,
  // A constant no longer known (granted by an older version) is left out of the typed list.
  grantedPermissions: (g) => g.permissions.filter(isPermission),
};

export const IntegrationFirmGrant: IntegrationFirmGrantResolvers = {
  grantedAt: (g) => g.createdAt,
  grantedPermissions: (g) => g.permissions.filter(isPermission),
};

export const IntegrationUsage: IntegrationUsageResolvers = {
  tenant: (u, _a, ctx) => (u.tenantId ? tenantById(ctx, u.tenantId) : null),
};

export const IntegrationSecret: IntegrationSecretResolvers = {
  clientId: (s) => s.prefix,
};

export const NewIntegrationSecret: NewIntegrationSecretResolvers = {
  clientId: (n) => n.row.prefix,
  info: (n) => n.row,
};
