import { randomBytes } from 'node:crypto';

/**
 * Connection strings for the servers in the tenant directory. An admin URL stored in the control
 * plane may name secrets as `${ENV_NAME}`; they are filled in from the given environment here, so
 * production credentials never need to be written into a table.
 */
export function resolveSecrets(url: string, secrets: Readonly<Record<string, string | undefined>>): string {
  return url.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
    const value = secrets[name];
    if (value === undefined) throw new Error(`Secret ${name} named in a server URL is not set`);
    return encodeURIComponent(value);
  });
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export function withCredentials(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** The URL without its password, for logs and error messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}

/**
 * A client's database is named from its slug (readable for operators) plus a random suffix, so a
 * retried provisioning never meets the debris of an earlier attempt and several control planes
 * can share one server.
 */
export function tenantDatabaseName(slug: string): string {
  return `cifra_t_${slug.replace(/-/g, '_')}_${randomBytes(3).toString('hex')}`;
}
