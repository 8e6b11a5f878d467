/**
 * Bad-debt write-offs (issue 18 §2) as one feature: its schema (`write-offs.graphql`, with the
 * receipts' `Allocation.smallDifference`), rules, resolvers and the use case (`write-off.ts`). A
 * write-off is a document kind (`documents/kinds.ts`, family WRITE_OFF): it is posted, numbered,
 * voided and stored by the documents feature, through `documents/store.ts`.
 */
export * from './write-off.ts';
