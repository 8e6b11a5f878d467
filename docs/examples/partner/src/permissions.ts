/**
 * What the firm grants this integration on a client: exactly what its operations need (the
 * manifest is checked against these by `pnpm test`, ops/test/documents-check.test.ts).
 * - GL.Read: find a customer, read the invoice back, the trial balance
 * - Party.Manage: create the customer the first time
 * - Invoice.Create, Invoice.Approve: draft a sales invoice and issue it
 */
export const PERMISSIONS = ['GL.Read', 'Party.Manage', 'Invoice.Create', 'Invoice.Approve'] as const;
