import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { withClient } from './pg.ts';

const folder = (name: string) => fileURLToPath(new URL(`../migrations/${name}`, import.meta.url));

/** One migrator at a time per database: a second caller waits for the first, then finds nothing to do. */
const MIGRATION_LOCK = 726_001;

async function runMigrations(url: string, migrationsFolder: string, writable = false): Promise<void> {
  await withClient(url, async (client) => {
    // An archived client's database refuses writes to every session by default; its owner's
    // migration session says otherwise for itself alone.
    if (writable) await client.query('SET default_transaction_read_only = off');
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

/**
 * Migrate one client database; `url` must connect as the role that owns the books (not cifra_app).
 * `archived`: the client is archived (its database read-only by default), migrated all the same.
 */
export function migrateTenantDatabase(url: string, opts: { archived?: boolean } = {}): Promise<void> {
  return runMigrations(url, folder('tenant'), opts.archived === true);
}

export interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}

/** The tenant migrations this code knows, in order (the journal drizzle applies them from). */
export async function tenantMigrationJournal(): Promise<JournalEntry[]> {
  const journal = JSON.parse(
    await readFile(path.join(folder('tenant'), 'meta', '_journal.json'), 'utf8'),
  ) as {
    entries: JournalEntry[];
  };
  return journal.entries;
}

/**
 * Migrate a client database to the first `applied` tenant migrations only (a restore lays a
 * backup down at the schema version it was taken at, then migrates to the current one): the
 * migrator runs on a copy of the migrations folder whose journal is cut at that position.
 */
export async function migrateTenantDatabaseTo(url: string, applied: number): Promise<void> {
  const source = folder('tenant');
  const entries = await tenantMigrationJournal();
  if (applied < 1 || applied > entries.length)
    throw new Error(`no tenant schema version ${applied} (this code knows 1 to ${entries.length})`);
  const cut = await mkdtemp(path.join(os.tmpdir(), 'cifra-migrations-'));
  try {
    await mkdir(path.join(cut, 'meta'));
    const journal = JSON.parse(await readFile(path.join(source, 'meta', '_journal.json'), 'utf8')) as {
      entries: JournalEntry[];
    };
    journal.entries = journal.entries.slice(0, applied);
    await writeFile(path.join(cut, 'meta', '_journal.json'), JSON.stringify(journal));
    for (const entry of journal.entries)
      await copyFile(path.join(source, `${entry.tag}.sql`), path.join(cut, `${entry.tag}.sql`));
    await runMigrations(url, cut);
  } finally {
    await rm(cut, { recursive: true, force: true });
  }
}
