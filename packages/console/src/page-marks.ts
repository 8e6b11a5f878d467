/**
 * Marks on the page's own clock (`performance.mark`) at the steps of opening the console on the
 * close board, which the browser benchmark reads beside Navigation Timing to say where a page
 * load's time goes (test/bench/console-board.bench.ts, docs/benchmarks.md). Each mark is set once
 * per page load: the first time a step happens.
 */
export type PageStep =
  /** `/auth/config` answered: the console knows how to sign in (and whether a session is kept). */
  | 'sign-in-config'
  /** The shell's `me` answered. */
  | 'me'
  /** The board's chunk ran. */
  | 'board-chunk'
  /** The board's first request answered. */
  | 'board-first-data'
  /** Every request of the board answered. */
  | 'board-data'
  /** The board's table drawn complete (every month in). */
  | 'board-drawn';

export function markStep(step: PageStep): void {
  const name = `cifra:${step}`;
  if (typeof performance === 'undefined' || performance.getEntriesByName(name, 'mark').length > 0) return;
  performance.mark(name);
}
