import { can, Permissions as P } from '@cifra/permissions';

const read = can(P.GL.Read);
// A template may post without anyone approving (recurringEntriesAutoPost): writing one, or making
// its occurrences now, needs the right to post.
const post = can(P.GL.Post);

export const recurringRules = {
  Query: { recurringEntryTemplates: read, recurringEntryTemplate: read, pendingReversals: read },
  Mutation: {
    createRecurringEntryTemplate: post,
    updateRecurringEntryTemplate: post,
    endRecurringEntryTemplate: post,
    runRecurringEntries: post,
    postDueReversals: post,
  },
  types: {
    RecurringEntryTemplate: read,
    RecurringEntryRun: read,
    RecurringEntriesRun: read,
    PendingReversal: read,
    RefusedReversal: read,
    ReversalsRun: read,
  },
};
