import { graphql } from '../../__generated__/gql.ts';

/**
 * Every request of the party statement and the ITBMS return screens (issue 19's API): one party's
 * statement as data and as a PDF, every customer's or vendor's as a zip, and a month's ITBMS return
 * with its CSV and its PDF.
 */

/** A customer's or vendor's statement for a range: per currency, opening, lines, closing, aging. */
export const PartyStatementQuery = graphql(`
  query ConsolePartyStatement($partyId: ID!, $from: Date!, $to: Date!) {
    partyStatement(partyId: $partyId, from: $from, to: $to) {
      from
      to
      baseCurrency
      party {
        id
        kind
        code
        name
      }
      currencies {
        currency
        openingBalance
        totalDebit
        totalCredit
        closingBalance
        baseOpeningBalance
        baseClosingBalance
        aging {
          ...ConsoleAgingBuckets
        }
        baseAging {
          ...ConsoleAgingBuckets
        }
        lines {
          date
          number
          kind
          isVoid
          document {
            id
          }
          entry {
            id
          }
          dueDate
          debit
          credit
          balance
        }
      }
    }
  }
`);

export const RenderPartyStatementMutation = graphql(`
  mutation ConsoleRenderPartyStatement($partyId: ID!, $from: Date!, $to: Date!) {
    renderPartyStatement(partyId: $partyId, from: $from, to: $to) {
      url
      expiresAt
      fileName
    }
  }
`);

export const ExportPartyStatementsMutation = graphql(`
  mutation ConsoleExportPartyStatements($kind: PartyKind!, $from: Date!, $to: Date!) {
    exportPartyStatementsArchive(kind: $kind, from: $from, to: $to) {
      url
      expiresAt
      fileName
      kind
      from
      to
      partyCount
    }
  }
`);

export const ItbmsRateLineFragment = graphql(`
  fragment ConsoleItbmsRateLine on ItbmsRateLine {
    ratePercent
    base
    tax
  }
`);

/** A month's ITBMS return, every figure, its reconciliation with the GL and its CSV. */
export const ItbmsReturnQuery = graphql(`
  query ConsoleItbmsReturn($year: Int!, $month: Int!) {
    itbmsReturn(year: $year, month: $month) {
      year
      month
      from
      to
      baseCurrency
      sales {
        ...ConsoleItbmsRateLine
      }
      exemptSales
      creditNotesBase
      creditNotesTax
      purchases {
        ...ConsoleItbmsRateLine
      }
      exemptPurchases
      debitNotesBase
      debitNotesTax
      journalOutputTax
      journalInputTax
      outputTax
      inputTax
      creditBroughtForward
      netPayable
      creditCarriedForward
      glOutputTax
      glInputTax
      reconciles
      csv
    }
  }
`);

export const RenderItbmsReturnMutation = graphql(`
  mutation ConsoleRenderItbmsReturn($year: Int!, $month: Int!, $format: ItbmsReturnFileFormat) {
    renderItbmsReturn(year: $year, month: $month, format: $format) {
      url
      expiresAt
      fileName
    }
  }
`);
