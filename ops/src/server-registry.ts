import {
  type Actor,
  type ControlDb,
  control,
  ensureAppRole,
  inTransaction,
  passwordOf,
  recordAuditEvent,
  resolveSecrets,
  withClient,
  withDatabase,
  withoutCredentials,
  withPasswordSecret,
} from '@cifra/db';
import { badInput, DomainError } from '@cifra/domain';
import { eq } from 'drizzle-orm';

const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
const PLACEHOLDER = /\$\{([A-Z0-9_]+)\}/;

/** The `${NAME}` secret a server's admin password is kept under when given in clear: `CIFRA_SERVER_<NAME>_PASSWORD`. */
export const serverPasswordSecret = (name: string) =>
  `CIFRA_SERVER_${name.toUpperCase().replace(/-/g, '_')}_PASSWORD`;

/**
 * Register a PostgreSQL server clients may live on (`pnpm server add <name> <admin-url>`). The
 * directory never holds its password: an admin URL with a password in clear is stored with it
 * replaced by `${CIFRA_SERVER_<NAME>_PASSWORD}` (the services that provision, migrate or move
 * clients then need that secret in their environment), one already naming a `${SECRET}` is stored
 * as given (the secret must be set now). The server must answer and let its admin create databases
 * and roles; the application's privilege role is made there. New clients go to the server accepting
 * them that holds the fewest (provisioning, restores), unless `acceptsNewTenants` is false.
 */
export async function addServer(
  db: ControlDb,
  operator: Actor,
  input: {
    name: string;
    adminUrl: string;
    acceptsNewTenants?: boolean;
    secrets: Readonly<Record<string, string | undefined>>;
  },
): Promise<{ id: string; name: string; adminUrl: string; secret: string | null }> {
  if (!NAME.test(input.name))
    throw badInput('name: lower-case letters, digits and dashes, 1 to 40 characters', { field: 'name' });
  let url: URL;
  try {
    url = new URL(input.adminUrl.replace(PLACEHOLDER, 'placeholder'));
  } catch {
    throw badInput('admin-url: a postgres:// URL', { field: 'adminUrl' });
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw badInput('admin-url: a postgres:// URL', { field: 'adminUrl' });
  const named = PLACEHOLDER.exec(input.adminUrl)?.[1];
  const secret = named ?? (passwordOf(input.adminUrl) ? serverPasswordSecret(input.name) : null);
  const stored = named ? input.adminUrl : withPasswordSecret(input.adminUrl, secret ?? '');
  const resolved = named
    ? (() => {
        if (input.secrets[named] === undefined)
          throw badInput(`admin-url: the secret ${named} it names is not set`, { field: 'adminUrl' });
        return resolveSecrets(input.adminUrl, input.secrets);
      })()
    : input.adminUrl;
  const [taken] = await db.select().from(control.dbServers).where(eq(control.dbServers.name, input.name));
  if (taken) throw new DomainError('CONFLICT', `A server ${input.name} is registered already`, {});
  const may = await withClient(withDatabase(resolved, 'postgres'), async (c) => {
    const { rows } = await c.query<{ ok: boolean }>(
      'SELECT (rolsuper OR (rolcreatedb AND rolcreaterole)) AS ok FROM pg_roles WHERE rolname = current_user',
    );
    return rows[0]?.ok === true;
  }).catch((err: unknown) => {
    throw badInput(
      `admin-url: ${withoutCredentials(input.adminUrl)} does not answer: ${(err as Error).message}`,
      { field: 'adminUrl' },
    );
  });
  if (!may)
    throw badInput('admin-url: its user must be able to create databases and roles (CREATEDB, CREATEROLE)', {
      field: 'adminUrl',
    });
  await ensureAppRole(resolved);
  return inTransaction(db, operator, async (tx) => {
    const [row] = await tx
      .insert(control.dbServers)
      .values({ name: input.name, adminUrl: stored, acceptsNewTenants: input.acceptsNewTenants ?? true })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new DomainError('CONFLICT', `A server ${input.name} is registered already`, {});
    await recordAuditEvent(tx, operator, {
      action: 'server.added',
      entityType: 'DbServer',
      entityId: row.id,
      after: {
        name: row.name,
        address: withoutCredentials(stored),
        acceptsNewTenants: row.acceptsNewTenants,
      },
    });
    return { id: row.id, name: row.name, adminUrl: stored, secret };
  });
}
