/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** A new customer or vendor (needs Party.Manage); codes are unique per kind. */
export type CreatePartyInput = {
  /** Its code: what inputs and reports refer to it by. */
  code: string;
  /** Defaults to the client's base currency. */
  currency?: string | null | undefined;
  /** Email address. */
  email?: string | null | undefined;
  /** What kind it is; see the enum's values. */
  kind: PartyKind;
  /** Its name as people read it. */
  name: string;
  /** Defaults to 30. */
  paymentTermsDays?: number | null | undefined;
  /** Tax identification number (RUC in Panama). */
  taxId?: string | null | undefined;
};

/** One line of an invoice or note: an item or an account, quantity, price and tax code. */
export type DocumentLineInput = {
  /** Income account (sales) or expense/asset account (purchasing). */
  accountCode?: string | null | undefined;
  /** What it means, in a sentence. */
  description?: string | null | undefined;
  /** Fills description, account, unit price and tax code when they are not given. */
  itemCode?: string | null | undefined;
  /** Up to 4 decimals, greater than zero. */
  quantity: string;
  /** ITBMS7, EXENTO … (any case: itbms7 is ITBMS7); defaults to the item's tax code. One of the two is required (BAD_USER_INPUT): an exempt line names EXENTO. */
  taxCode?: string | null | undefined;
  /** Up to 6 decimals, not negative; defaults to the item's price. */
  unitPrice?: string | null | undefined;
};

/** Where a document is in its life. */
export type DocumentStatus =
  /** Dropped before posting; kept on record. */
  | 'DISCARDED'
  /** Being prepared; nothing posted, still editable. */
  | 'DRAFT'
  /** Posted to the books (numbered); never changes again, only voided. */
  | 'POSTED';

/** Sales and purchase invoices and their credit and debit notes. */
export type InvoiceDraftInput = {
  /** Credit and debit notes: the posted invoice they correct; omit for a note that stands alone (all of it a credit). */
  appliesToId?: string | number | null | undefined;
  /** Defaults to the party's currency. */
  currency?: string | null | undefined;
  /** The date on the document (YYYY-MM-DD). */
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
  /** Its lines, in line-number order. */
  lines: Array<DocumentLineInput>;
  /** Free text shown with it. */
  memo?: string | null | undefined;
  /** The customer (sales) or vendor (purchases). */
  partyId: string | number;
  /** Defaults to the document date. */
  postingDate?: string | null | undefined;
  /** The party's own reference (vendor bill number, purchase order). */
  reference?: string | null | undefined;
};

/** Customer or vendor. */
export type PartyKind =
  /** Someone the client sells to (receivables). */
  | 'CUSTOMER'
  /** Someone the client buys from (payables). */
  | 'VENDOR';

export type PartnerFindCustomerQueryVariables = Exact<{
  search: string;
}>;


export type PartnerFindCustomerQuery = { parties: { edges: Array<{ node: { id: string, code: string, name: string } }> } | null };

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


export const PartnerFindCustomerDocument = {"__meta__":{"hash":"sha256:79d22d60b4ec64e609275fa0422be7efec8577c7683d9f45a48cc29287d60e9a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PartnerFindCustomer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"parties"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"kind"},"value":{"kind":"EnumValue","value":"CUSTOMER"}},{"kind":"ObjectField","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<PartnerFindCustomerQuery, PartnerFindCustomerQueryVariables>;
export const PartnerCreateCustomerDocument = {"__meta__":{"hash":"sha256:bd6e6dffc478c52027797c15d9bb06bb658c56c4ab44c60d198c85a387335870"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PartnerCreateCustomer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreatePartyInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createParty"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<PartnerCreateCustomerMutation, PartnerCreateCustomerMutationVariables>;
export const PartnerCreateInvoiceDocument = {"__meta__":{"hash":"sha256:274a21e8abdbe168863102fbf66a7eb7a75785aa0687cc346182804bd7636cc1"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PartnerCreateInvoice"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"InvoiceDraftInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createSalesInvoice"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"subtotal"}},{"kind":"Field","name":{"kind":"Name","value":"tax"}},{"kind":"Field","name":{"kind":"Name","value":"total"}}]}}]}}]} as unknown as DocumentNode<PartnerCreateInvoiceMutation, PartnerCreateInvoiceMutationVariables>;
export const PartnerIssueInvoiceDocument = {"__meta__":{"hash":"sha256:eca7ce8dd23f05f63c14b4e062dd9e4016b42f8d07ce2d830c3083893d22f669"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PartnerIssueInvoice"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"approveSalesInvoice"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"subtotal"}},{"kind":"Field","name":{"kind":"Name","value":"tax"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"postingDate"}},{"kind":"Field","name":{"kind":"Name","value":"entry"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"debit"}},{"kind":"Field","name":{"kind":"Name","value":"credit"}}]}}]}}]}}]}}]} as unknown as DocumentNode<PartnerIssueInvoiceMutation, PartnerIssueInvoiceMutationVariables>;
export const PartnerTrialBalanceDocument = {"__meta__":{"hash":"sha256:3022248f45c033b9e813614f8400dbe8f0538fc7164ac52768eb8bb5de404115"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PartnerTrialBalance"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"trialBalance"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"asOf"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"totalDebit"}},{"kind":"Field","name":{"kind":"Name","value":"totalCredit"}},{"kind":"Field","name":{"kind":"Name","value":"rows"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accountCode"}},{"kind":"Field","name":{"kind":"Name","value":"accountName"}},{"kind":"Field","name":{"kind":"Name","value":"debit"}},{"kind":"Field","name":{"kind":"Name","value":"credit"}}]}}]}}]}}]} as unknown as DocumentNode<PartnerTrialBalanceQuery, PartnerTrialBalanceQueryVariables>;