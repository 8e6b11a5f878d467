import { can, canAny, Permissions as P, type RuleMap, signedIn } from '@cifra/permissions';

const manageUsers = can(P.Firm.ManageUsers);
const manageClients = can(P.Tenant.Manage);
const manageIntegrations = can(P.Integration.Manage);

export const rules: RuleMap = {
  Query: {
    me: signedIn,
    tenants: signedIn,
    tenant: can(P.Tenant.Read),
    firmMembers: manageUsers,
    firmSettings: manageClients,
    integrations: manageIntegrations,
    integration: manageIntegrations,
    integrationUsage: manageIntegrations,
    entityKeys: manageClients,
  },
  Mutation: {
    provisionTenant: can(P.Tenant.Provision),
    addFirmMember: manageUsers,
    changeFirmRole: manageUsers,
    removeFirmMember: manageUsers,
    assignClientRole: manageUsers,
    revokeClientRole: manageUsers,
    updateFirmSettings: manageClients,
    updateClientSettings: manageClients,
    createIntegration: manageIntegrations,
    suspendIntegration: manageIntegrations,
    resumeIntegration: manageIntegrations,
    deleteIntegration: manageIntegrations,
    grantIntegrationAccess: manageIntegrations,
    revokeIntegrationAccess: manageIntegrations,
    createIntegrationSecret: manageIntegrations,
    revokeIntegrationSecret: manageIntegrations,
    publishTrustedDocuments: manageIntegrations,
    retireTrustedDocuments: manageIntegrations,
    allowArbitraryDocuments: manageIntegrations,
    createEntityKey: manageClients,
  },
  Me: signedIn,
  Firm: signedIn,
  // Tenant rows are filtered to the caller's own clients by every resolver that returns them.
  Tenant: {
    id: signedIn,
    slug: signedIn,
    name: signedIn,
    region: signedIn,
    baseCurrency: signedIn,
    timezone: signedIn,
    status: signedIn,
    createdAt: signedIn,
    role: signedIn,
    whiteLabel: signedIn,
    settings: manageClients,
  },
  WhiteLabel: signedIn,
  FirmMember: manageUsers,
  ClientRole: manageUsers,
  ClientSettings: manageClients,
  // Integration.Manage lists integrations; Tenant.Manage lists a client's entity keys.
  Integration: canAny(P.Integration.Manage, P.Tenant.Manage),
  IntegrationGrant: manageIntegrations,
  IntegrationSecret: manageIntegrations,
  NewIntegrationSecret: manageIntegrations,
  IntegrationUsage: manageIntegrations,
  TrustedDocumentVersion: manageIntegrations,
};
