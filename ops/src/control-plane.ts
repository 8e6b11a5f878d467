import {
  CONTROL_APP_ROLE,
  type ControlDb,
  control,
  controlDb,
  controlPlanePool,
  createDatabase,
  databaseExists,
  ensureAppRole,
  ensureControlAppRole,
  migrateControlPlane,
  passwordOf,
  type pg,
  withCredentials,
  withDatabase,
  withPasswordSecret,
} from '@cifra/db';
import { ISO_4217 } from '@cifra/domain';
import { eq, sql } from 'drizzle-orm';

export const CONTROL_DATABASE = 'cifra_control';

export interface ControlPlane {
  /** As the admin that migrates it (and seeds the demo firm). */
  url: string;
  pool: pg.Pool;
  db: ControlDb;
  /** As the services' role, `cifra_control_app`: what the gateway, the subgraphs and the worker use. */
  appUrl: string;
  /**
   * The secret the tenant directory names for this server's admin password
   * (`${DB_ADMIN_PASSWORD}`), for the services that provision or migrate client databases.
   */
  serverSecrets: Readonly<Record<string, string>>;
}

/** The placeholder the tenant directory uses for the admin password of the server it registers. */
export const SERVER_ADMIN_PASSWORD_SECRET = 'DB_ADMIN_PASSWORD';

/**
 * Bring the control plane up to date: create its database if needed, make sure the services' role
 * exists with its password, migrate it (which grants that role what it needs), refresh the ISO
 * 4217 list, and make sure the server new clients go to is registered and has the application's
 * privilege role (`cifra_app`, which logs in nowhere: each client has its own login).
 */
export async function prepareControlPlane(opts: {
  /** Server admin URL; the control plane is its `cifra_control` database unless `url` names one. */
  serverUrl: string;
  controlUrl?: string;
  serverName: string;
  /** Password of `cifra_control_app`, the services' role on the control plane. */
  controlAppPassword: string;
  /**
   * Operator commands: leave the role's password as it is when the role exists. They never log in
   * as it, and setting their DATA_DIR's secret would lock out services started with another one.
   */
  keepControlAppPassword?: boolean;
}): Promise<ControlPlane> {
  const url = opts.controlUrl ?? withDatabase(opts.serverUrl, CONTROL_DATABASE);
  const { controlAppPassword } = opts;
  // The role lives on the control plane's own server (the one `url` names).
  await ensureControlAppRole(url, controlAppPassword, { keepPassword: opts.keepControlAppPassword });
  if (!opts.controlUrl && !(await databaseExists(opts.serverUrl, CONTROL_DATABASE))) {
    await createDatabase(opts.serverUrl, CONTROL_DATABASE, undefined, [CONTROL_APP_ROLE]).catch(
      async (err) => {
        // Two launchers racing on one server: the loser finds the database there.
        if (!(await databaseExists(opts.serverUrl, CONTROL_DATABASE))) throw err;
      },
    );
  }
  await migrateControlPlane(url);
  await ensureAppRole(opts.serverUrl);
  const pool = controlPlanePool(url, 'cifra-control');
  const db = controlDb(pool);
  await db
    .insert(control.currencies)
    .values(ISO_4217.map((c) => ({ ...c })))
    .onConflictDoUpdate({
      target: control.currencies.code,
      set: {
        name: sql`excluded.name`,
        minorUnits: sql`excluded.minor_units`,
        numericCode: sql`excluded.numeric_code`,
      },
    });
  const [server] = await db
    .select()
    .from(control.dbServers)
    .where(eq(control.dbServers.name, opts.serverName));
  // The directory names the admin password as a secret, never the password itself: the services'
  // role can read the directory, and only provisioning and migrations need the password.
  const adminUrl = withPasswordSecret(opts.serverUrl, SERVER_ADMIN_PASSWORD_SECRET);
  if (!server) {
    await db.insert(control.dbServers).values({ name: opts.serverName, adminUrl });
  } else if (server.adminUrl !== adminUrl) {
    // The embedded server takes a free port at every start; older directories held the password.
    await db.update(control.dbServers).set({ adminUrl }).where(eq(control.dbServers.id, server.id));
  }
  const password = passwordOf(opts.serverUrl);
  return {
    url,
    pool,
    db,
    appUrl: withCredentials(url, CONTROL_APP_ROLE, controlAppPassword),
    serverSecrets: password === undefined ? {} : { [SERVER_ADMIN_PASSWORD_SECRET]: password },
  };
}
