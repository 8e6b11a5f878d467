import { type SQL, sql } from 'drizzle-orm';

/**
 * Ordering of period transitions with postings (docs/architecture/periods.md, "Ordering with
 * postings"; SQL in tenant migration 0020_close_ordering).
 *
 * Every period has a gate: a transaction-level advisory lock. A posting holds the gates of its
 * periods shared until it commits; a transition holds the gate of each period it moves exclusive.
 * PostgreSQL's lock queue is fair for these locks (a new shared request waits behind a queued
 * exclusive one), so a transition waits for the postings already in flight and never for those
 * that arrive after it. Both then mark the transaction's recorded time (`cifra_now()`), which
 * stamps entries, audit events and history versions: it is taken after the gates are held, so a
 * transition's time is later than every entry it admitted, and an entry's later than the last
 * transition of its period.
 */

// Anything with drizzle's `execute`: a tenant database or a transaction on it.
interface Executor {
  execute(query: SQL): Promise<unknown>;
}

/**
 * Hold the gates of these periods exclusive (a transition that moves their state), in start-date
 * order, then mark the time. Call it before locking any period row: a posting waiting at a row
 * lock while holding its gate would otherwise deadlock with us.
 */
export async function holdPeriodsForTransition(tx: Executor, periodIds: readonly string[]): Promise<void> {
  await tx.execute(sql`SELECT cifra_hold_periods(${`{${periodIds.join(',')}}`}::uuid[], true)`);
}

/**
 * Mark the transaction's recorded time now. Call it right after taking the row lock of an update
 * that writes a version: two updates of one row take turns at the lock, and the second's version
 * must be stamped after the first's commit, not at its own (earlier) start.
 */
export async function markRecordedTime(tx: Executor): Promise<void> {
  await tx.execute(sql`SELECT cifra_mark_recorded_time()`);
}

/**
 * The books made to start on `date` (an opening balance import, docs/architecture/opening-balances.md):
 * no year may be opened meanwhile (the client's years held in SHARE mode, which every year's
 * transition waits for and postings pass), and the gate of every period before `date` is held
 * exclusive, in start-date order. A posting into one of them already in flight commits first, and
 * the import then reads its lines; one that comes after waits, and then reads the import's date.
 */
export async function holdPeriodsBefore(tx: Executor, date: string): Promise<void> {
  await tx.execute(sql`LOCK TABLE fiscal_years IN SHARE MODE`);
  await tx.execute(sql`
    SELECT cifra_hold_periods(ARRAY(SELECT id FROM posting_periods WHERE start_date < ${date}::date), true)`);
}
