/**
 * Every permission the product knows, as named constants. Nothing else in the code base spells a
 * permission as a string literal: resolvers, shield rules, tests and the gateway all import these.
 */
export const Permissions = {
  GL: {
    Read: 'GL.Read',
    Draft: 'GL.Draft',
    Approve: 'GL.Approve',
    Post: 'GL.Post',
    Void: 'GL.Void',
    Export: 'GL.Export',
  },
  Account: {
    Manage: 'Account.Manage',
  },
  Party: {
    Manage: 'Party.Manage',
  },
  Item: {
    Manage: 'Item.Manage',
  },
  Numbering: {
    Manage: 'Numbering.Manage',
  },
  Invoice: {
    Create: 'Invoice.Create',
    Approve: 'Invoice.Approve',
    Void: 'Invoice.Void',
  },
  PurchaseInvoice: {
    Create: 'PurchaseInvoice.Create',
    Post: 'PurchaseInvoice.Post',
    Void: 'PurchaseInvoice.Void',
  },
  Payment: {
    Create: 'Payment.Create',
    Post: 'Payment.Post',
    Void: 'Payment.Void',
  },
  Period: {
    Read: 'Period.Read',
    Lock: 'Period.Lock',
    Close: 'Period.Close',
    PrepareClose: 'Period.PrepareClose',
    Batch: 'Period.Batch',
  },
  PostingPeriod: {
    ReverseClose: 'PostingPeriod.ReverseClose',
  },
  Year: {
    Open: 'Year.Open',
    Close: 'Year.Close',
    Audit: 'Year.Audit',
  },
  FX: {
    Read: 'FX.Read',
    OverrideRate: 'FX.OverrideRate',
  },
  Audit: {
    Read: 'Audit.Read',
    Investigate: 'Audit.Investigate',
    /** The firm's own trail (control plane): provisioning, memberships, roles, settings, batches. */
    ReadFirm: 'Audit.ReadFirm',
  },
  Tenant: {
    Read: 'Tenant.Read',
    Provision: 'Tenant.Provision',
    Manage: 'Tenant.Manage',
  },
  Firm: {
    Dashboard: 'Firm.Dashboard',
    ManageUsers: 'Firm.ManageUsers',
  },
  /** Partner integrations: register, grant client by client, issue and revoke their secrets. */
  Integration: {
    Manage: 'Integration.Manage',
  },
} as const;

type Leaves<T> = T extends string ? T : { [K in keyof T]: Leaves<T[K]> }[keyof T];

/** One permission, e.g. `GL.Post`. */
export type Permission = Leaves<typeof Permissions>;

export const ALL_PERMISSIONS: readonly Permission[] = Object.values(Permissions).flatMap(
  (group) => Object.values(group) as Permission[],
);

export function isPermission(value: string): value is Permission {
  return (ALL_PERMISSIONS as readonly string[]).includes(value);
}
