import {
  type Actor,
  type ControlDb,
  control,
  databaseExists,
  dropClientLogins,
  inTransaction,
  isOpaqueDatabaseName,
  opaqueDatabaseName,
  recordAuditEvent,
  renameDatabase,
} from '@cifra/db';
import { eq } from 'drizzle-orm';

export interface DirectoryRow {
  id: string;
  firmId: string;
  databaseName: string;
  previousDatabaseName: string | null;
}

/**
 * Give a client database named before ADR 0003 (from its slug) an opaque name, since PostgreSQL
 * shows every database's name to every login on the server. The directory records the new name
 * (and the old one) first, in the firm trail; then the server's database is renamed, the logins
 * made for the old name are dropped, and the old name is cleared. Interrupted anywhere, the next
 * `pnpm migrate` resumes from the directory. Answers the database's (new) name.
 */
export async function renameToOpaqueName(
  db: ControlDb,
  operator: Actor,
  serverAdminUrl: string,
  row: DirectoryRow,
): Promise<string> {
  let { databaseName, previousDatabaseName } = row;
  if (!previousDatabaseName) {
    if (isOpaqueDatabaseName(databaseName)) return databaseName;
    // A database that is not there is reported as it is, the directory left alone.
    if (!(await databaseExists(serverAdminUrl, databaseName)))
      throw new Error(`database "${databaseName}" does not exist`);
    previousDatabaseName = databaseName;
    databaseName = opaqueDatabaseName();
    await inTransaction(db, operator, async (tx) => {
      await tx
        .update(control.tenants)
        .set({ databaseName, previousDatabaseName })
        .where(eq(control.tenants.id, row.id));
      await recordAuditEvent(tx, operator, {
        action: 'tenant.database_renamed',
        entityType: 'Tenant',
        entityId: row.id,
        tenantId: row.id,
        firmId: row.firmId,
        before: { database: previousDatabaseName },
        after: { database: databaseName },
      });
    });
  }
  await renameDatabase(serverAdminUrl, previousDatabaseName, databaseName);
  await dropClientLogins(serverAdminUrl, previousDatabaseName, databaseName);
  await db.update(control.tenants).set({ previousDatabaseName: null }).where(eq(control.tenants.id, row.id));
  return databaseName;
}
