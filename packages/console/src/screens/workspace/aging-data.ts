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

/** Receivables and payables open at the end of a day, by days past due (booked values only). */
export const AgingQuery = graphql(`
  query ConsoleAging($asOf: Date!) {
    arAging(asOf: $asOf) {
      asOf
      baseCurrency
      totalBase {
        ...ConsoleAgingBuckets
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
      }
    }
    apAging(asOf: $asOf) {
      asOf
      baseCurrency
      totalBase {
        ...ConsoleAgingBuckets
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
      }
    }
  }
`);
