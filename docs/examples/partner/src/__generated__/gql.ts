/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query PartnerFindCustomer($search: String!) {\n    parties(filter: { kind: CUSTOMER, search: $search }, first: 20) {\n      edges {\n        node {\n          id\n          code\n          name\n        }\n      }\n    }\n  }\n": typeof types.PartnerFindCustomerDocument,
    "\n  mutation PartnerCreateCustomer($input: CreatePartyInput!) {\n    createParty(input: $input) {\n      id\n      code\n      name\n    }\n  }\n": typeof types.PartnerCreateCustomerDocument,
    "\n  mutation PartnerCreateInvoice($input: InvoiceDraftInput!) {\n    createSalesInvoice(input: $input) {\n      id\n      status\n      number\n      subtotal\n      tax\n      total\n    }\n  }\n": typeof types.PartnerCreateInvoiceDocument,
    "\n  mutation PartnerIssueInvoice($id: ID!) {\n    approveSalesInvoice(id: $id) {\n      id\n      status\n      number\n      currency\n      subtotal\n      tax\n      total\n      postingDate\n      entry {\n        number\n        lines {\n          account {\n            code\n          }\n          debit\n          credit\n        }\n      }\n    }\n  }\n": typeof types.PartnerIssueInvoiceDocument,
    "\n  query PartnerTrialBalance($asOf: Date!) {\n    trialBalance(asOf: $asOf) {\n      asOf\n      currency\n      totalDebit\n      totalCredit\n      rows {\n        accountCode\n        accountName\n        debit\n        credit\n      }\n    }\n  }\n": typeof types.PartnerTrialBalanceDocument,
};
const documents: Documents = {
    "\n  query PartnerFindCustomer($search: String!) {\n    parties(filter: { kind: CUSTOMER, search: $search }, first: 20) {\n      edges {\n        node {\n          id\n          code\n          name\n        }\n      }\n    }\n  }\n": types.PartnerFindCustomerDocument,
    "\n  mutation PartnerCreateCustomer($input: CreatePartyInput!) {\n    createParty(input: $input) {\n      id\n      code\n      name\n    }\n  }\n": types.PartnerCreateCustomerDocument,
    "\n  mutation PartnerCreateInvoice($input: InvoiceDraftInput!) {\n    createSalesInvoice(input: $input) {\n      id\n      status\n      number\n      subtotal\n      tax\n      total\n    }\n  }\n": types.PartnerCreateInvoiceDocument,
    "\n  mutation PartnerIssueInvoice($id: ID!) {\n    approveSalesInvoice(id: $id) {\n      id\n      status\n      number\n      currency\n      subtotal\n      tax\n      total\n      postingDate\n      entry {\n        number\n        lines {\n          account {\n            code\n          }\n          debit\n          credit\n        }\n      }\n    }\n  }\n": types.PartnerIssueInvoiceDocument,
    "\n  query PartnerTrialBalance($asOf: Date!) {\n    trialBalance(asOf: $asOf) {\n      asOf\n      currency\n      totalDebit\n      totalCredit\n      rows {\n        accountCode\n        accountName\n        debit\n        credit\n      }\n    }\n  }\n": types.PartnerTrialBalanceDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PartnerFindCustomer($search: String!) {\n    parties(filter: { kind: CUSTOMER, search: $search }, first: 20) {\n      edges {\n        node {\n          id\n          code\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PartnerFindCustomer($search: String!) {\n    parties(filter: { kind: CUSTOMER, search: $search }, first: 20) {\n      edges {\n        node {\n          id\n          code\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PartnerCreateCustomer($input: CreatePartyInput!) {\n    createParty(input: $input) {\n      id\n      code\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation PartnerCreateCustomer($input: CreatePartyInput!) {\n    createParty(input: $input) {\n      id\n      code\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PartnerCreateInvoice($input: InvoiceDraftInput!) {\n    createSalesInvoice(input: $input) {\n      id\n      status\n      number\n      subtotal\n      tax\n      total\n    }\n  }\n"): (typeof documents)["\n  mutation PartnerCreateInvoice($input: InvoiceDraftInput!) {\n    createSalesInvoice(input: $input) {\n      id\n      status\n      number\n      subtotal\n      tax\n      total\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PartnerIssueInvoice($id: ID!) {\n    approveSalesInvoice(id: $id) {\n      id\n      status\n      number\n      currency\n      subtotal\n      tax\n      total\n      postingDate\n      entry {\n        number\n        lines {\n          account {\n            code\n          }\n          debit\n          credit\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation PartnerIssueInvoice($id: ID!) {\n    approveSalesInvoice(id: $id) {\n      id\n      status\n      number\n      currency\n      subtotal\n      tax\n      total\n      postingDate\n      entry {\n        number\n        lines {\n          account {\n            code\n          }\n          debit\n          credit\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PartnerTrialBalance($asOf: Date!) {\n    trialBalance(asOf: $asOf) {\n      asOf\n      currency\n      totalDebit\n      totalCredit\n      rows {\n        accountCode\n        accountName\n        debit\n        credit\n      }\n    }\n  }\n"): (typeof documents)["\n  query PartnerTrialBalance($asOf: Date!) {\n    trialBalance(asOf: $asOf) {\n      asOf\n      currency\n      totalDebit\n      totalCredit\n      rows {\n        accountCode\n        accountName\n        debit\n        credit\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;