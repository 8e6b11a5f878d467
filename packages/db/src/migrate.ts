import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { withClient } from './pg.ts';

const folder = (name: string) => fileURLToPath(new URL(`../migrations/${name}`, import.meta.url));

/** One migrator at a time per database: a second caller waits for the first, then finds nothing to do. */
const MIGRATION_LOCK = 726_001;

async function runMigrations(url: string, migrationsFolder: string): Promise<void> {
  await withClient(url, async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await migrate(drizzle({ client }), { migrationsFolder, migrationsSchema: 'drizzle' });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  });
}

export function migrateControlPlane(url: string): Promise<void> {
  return runMigrations(url, folder('control'));
}

/** Migrate one client database; `url` must connect as the role that owns the books (not cifra_app). */
export function migrateTenantDatabase(url: string): Promise<void> {
  return runMigrations(url, folder('tenant'));
}
