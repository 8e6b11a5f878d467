import { type TenantDb, tenantDb } from './drizzle.ts';
import { pg } from './pg.ts';

/**
 * Run `read` on one connection in one read-only REPEATABLE READ transaction: every statement it
 * runs sees the same snapshot of the books, taken at its first statement, so a report that combines
 * several reads (an aging's invoices and credits, a general ledger's closing balance and lines)
 * cannot contradict itself while postings commit around it (docs/architecture/posting.md, "Reports
 * and exports"). Reads `read` starts together still run one after another on the one connection.
 *
 * On a database that is already one connection — a caller's transaction, or a snapshot this opened
 * — `read` runs on it, in the transaction it is in.
 */
export async function inReadSnapshot<T>(db: TenantDb, read: (snapshot: TenantDb) => Promise<T>): Promise<T> {
  const source = db.$client;
  if (!(source instanceof pg.Pool)) return read(db);
  const client = await source.connect();
  let broken = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await read(tenantDb(client));
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // A refusal inside `read` leaves a healthy connection; one that cannot even roll back is dropped.
    broken = await client.query('ROLLBACK').then(
      () => false,
      () => true,
    );
    throw err;
  } finally {
    client.release(broken);
  }
}
