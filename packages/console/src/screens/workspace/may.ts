import type { RoleCluster } from '../../__generated__/graphql.ts';

/** Roles whose permissions include Audit.Read (packages/permissions/src/roles.ts): the entry's trail is shown to them only. */
export const AUDIT_READERS: readonly RoleCluster[] = ['FIRM_ADMIN', 'SENIOR', 'EXTERNAL_REVIEWER'];
export const mayReadAudit = (role: RoleCluster | null | undefined) => !!role && AUDIT_READERS.includes(role);

/** Roles whose permissions include GL.Export: exportDocumentsArchive (a period's PDFs) is offered to them only. */
export const EXPORTERS: readonly RoleCluster[] = ['FIRM_ADMIN', 'SENIOR', 'JUNIOR', 'EXTERNAL_REVIEWER'];
export const mayExport = (role: RoleCluster | null | undefined) => !!role && EXPORTERS.includes(role);

/**
 * Roles whose permissions include GL.Read: renderDocument (a posted document's PDF) needs no more
 * than reading the document, so every role that opens the workspace may render it — the client's
 * own read-only user included.
 */
export const READERS: readonly RoleCluster[] = [
  'FIRM_ADMIN',
  'SENIOR',
  'JUNIOR',
  'EXTERNAL_REVIEWER',
  'CLIENT_READ_ONLY',
];
export const mayRender = (role: RoleCluster | null | undefined) => !!role && READERS.includes(role);

/**
 * Tenant.Manage (archiveClient, unarchiveClient, deleteSandboxClient) is a firm-scoped permission:
 * the shield takes it from the firm-wide role, and the service asks it again of the caller's role
 * on the client itself (a lower client role or a wall wins). Both must be FirmAdmin.
 */
export const mayManageClient = (
  firmRole: RoleCluster | null | undefined,
  role: RoleCluster | null | undefined,
) => firmRole === 'FIRM_ADMIN' && role === 'FIRM_ADMIN';

/**
 * Payment.Post: applyCustomerCredit and applyVendorCredit; a refund is a refund draft
 * (createCustomerRefund, Payment.Create) posted at once (postPayment, Payment.Post), so it is
 * offered to the same roles.
 */
export const PAYMENT_POSTERS: readonly RoleCluster[] = ['FIRM_ADMIN', 'SENIOR'];
export const mayApplyCredit = (role: RoleCluster | null | undefined) =>
  !!role && PAYMENT_POSTERS.includes(role);

/** Invoice.Approve: writeOffBadDebt. */
export const INVOICE_APPROVERS: readonly RoleCluster[] = ['FIRM_ADMIN', 'SENIOR'];
export const mayWriteOff = (role: RoleCluster | null | undefined) =>
  !!role && INVOICE_APPROVERS.includes(role);

/** Invoice.Void: voidBadDebtWriteOff. */
export const INVOICE_VOIDERS: readonly RoleCluster[] = ['FIRM_ADMIN', 'SENIOR'];
export const mayVoidWriteOff = (role: RoleCluster | null | undefined) =>
  !!role && INVOICE_VOIDERS.includes(role);

/** GL.Post: writing, ending and running recurring templates (a template may post without approval). */
export const GL_POSTERS: readonly RoleCluster[] = ['FIRM_ADMIN', 'SENIOR'];
export const mayRunRecurring = (role: RoleCluster | null | undefined) => !!role && GL_POSTERS.includes(role);

/**
 * Opening balances (importOpeningBalances: GL.Post, and Invoice.Approve / PurchaseInvoice.Post for
 * its open items; voidOpeningBalances: GL.Void, and the documents' void permissions): FirmAdmin and
 * Senior hold them all. The screen is offered to them only.
 */
export const OPENING_IMPORTERS: readonly RoleCluster[] = ['FIRM_ADMIN', 'SENIOR'];
export const mayImportOpening = (role: RoleCluster | null | undefined) =>
  !!role && OPENING_IMPORTERS.includes(role);
