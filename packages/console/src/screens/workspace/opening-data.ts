import { graphql } from '../../__generated__/gql.ts';

/** Every request of the opening balances screen: the imports, an import (or its dry run), a void. */

export const OpeningImportFragment = graphql(`
  fragment ConsoleOpeningImport on OpeningBalanceImport {
    id
    openingDate
    importedAt
    voided
    voidedAt
    voidReason
    voidDate
    entry {
      id
      number
    }
    clearingAccount {
      code
      name
    }
    openItems {
      id
    }
  }
`);

export const OpeningImportsQuery = graphql(`
  query ConsoleOpeningImports {
    openingBalanceImports {
      ...ConsoleOpeningImport
    }
  }
`);

export const ImportOpeningBalancesMutation = graphql(`
  mutation ConsoleImportOpeningBalances($input: OpeningBalancesInput!) {
    importOpeningBalances(input: $input) {
      dryRun
      totalDebit
      totalCredit
      receivable
      payable
      openItemCount
      problems {
        index
        field
        code
        message
      }
      import {
        ...ConsoleOpeningImport
      }
    }
  }
`);

export const VoidOpeningBalancesMutation = graphql(`
  mutation ConsoleVoidOpeningBalances($id: ID!, $reason: String!) {
    voidOpeningBalances(id: $id, reason: $reason) {
      ...ConsoleOpeningImport
    }
  }
`);
