import { graphql } from '../../__generated__/gql.ts';

/** The recurring templates screen's requests (recurring.tsx, recurring-form.tsx, recurring-run.tsx). */

export const RecurringTemplateFragment = graphql(`
  fragment ConsoleRecurringTemplate on RecurringEntryTemplate {
    id
    name
    memo
    frequency
    dayOfMonth
    startDate
    endDate
    autoReverse
    active
    totalDebit
    nextOccurrence
    createdByEmail
    runs(first: 1) {
      id
      occurrenceDate
      status
    }
  }
`);

/** A template's lines, read when it is edited (every template's lines at once would pass the cost limit). */
export const RecurringTemplateLinesFragment = graphql(`
  fragment ConsoleRecurringTemplateLines on RecurringEntryTemplate {
    id
    lines {
      lineNumber
      debit
      credit
      memo
      account {
        id
        code
        name
      }
    }
  }
`);

export const RecurringTemplateQuery = graphql(`
  query ConsoleRecurringTemplate($id: ID!) {
    recurringEntryTemplate(id: $id) {
      ...ConsoleRecurringTemplate
      ...ConsoleRecurringTemplateLines
    }
  }
`);

/** Every template of the client, ended ones too (the API's most: 500), without their lines. */
export const RecurringTemplatesQuery = graphql(`
  query ConsoleRecurringTemplates {
    recurringEntryTemplates(includeEnded: true, first: 500) {
      ...ConsoleRecurringTemplate
    }
  }
`);

/** The client's own setting: drafts to approve, or entries posted (Tenant.Manage: a firm admin only). */
export const RecurringAutoPostQuery = graphql(`
  query ConsoleRecurringAutoPost {
    tenant {
      id
      settings {
        effective {
          recurringEntriesAutoPost
        }
      }
    }
  }
`);

export const CreateRecurringTemplateMutation = graphql(`
  mutation ConsoleCreateRecurringTemplate($input: RecurringEntryTemplateInput!) {
    createRecurringEntryTemplate(input: $input) {
      ...ConsoleRecurringTemplate
    }
  }
`);

export const UpdateRecurringTemplateMutation = graphql(`
  mutation ConsoleUpdateRecurringTemplate($id: ID!, $input: RecurringEntryTemplateInput!) {
    updateRecurringEntryTemplate(id: $id, input: $input) {
      ...ConsoleRecurringTemplate
    }
  }
`);

export const EndRecurringTemplateMutation = graphql(`
  mutation ConsoleEndRecurringTemplate($id: ID!) {
    endRecurringEntryTemplate(id: $id) {
      ...ConsoleRecurringTemplate
    }
  }
`);

export const RecurringRunFragment = graphql(`
  fragment ConsoleRecurringRun on RecurringEntryRun {
    id
    occurrenceDate
    status
    refusalCode
    refusalMessage
    template {
      id
      name
    }
    draft {
      id
      postingDate
    }
    entry {
      id
      number
    }
  }
`);

export const RunRecurringEntriesMutation = graphql(`
  mutation ConsoleRunRecurringEntries($asOf: Date) {
    runRecurringEntries(asOf: $asOf) {
      asOf
      made {
        ...ConsoleRecurringRun
      }
      refused {
        ...ConsoleRecurringRun
      }
    }
  }
`);

/** Accruals whose reversal is due by a day and not posted yet. */
export const PendingReversalsQuery = graphql(`
  query ConsolePendingReversals($asOf: Date) {
    pendingReversals(asOf: $asOf, first: 500) {
      reverseOn
      entry {
        id
        number
        memo
      }
    }
  }
`);

export const PostDueReversalsMutation = graphql(`
  mutation ConsolePostDueReversals($asOf: Date) {
    postDueReversals(asOf: $asOf) {
      asOf
      posted {
        id
        number
        postingDate
        reverses {
          id
          number
        }
      }
      refused {
        reverseOn
        code
        message
        entry {
          id
          number
        }
      }
    }
  }
`);
