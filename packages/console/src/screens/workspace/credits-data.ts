import { graphql } from '../../__generated__/gql.ts';

/**
 * The requests of a document's credit and write-off actions (credit-actions.tsx, write-off.tsx):
 * the party's open invoices, applying or refunding a credit, writing off a bad debt and voiding it.
 */

/**
 * The party's posted invoices still open (or partly paid) in one currency, to apply a credit to:
 * both settlement states in one request, the API's newest first, at most 100 each.
 */
export const OpenInvoicesQuery = graphql(`
  query ConsoleOpenInvoices($partyId: ID!, $kind: DocumentKind!) {
    open: documents(
      filter: { partyId: $partyId, kind: $kind, status: POSTED, settlementStatus: OPEN }
      first: 100
    ) {
      edges {
        node {
          ...ConsoleOpenInvoice
        }
      }
      pageInfo {
        hasNextPage
      }
    }
    partly: documents(
      filter: { partyId: $partyId, kind: $kind, status: POSTED, settlementStatus: PARTIALLY_PAID }
      first: 100
    ) {
      edges {
        node {
          ...ConsoleOpenInvoice
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`);

export const OpenInvoiceFragment = graphql(`
  fragment ConsoleOpenInvoice on Document {
    id
    kind
    status
    number
    documentDate
    dueDate
    currency
    exchangeRate
    openBalance
  }
`);

/** What an application or a write-off answers: the new document and the settlement it made. */
export const SettlingDocumentFragment = graphql(`
  fragment ConsoleSettlingDocument on Document {
    id
    kind
    number
    status
    exchangeRate
    allocations {
      ...ConsoleAllocation
    }
  }
`);

export const ApplyCustomerCreditMutation = graphql(`
  mutation ConsoleApplyCustomerCredit($input: ApplyCreditInput!) {
    applyCustomerCredit(input: $input) {
      ...ConsoleSettlingDocument
    }
  }
`);

export const ApplyVendorCreditMutation = graphql(`
  mutation ConsoleApplyVendorCredit($input: ApplyCreditInput!) {
    applyVendorCredit(input: $input) {
      ...ConsoleSettlingDocument
    }
  }
`);

export const CreateCustomerRefundMutation = graphql(`
  mutation ConsoleCreateCustomerRefund($input: PaymentDraftInput!) {
    createCustomerRefund(input: $input) {
      id
    }
  }
`);

export const CreateVendorRefundMutation = graphql(`
  mutation ConsoleCreateVendorRefund($input: PaymentDraftInput!) {
    createVendorRefund(input: $input) {
      id
    }
  }
`);

/** Posts the refund draft just made (a refund is posted as a payment is). */
export const PostRefundMutation = graphql(`
  mutation ConsolePostRefund($id: ID!) {
    postPayment(id: $id) {
      id
      kind
      number
      status
    }
  }
`);

/** The refund drafts the console made but could not post (to discard when posting is refused). */
export const DiscardDraftMutation = graphql(`
  mutation ConsoleDiscardRefundDraft($id: ID!) {
    discardDocumentDraft(id: $id) {
      id
      status
    }
  }
`);

export const WriteOffBadDebtMutation = graphql(`
  mutation ConsoleWriteOffBadDebt($input: BadDebtWriteOffInput!) {
    writeOffBadDebt(input: $input) {
      ...ConsoleSettlingDocument
    }
  }
`);

export const VoidBadDebtWriteOffMutation = graphql(`
  mutation ConsoleVoidBadDebtWriteOff($id: ID!, $reason: String!, $voidDate: Date) {
    voidBadDebtWriteOff(id: $id, reason: $reason, voidDate: $voidDate) {
      id
      voided
    }
  }
`);
