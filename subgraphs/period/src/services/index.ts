/**
 * The per-client period machine, callable outside GraphQL (the firm's batch jobs use it). Every
 * operation takes the client's database, the acting user with their permissions on that client,
 * and its arguments; it performs one transition in its own transaction, audited, or throws a
 * DomainError with a stable code and writes nothing.
 */

export * from '../year-end/index.ts';
export * from './actor.ts';
export * from './checklist.ts';
export * from './close-status.service.ts';
export * from './fiscal-year.service.ts';
export * from './period-close.service.ts';
export * from './period-transitions.service.ts';
export type {
  FiscalYearRow,
  PeriodCloseRow,
  PeriodTransitionRow,
  PostingPeriodRow,
  TransitionAction,
} from './store.ts';
