import { todayIn } from '@cifra/domain';

/**
 * The fiscal year the tests write their books in: the year they were written in. Subgraph tests
 * seed it (`seedTestBooks`); every end-to-end stack's clients have it, and each year after it, open
 * (test/support/books-year.ts), so the tests read the same books whatever the day they run.
 */
export const BOOKS_YEAR = 2026;

/**
 * Today on a client's clock, Panama's by default (every demo client's): the day a test posts "today"
 * on. From 19:00 in Panama it is not UTC's today, which may lie in a year the books do not have.
 */
export const clientToday = (timezone = 'America/Panama') => todayIn(timezone);

/** The fiscal year a client provisioned today is given: the year of its today. */
export const provisionedYear = (timezone = 'America/Panama') => Number(clientToday(timezone).slice(0, 4));

/**
 * BOOKS_YEAR and each year after it up to today's on a client's clock: the years a test client's
 * books are opened for, so that what a service dates today (a void, a receipt's default date) has
 * its period whatever the day the tests run.
 */
export function booksYears(timezone = 'America/Panama'): number[] {
  const last = Math.max(BOOKS_YEAR, provisionedYear(timezone));
  return Array.from({ length: last - BOOKS_YEAR + 1 }, (_, i) => BOOKS_YEAR + i);
}
