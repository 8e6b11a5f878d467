/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type CreatePartyInput = {
  code: string;
  /** Defaults to the client's base currency. */
  currency?: string | null | undefined;
  email?: string | null | undefined;
  kind: PartyKind;
  name: string;
  /** Defaults to 30. */
  paymentTermsDays?: number | null | undefined;
  taxId?: string | null | undefined;
};

export type DocumentLineInput = {
  /** Income account (sales) or expense/asset account (purchasing). */
  accountCode?: string | null | undefined;
  description?: string | null | undefined;
  /** Fills description, account, unit price and tax code when they are not given. */
  itemCode?: string | null | undefined;
  /** Up to 4 decimals, greater than zero. */
  quantity: string;
  /** ITBMS7, EXENTO …; defaults to the item's tax code, else exempt. */
  taxCode?: string | null | undefined;
  /** Up to 6 decimals, not negative; defaults to the item's price. */
  unitPrice?: string | null | undefined;
};

export type DocumentStatus =
  | 'DISCARDED'
  | 'DRAFT'
  | 'POSTED';

/** Sales and purchase invoices and their credit and debit notes. */
export type InvoiceDraftInput = {
  /** Credit and debit notes: the posted invoice they correct. */
  appliesToId?: string | number | null | undefined;
  /** Defaults to the party's currency. */
  currency?: string | null | undefined;
  documentDate: string;
  /** Defaults to the document date plus the party's payment terms. */
  dueDate?: string | null | undefined;
  /**
   * Base-currency units per one document-currency unit, exact (at most 12 decimals). Leave it out to
   * translate at the rate in force on the document date (looked up at posting; RATE_NOT_AVAILABLE when
   * none is within the client's fxStalenessDays). A rate given here is recorded in the rate history as
   * a DOCUMENT rate by the user who posts the document, for this document only. A pegged pair (USD on
   * a PAB client) takes the peg; a credit or debit note takes the rate of the invoice it corrects.
   */
  exchangeRate?: string | null | undefined;
  /**
   * A key of the caller's choosing, bound to the kind and this input: creating again with the same
   * key and input returns the first draft; another input is refused with IDEMPOTENCY_KEY_REUSED.
   */
  idempotencyKey?: string | null | undefined;
  lines: Array<DocumentLineInput>;
  memo?: string | null | undefined;
  partyId: string | number;
  /** Defaults to the document date. */
  postingDate?: string | null | undefined;
  /** The party's own reference (vendor bill number, purchase order). */
  reference?: string | null | undefined;
};

export type PartyKind =
  | 'CUSTOMER'
  | 'VENDOR';

export type PartnerFindCustomerQueryVariables = Exact<{
  search: string;
}>;


export type PartnerFindCustomerQuery = { parties: Array<{ id: string, code: string, name: string }> | null };

export type PartnerCreateCustomerMutationVariables = Exact<{
  input: CreatePartyInput;
}>;


export type PartnerCreateCustomerMutation = { createParty: { id: string, code: string, name: string } | null };

export type PartnerCreateInvoiceMutationVariables = Exact<{
  input: InvoiceDraftInput;
}>;


export type PartnerCreateInvoiceMutation = { createSalesInvoice: { id: string, status: DocumentStatus, number: string | null, subtotal: string, tax: string, total: string } | null };

export type PartnerIssueInvoiceMutationVariables = Exact<{
  id: string | number;
}>;


export type PartnerIssueInvoiceMutation = { approveSalesInvoice: { id: string, status: DocumentStatus, number: string | null, currency: string, subtotal: string, tax: string, total: string, postingDate: string, entry: { number: string, lines: Array<{ debit: string, credit: string, account: { code: string } | null }> } | null } | null };

export type PartnerTrialBalanceQueryVariables = Exact<{
  asOf: string;
}>;


export type PartnerTrialBalanceQuery = { trialBalance: { asOf: string, currency: string, totalDebit: string, totalCredit: string, rows: Array<{ accountCode: string, accountName: string, debit: string, credit: string }> } | null };


export const PartnerFindCustomerDocument = {"__meta__":{"hash":"sha256:a1523527cc60f3282e4772971eeea7ba1c354dab03da7a475141130897f93a53"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PartnerFindCustomer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"parties"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"kind"},"value":{"kind":"EnumValue","value":"CUSTOMER"}},{"kind":"ObjectField","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<PartnerFindCustomerQuery, PartnerFindCustomerQueryVariables>;
export const PartnerCreateCustomerDocument = {"__meta__":{"hash":"sha256:bd6e6dffc478c52027797c15d9bb06bb658c56c4ab44c60d198c85a387335870"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PartnerCreateCustomer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreatePartyInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createParty"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<PartnerCreateCustomerMutation, PartnerCreateCustomerMutationVariables>;
export const PartnerCreateInvoiceDocument = {"__meta__":{"hash":"sha256:274a21e8abdbe168863102fbf66a7eb7a75785aa0687cc346182804bd7636cc1"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PartnerCreateInvoice"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"InvoiceDraftInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createSalesInvoice"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"subtotal"}},{"kind":"Field","name":{"kind":"Name","value":"tax"}},{"kind":"Field","name":{"kind":"Name","value":"total"}}]}}]}}]} as unknown as DocumentNode<PartnerCreateInvoiceMutation, PartnerCreateInvoiceMutationVariables>;
export const PartnerIssueInvoiceDocument = {"__meta__":{"hash":"sha256:eca7ce8dd23f05f63c14b4e062dd9e4016b42f8d07ce2d830c3083893d22f669"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PartnerIssueInvoice"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"approveSalesInvoice"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"subtotal"}},{"kind":"Field","name":{"kind":"Name","value":"tax"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"postingDate"}},{"kind":"Field","name":{"kind":"Name","value":"entry"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"debit"}},{"kind":"Field","name":{"kind":"Name","value":"credit"}}]}}]}}]}}]}}]} as unknown as DocumentNode<PartnerIssueInvoiceMutation, PartnerIssueInvoiceMutationVariables>;
export const PartnerTrialBalanceDocument = {"__meta__":{"hash":"sha256:3022248f45c033b9e813614f8400dbe8f0538fc7164ac52768eb8bb5de404115"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PartnerTrialBalance"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"trialBalance"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"asOf"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"totalDebit"}},{"kind":"Field","name":{"kind":"Name","value":"totalCredit"}},{"kind":"Field","name":{"kind":"Name","value":"rows"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accountCode"}},{"kind":"Field","name":{"kind":"Name","value":"accountName"}},{"kind":"Field","name":{"kind":"Name","value":"debit"}},{"kind":"Field","name":{"kind":"Name","value":"credit"}}]}}]}}]}}]} as unknown as DocumentNode<PartnerTrialBalanceQuery, PartnerTrialBalanceQueryVariables>;