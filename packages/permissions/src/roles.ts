import { ALL_PERMISSIONS, Permissions as P, type Permission } from './permissions.ts';

/**
 * The role clusters a user can hold, firm-wide or on one client. `NoAccess` exists only on one
 * client: an ethical wall that keeps a person away from that client whatever their firm-wide role.
 */
export const RoleClusters = [
  'FirmAdmin',
  'Senior',
  'Junior',
  'ExternalReviewer',
  'ClientReadOnly',
  'NoAccess',
] as const;
export type RoleCluster = (typeof RoleClusters)[number];

/** Rank for picking the role shown when a user holds several (highest wins). */
export const ROLE_RANK: Record<RoleCluster, number> = {
  FirmAdmin: 50,
  Senior: 40,
  Junior: 30,
  ExternalReviewer: 20,
  ClientReadOnly: 10,
  NoAccess: 0,
};

const readBooks: Permission[] = [P.GL.Read, P.Period.Read, P.FX.Read, P.Tenant.Read];

/**
 * What each cluster may do on a client's books. The junior prepares (drafts entries, posts vendor
 * bills, starts a close); the senior approves and posts; the external reviewer reads everything,
 * including the audit trail, and signs off an audited year; the client's own user reads statements.
 */
export const ROLE_PERMISSIONS: Record<RoleCluster, readonly Permission[]> = {
  FirmAdmin: ALL_PERMISSIONS,
  Senior: [
    ...readBooks,
    P.GL.Draft,
    P.GL.Approve,
    P.GL.Post,
    P.GL.Void,
    P.GL.Export,
    P.Account.Manage,
    P.Party.Manage,
    P.Item.Manage,
    P.Numbering.Manage,
    P.Invoice.Create,
    P.Invoice.Approve,
    P.Invoice.Void,
    P.PurchaseInvoice.Create,
    P.PurchaseInvoice.Post,
    P.PurchaseInvoice.Void,
    P.Payment.Create,
    P.Payment.Post,
    P.Payment.Void,
    P.Period.Lock,
    P.Period.PrepareClose,
    P.Period.Close,
    P.Period.Batch,
    P.PostingPeriod.ReverseClose,
    P.Year.Open,
    P.Year.Close,
    P.FX.OverrideRate,
    P.Audit.Read,
    P.Audit.Investigate,
    P.Firm.Dashboard,
    // Staffs the firm's clients: adds people and grants roles, never one above their own.
    P.Firm.ManageUsers,
  ],
  Junior: [
    ...readBooks,
    P.GL.Draft,
    P.GL.Export,
    P.Party.Manage,
    P.Item.Manage,
    P.Invoice.Create,
    P.PurchaseInvoice.Create,
    P.PurchaseInvoice.Post,
    P.Payment.Create,
    P.Period.PrepareClose,
    P.Firm.Dashboard,
  ],
  ExternalReviewer: [...readBooks, P.GL.Export, P.Audit.Read, P.Audit.ReadFirm, P.Year.Audit],
  ClientReadOnly: [...readBooks],
  NoAccess: [],
};

/** Permissions that only make sense firm-wide, outside any one client. */
export const FIRM_SCOPED: readonly Permission[] = [
  P.Audit.ReadFirm,
  P.Tenant.Provision,
  P.Tenant.Manage,
  P.Firm.Dashboard,
  P.Firm.ManageUsers,
  P.Integration.Manage,
];

export function permissionsOf(roles: Iterable<RoleCluster>): Permission[] {
  const set = new Set<Permission>();
  for (const role of roles) for (const p of ROLE_PERMISSIONS[role]) set.add(p);
  return [...set].sort();
}

export function highestRole(roles: Iterable<RoleCluster>): RoleCluster | null {
  let best: RoleCluster | null = null;
  for (const role of roles) if (best === null || ROLE_RANK[role] > ROLE_RANK[best]) best = role;
  return best;
}

export function isRoleCluster(value: string): value is RoleCluster {
  return (RoleClusters as readonly string[]).includes(value);
}

/**
 * Whether a holder of `granter` may give (or take away) `role`: every permission of `role` must be
 * one the granter holds. A Senior may make someone Junior or Senior, never FirmAdmin, and not
 * ExternalReviewer either (signing off an audited year is not a Senior's power to hand out).
 */
export function roleWithin(role: RoleCluster, granter: RoleCluster | null): boolean {
  if (granter === null) return false;
  const held = new Set(ROLE_PERMISSIONS[granter]);
  return ROLE_PERMISSIONS[role].every((p) => held.has(p));
}

/** Whether moving from role `from` to role `to` loses any permission (a demotion or a revocation). */
export function losesPermissions(from: RoleCluster | null, to: RoleCluster | null): boolean {
  if (from === null) return false;
  if (to === null) return true;
  const kept = new Set(ROLE_PERMISSIONS[to]);
  return ROLE_PERMISSIONS[from].some((p) => !kept.has(p));
}
