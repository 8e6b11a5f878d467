import type { BooksProblem, ChainCheckpointProblem } from '../../__generated__/graphql.ts';

/** What each problem the books check names means, in words. */
export const BOOKS_PROBLEMS: Record<BooksProblem, string> = {
  CHANGED:
    'its lines no longer match what was posted: an amount, an account, or a line added or removed since',
  UNRECORDED: 'it has no posting event in the audit trail: it was written behind the application’s back',
  MISSING: 'its posting event is in the audit trail but the entry itself is gone',
};

export const CHECKPOINT_PROBLEMS: Record<ChainCheckpointProblem, string> = {
  REWRITTEN:
    'the audit chain was rewritten: the event at the checkpoint’s position is gone or carries another hash',
  FORGED: 'the checkpoint’s seal does not verify: it was not written by the services',
};
