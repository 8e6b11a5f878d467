import { graphql } from '../../__generated__/gql.ts';

export const AgingBucketsFragment = graphql(`
  fragment ConsoleAgingBuckets on AgingBuckets {
    current
    days1To30
    days31To60
    days61To90
    over90
    total
  }
`);

/**
 * Receivables and payables open at the end of a day, by days past due, and how many documents are
 * behind each row; with `revalueAt`, foreign ones also at that day's rates (the API's unposted
 * analysis). The documents themselves come with AgingInvoicesQuery, when a row is opened: every
 * row's documents at once would pass the gateway's cost limit.
 */
export const AgingQuery = graphql(`
  query ConsoleAging($asOf: Date!, $revalueAt: Date) {
    arAging(asOf: $asOf, revalueAt: $revalueAt) {
      ...ConsoleAgingReport
    }
    apAging(asOf: $asOf, revalueAt: $revalueAt) {
      ...ConsoleAgingReport
    }
  }
`);

export const AgingReportFragment = graphql(`
  fragment ConsoleAgingReport on AgingReport {
    asOf
    baseCurrency
    totalBase {
      ...ConsoleAgingBuckets
    }
    revaluedTotalBase {
      total
    }
    revaluation {
      revalueAt
      baseCurrency
      label
      bookedBase
      revaluedBase
      difference
      rates {
        currency
        rate
        rateDate
        source
        isFallback
      }
    }
    rows {
      currency
      party {
        id
        code
        name
      }
      amounts {
        ...ConsoleAgingBuckets
      }
      base {
        ...ConsoleAgingBuckets
      }
      revaluedBase {
        total
      }
      invoiceCount
    }
  }
`);

/** The documents behind an aging's rows a row shows: the most overdue first. */
export const AGING_INVOICES = 25;

export const AgingInvoiceRowFragment = graphql(`
  fragment ConsoleAgingInvoiceRow on AgingRow {
    currency
    party {
      id
    }
    invoiceCount
    invoices(first: $first) {
      dueDate
      daysPastDue
      openBalance
      baseOpenBalance
      revaluedBaseOpenBalance
      document {
        id
        kind
        number
      }
      entry {
        id
        number
      }
    }
  }
`);

/** The receivables' rows with their first AGING_INVOICES documents each. */
export const ArAgingInvoicesQuery = graphql(`
  query ConsoleArAgingInvoices($asOf: Date!, $revalueAt: Date, $first: Int!) {
    arAging(asOf: $asOf, revalueAt: $revalueAt) {
      rows {
        ...ConsoleAgingInvoiceRow
      }
    }
  }
`);

/** The payables' rows with their first AGING_INVOICES documents each. */
export const ApAgingInvoicesQuery = graphql(`
  query ConsoleApAgingInvoices($asOf: Date!, $revalueAt: Date, $first: Int!) {
    apAging(asOf: $asOf, revalueAt: $revalueAt) {
      rows {
        ...ConsoleAgingInvoiceRow
      }
    }
  }
`);
