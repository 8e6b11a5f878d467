import { can, Permissions as P, type RuleMap, signedIn } from '@cifra/permissions';

const manageUsers = can(P.Firm.ManageUsers);
const manageClients = can(P.Tenant.Manage);

export const rules: RuleMap = {
  Query: {
    me: signedIn,
    tenants: signedIn,
    tenant: can(P.Tenant.Read),
    firmMembers: manageUsers,
    firmSettings: manageClients,
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
};
