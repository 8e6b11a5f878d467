import { graphql } from './__generated__/gql.js';

/**
 * Every operation this integration runs. GraphQL Code Generator turns them into typed documents
 * and the persisted-documents manifest (`pnpm codegen`); the client sends only their hashes.
 */

export const FindCustomerQuery = graphql(`
  query PartnerFindCustomer($search: String!) {
    parties(filter: { kind: CUSTOMER, search: $search }, first: 20) {
      edges {
        node {
          id
          code
          name
        }
      }
    }
  }
`);

export const CreateCustomerMutation = graphql(`
  mutation PartnerCreateCustomer($input: CreatePartyInput!) {
    createParty(input: $input) {
      id
      code
      name
    }
  }
`);

export const CreateInvoiceMutation = graphql(`
  mutation PartnerCreateInvoice($input: InvoiceDraftInput!) {
    createSalesInvoice(input: $input) {
      id
      status
      number
      subtotal
      tax
      total
    }
  }
`);

export const IssueInvoiceMutation = graphql(`
  mutation PartnerIssueInvoice($id: ID!) {
    approveSalesInvoice(id: $id) {
      id
      status
      number
      currency
      subtotal
      tax
      total
      postingDate
      entry {
        number
        lines {
          account {
            code
          }
          debit
          credit
        }
      }
    }
  }
`);

export const TrialBalanceQuery = graphql(`
  query PartnerTrialBalance($asOf: Date!) {
    trialBalance(asOf: $asOf) {
      asOf
      currency
      totalDebit
      totalCredit
      rows {
        accountCode
        accountName
        debit
        credit
      }
    }
  }
`);
