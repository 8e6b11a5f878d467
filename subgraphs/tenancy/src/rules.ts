import { can, Permissions as P, type RuleMap, signedIn } from '@cifra/permissions';

export const rules: RuleMap = {
  Query: { me: signedIn, tenants: signedIn, tenant: can(P.Tenant.Read) },
  Mutation: { provisionTenant: can(P.Tenant.Provision) },
  Me: signedIn,
  Firm: signedIn,
  // Tenant rows are filtered to the caller's own clients by every resolver that returns them.
  Tenant: signedIn,
  WhiteLabel: signedIn,
};
