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

/**
 * The URL with its password replaced by a `${name}` placeholder, for the tenant directory: the
 * control plane then holds no server password, and only the services that act as the server's
 * admin (provisioning, migrations) read it from their environment. A URL without a password is
 * returned as is.
 */
export function withPasswordSecret(url: string, name: string): string {
  const u = new URL(url);
  if (!u.password) return url;
  const marker = 'cifra-password-placeholder';
  u.password = marker;
  return u.toString().replace(marker, `\${${name}}`);
}

/** The password a URL carries (decoded), if any. */
export function passwordOf(url: string): string | undefined {
  const password = new URL(url).password;
  return password ? decodeURIComponent(password) : undefined;
}

/**
 * The URL without its user and password, read from the raw text so that a `${SECRET}` placeholder
 * in the password never needs resolving: for callers that put credentials of their own in.
 */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]*@/i, '$1');
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
 * A client's database name reveals nothing about the client: PostgreSQL shows the list of
 * databases to every login on the server. `cifra_c_` and 24 random hex digits, so a retried
 * provisioning never meets the debris of an earlier attempt and several control planes can share
 * one server. (Databases made before this scheme were named from the slug; `pnpm migrate` renames them.)
 */
export function opaqueDatabaseName(): string {
  return `cifra_c_${randomBytes(12).toString('hex')}`;
}

export const isOpaqueDatabaseName = (name: string) => /^cifra_c_[0-9a-f]{24}$/.test(name);
