import {
  DateScalar,
  DateTimeScalar,
  JSONScalar,
  loadTypeDefs,
  type SubgraphDefinition,
} from '@cifra/context';
import type { Resolvers } from './__generated__/resolvers.ts';
import type { Context } from './context.ts';
import { enumValues } from './enum-values.ts';
import {
  BackupLegalHold,
  backupMutations,
  backupQueries,
  ClientBackup,
  RestoreInPlaceRequest,
} from './resolvers/backups.resolvers.ts';
import {
  Integration,
  IntegrationFirmGrant,
  IntegrationGrant,
  IntegrationSecret,
  IntegrationUsage,
  integrationMutations,
  integrationQueries,
  NewIntegrationSecret,
  TrustedDocumentVersion,
} from './resolvers/integrations.resolvers.ts';
import { Mutation } from './resolvers/mutation.resolvers.ts';
import { Query } from './resolvers/query.resolvers.ts';
import { ClientRole, ClientSettings, Firm, Me, Tenant } from './resolvers/types.resolvers.ts';
import { rules } from './rules.ts';
import type { BackupServices } from './services/backups.service.ts';
import type { ProvisioningDeps } from './services/provision-tenant.service.ts';
import type { DocumentChecker } from './services/trusted-documents.service.ts';

export { rules as tenancyRules } from './rules.ts';
export type { BackupServices } from './services/backups.service.ts';
export { memberEmailSchema } from './services/members.service.ts';
export type { ProvisioningDeps, ProvisionTenantInput } from './services/provision-tenant.service.ts';
export { provisionTenant, REGIONS, slugSchema } from './services/provision-tenant.service.ts';
export type { DocumentChecker } from './services/trusted-documents.service.ts';

const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  JSON: JSONScalar,
  RoleCluster: enumValues.RoleCluster,
  SettingKey: enumValues.SettingKey,
  Permission: enumValues.Permission,
  Query: { ...Query, ...integrationQueries, ...backupQueries },
  Mutation: { ...Mutation, ...integrationMutations, ...backupMutations },
  ClientBackup,
  BackupLegalHold,
  RestoreInPlaceRequest,
  Me,
  Firm,
  Tenant,
  ClientRole,
  ClientSettings,
  Integration,
  IntegrationFirmGrant,
  IntegrationGrant,
  IntegrationSecret,
  NewIntegrationSecret,
  IntegrationUsage,
  TrustedDocumentVersion,
  Date: DateScalar,
};

export function tenancySubgraph(
  provisioning: Omit<ProvisioningDeps, 'control'>,
  checkDocument: DocumentChecker,
  backups: BackupServices | null = null,
): SubgraphDefinition<Context> {
  return {
    name: 'tenancy',
    typeDefs: loadTypeDefs(new URL('./', import.meta.url)),
    resolvers,
    rules,
    extendContext: (base) => ({
      ...base,
      provisioning: { ...provisioning, control: base.control },
      checkDocument,
      backups,
    }),
  };
}
