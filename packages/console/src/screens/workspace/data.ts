import { graphql } from '../../__generated__/gql.ts';

/**
 * Every request of a client's workspace, in one place. The firm-level ones (the switcher's search)
 * go without a client; the others are sent with the client's `X-Tenant` header by the workspace's
 * own Apollo Client (./tenant-client.ts), whose cache holds that one client only.
 */

/**
 * The switcher: the caller's clients whose name or slug contains `search`, searched by the API;
 * sandboxes and archived clients too (the firm's views leave them out, but they are opened here),
 * each marked.
 */
export const ClientSearchQuery = graphql(`
  query ConsoleClientSearch($search: String, $first: Int!) {
    tenantsConnection(first: $first, search: $search, includeSandboxes: true, includeArchived: true) {
      edges {
        node {
          id
          slug
          name
          role
          sandbox
          archived
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`);

/** The client as its workspace shows it: white label, currency, time zone, the caller's role. */
export const WorkspaceTenantQuery = graphql(`
  query ConsoleWorkspaceTenant {
    tenant {
      id
      slug
      name
      baseCurrency
      timezone
      role
      sandbox
      archived
      archivedAt
      whiteLabel {
        displayName
        brandColor
      }
    }
    fiscalYearsConnection(first: 100) {
      edges {
        node {
          year
          startDate
          endDate
          state
        }
      }
    }
  }
`);

export const TrialBalanceQuery = graphql(`
  query ConsoleTrialBalance($asOf: Date!) {
    trialBalance(asOf: $asOf) {
      asOf
      currency
      totalDebit
      totalCredit
      rows {
        accountCode
        accountName
        accountType
        debit
        credit
      }
    }
  }
`);

export const IncomeStatementQuery = graphql(`
  query ConsoleIncomeStatement($from: Date!, $to: Date!) {
    incomeStatement(from: $from, to: $to) {
      from
      to
      currency
      netIncome
      income {
        total
        rows {
          accountCode
          accountName
          amount
        }
      }
      expenses {
        total
        rows {
          accountCode
          accountName
          amount
        }
      }
    }
  }
`);

export const BalanceSheetQuery = graphql(`
  query ConsoleBalanceSheet($asOf: Date!) {
    balanceSheet(asOf: $asOf) {
      asOf
      currency
      totalLiabilitiesAndEquity
      assets {
        total
        rows {
          accountCode
          accountName
          amount
        }
      }
      liabilities {
        total
        rows {
          accountCode
          accountName
          amount
        }
      }
      equity {
        total
        rows {
          accountCode
          accountName
          amount
        }
      }
    }
  }
`);

/** One page of an account's general ledger. */
export const GeneralLedgerQuery = graphql(`
  query ConsoleGeneralLedger($accountCode: String!, $from: Date!, $to: Date!, $first: Int!, $after: String) {
    generalLedger(accountCode: $accountCode, from: $from, to: $to, first: $first, after: $after) {
      from
      to
      currency
      openingBalance
      closingBalance
      totalDebit
      totalCredit
      account {
        id
        code
        name
        type
      }
      edges {
        cursor
        node {
          postingDate
          entryNumber
          lineNumber
          memo
          lineMemo
          debit
          credit
          runningBalance
          originalCurrency
          originalAmount
          partyName
          entry {
            id
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

export const JournalEntryQuery = graphql(`
  query ConsoleJournalEntry($id: ID!) {
    journalEntry(id: $id) {
      id
      number
      postingDate
      actualPostingDate
      memo
      currency
      sourceKind
      voided
      totalDebit
      totalCredit
      autoReverse
      reverseOn
      reversedBy {
        id
        number
        postingDate
        sourceKind
      }
      reverses {
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
      document {
        id
        kind
        number
      }
      lines {
        lineNumber
        memo
        debit
        credit
        originalCurrency
        originalAmount
        account {
          id
          code
          name
        }
        party {
          id
          name
        }
        fx {
          currency
          baseCurrency
          rate
          rateDate
          source
          derivation
          isFallback
          isOverride
          overrideByEmail
          overrideReason
          fetchedAt
        }
      }
    }
  }
`);

/** An entry's audit events and its versions (needs Audit.Read: asked only of roles that hold it). */
export const EntryTrailQuery = graphql(`
  query ConsoleEntryTrail($id: ID!) {
    journalEntry(id: $id) {
      id
      auditEvents(first: 50) {
        edges {
          node {
            id
            action
            actorEmail
            occurredAt
            reason
            requestId
            chainSeq
          }
        }
        pageInfo {
          hasNextPage
        }
      }
    }
    historyConnection(entityType: "JournalEntry", entityId: $id, first: 100) {
      edges {
        node {
          operation
          validFrom
          validTo
          actorEmail
          reason
          databaseRole
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`);
