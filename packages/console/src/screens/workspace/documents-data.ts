import { graphql } from '../../__generated__/gql.ts';

/** The documents screens' requests (sent with the client's X-Tenant, as every workspace request). */

/** One page of the client's documents, newest first, narrowed by the API's own filter. */
export const DocumentsQuery = graphql(`
  query ConsoleDocuments($filter: DocumentFilter, $first: Int!, $after: String) {
    documents(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          kind
          status
          number
          documentDate
          postingDate
          dueDate
          currency
          total
          baseTotal
          openBalance
          openCredit
          settlementStatus
          voided
          party {
            id
            code
            name
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/** The party filter's search box: the API searches code, name and tax id. */
export const PartySearchQuery = graphql(`
  query ConsolePartySearch($search: String, $first: Int!) {
    parties(filter: { search: $search }, first: $first) {
      edges {
        node {
          id
          kind
          code
          name
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`);

/** The party a filter names (its id in the page's address), to show its name. */
export const PartyNameQuery = graphql(`
  query ConsolePartyName($id: ID!) {
    party(id: $id) {
      id
      kind
      code
      name
    }
  }
`);

/** One document whole: header, lines and taxes, totals, settlements both ways, its entry. */
export const DocumentQuery = graphql(`
  query ConsoleDocument($id: ID!) {
    document(id: $id) {
      id
      kind
      status
      number
      documentDate
      postingDate
      dueDate
      currency
      exchangeRate
      reference
      memo
      bankFee
      subtotal
      tax
      total
      baseTotal
      openBalance
      openCredit
      settlementStatus
      realizedFx
      voided
      postedAt
      party {
        id
        kind
        code
        name
        taxId
      }
      appliesTo {
        id
        kind
        number
      }
      bankAccount {
        id
        code
        name
      }
      fx {
        rate
        rateDate
        source
        isFallback
        isOverride
        overrideByEmail
      }
      lines {
        lineNumber
        description
        quantity
        unitPrice
        amount
        tax
        item {
          id
          code
        }
        account {
          id
          code
          name
        }
        taxCode {
          code
          ratePercent
        }
      }
      settlements {
        ...ConsoleAllocation
      }
      allocations {
        ...ConsoleAllocation
      }
      entry {
        id
        number
      }
      void {
        reason
        voidedAt
        reversal {
          id
          number
        }
      }
    }
  }
`);

export const AllocationFragment = graphql(`
  fragment ConsoleAllocation on Allocation {
    amount
    baseAmount
    realizedFx
    source {
      id
      kind
      number
      status
      documentDate
      currency
    }
    invoice {
      id
      kind
      number
      status
      documentDate
      currency
    }
  }
`);
