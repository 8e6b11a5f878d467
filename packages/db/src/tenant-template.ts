import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { migrateTenantDatabase } from './migrate.ts';
import { type pg, quoteIdent, withClient } from './pg.ts';
import { closeToPublic, createDatabaseOn, dropDatabase } from './servers.ts';
import { withDatabase } from './url.ts';

/**
 * A new client's database is a copy of a migrated template (`CREATE DATABASE … TEMPLATE`, tens of
 * milliseconds) instead of an empty database migrated statement by statement (seconds). One
 * template per server and per state of the tenant migrations: its name carries a digest of them,
 * so a release that adds a migration builds a new template on first use and never copies a stale
 * one. A template accepts no connections (`ALLOW_CONNECTIONS false`), so nothing can change it and
 * no session blocks the copy; per-database grants come with the copy, while the database ACL and
 * the client's own logins are set on each copy as before (servers.ts, logins.ts).
 */
export const TEMPLATE_PREFIX = 'cifra_template_';

const TEMPLATE_LOCK = 726_003;
const MIGRATIONS = fileURLToPath(new URL('../migrations/tenant/', import.meta.url));

let digest: string | undefined;

/** A digest of the tenant migrations: their journal and every SQL file, in order. */
export function tenantMigrationsDigest(): string {
  if (digest) return digest;
  const hash = createHash('sha256').update(readFileSync(`${MIGRATIONS}meta/_journal.json`));
  for (const file of readdirSync(MIGRATIONS)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    hash.update(file).update(readFileSync(`${MIGRATIONS}${file}`));
  }
  digest = hash.digest('hex').slice(0, 20);
  return digest;
}

export const tenantTemplateName = (of = tenantMigrationsDigest()) => `${TEMPLATE_PREFIX}${of}`;

async function isTemplate(c: pg.Client, name: string): Promise<boolean> {
  const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate', [name]);
  return r.rowCount === 1;
}

/**
 * The server's template for the current tenant migrations, built on first use: migrated under a
 * building name, then renamed and sealed, so no copy is ever taken of a half-built one. Builders on
 * one server take turns on an advisory lock; the second finds the first one's template.
 */
export async function ensureTenantTemplate(adminUrl: string, of = tenantMigrationsDigest()): Promise<string> {
  return withClient(withDatabase(adminUrl, 'postgres'), (c) => tenantTemplateOn(c, adminUrl, of));
}

/**
 * A new client's database `name`, a copy of the server's template of the current migrations
 * (built first if it is missing), on one session of the server's admin connection.
 */
export async function createTenantDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(withDatabase(adminUrl, 'postgres'), async (c) =>
    createDatabaseOn(c, name, await tenantTemplateOn(c, adminUrl)),
  );
}

/** `ensureTenantTemplate` on a session `c` to the server's `postgres` database. */
async function tenantTemplateOn(
  c: pg.Client,
  adminUrl: string,
  of = tenantMigrationsDigest(),
): Promise<string> {
  const name = tenantTemplateName(of);
  if (await isTemplate(c, name)) return name;
  return underTemplateLock(c, async () => {
    if (await isTemplate(c, name)) return name;
    // A crash mid-build leaves the final name unsealed at worst: build it again.
    await dropDatabase(adminUrl, name);
    const building = `${TEMPLATE_PREFIX}building_${randomBytes(6).toString('hex')}`;
    await c.query(`CREATE DATABASE ${quoteIdent(building)}`);
    try {
      await closeToPublic(c, building);
      await migrateTenantDatabase(withDatabase(adminUrl, building));
      await c.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(name)}`);
    } catch (err) {
      await dropDatabase(adminUrl, building);
      throw err;
    }
    await c.query(`ALTER DATABASE ${quoteIdent(name)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
    return name;
  });
}

/**
 * Drop the server's templates of earlier migration states (and leftovers of interrupted builds),
 * keeping the current one. `pnpm migrate` runs it, with the services stopped: a service of an
 * older release could still be copying an older template.
 */
export async function dropStaleTenantTemplates(
  adminUrl: string,
  keep = tenantTemplateName(),
): Promise<string[]> {
  return withClient(withDatabase(adminUrl, 'postgres'), (c) =>
    // Not while a template is being built: its building name would look like a leftover.
    underTemplateLock(c, async () => {
      const stale = (
        await c.query<{ datname: string }>(
          `SELECT datname FROM pg_database WHERE starts_with(datname, $1) AND datname <> $2 ORDER BY datname`,
          [TEMPLATE_PREFIX, keep],
        )
      ).rows.map((r) => r.datname);
      for (const name of stale) {
        await c.query(`ALTER DATABASE ${quoteIdent(name)} WITH IS_TEMPLATE false`);
        await dropDatabase(adminUrl, name);
      }
      return stale;
    }),
  );
}

async function underTemplateLock<T>(c: pg.Client, fn: () => Promise<T>): Promise<T> {
  await c.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
  try {
    return await fn();
  } finally {
    await c.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => undefined);
  }
}
