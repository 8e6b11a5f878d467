import path from 'node:path';
import { BACKUP_KEY } from '@cifra/backups';
import type { Logger } from '@cifra/context';
import {
  CHECKPOINT_SECRET,
  type ControlDb,
  controlDb,
  controlPlanePool,
  endPool,
  INVESTIGATOR_SECRET,
  type pg,
  TENANT_DB_SECRET,
} from '@cifra/db';
import { type EmbeddedServer, startEmbeddedPostgres } from '@cifra/db/embedded';
import { type ControlPlane, prepareControlPlane } from './control-plane.ts';
import { type LocalSecrets, loadOrCreateSecrets } from './secrets.ts';

export interface ControlPlaneOptions {
  dataDir: string;
  /** An existing PostgreSQL server (its URL names the control-plane database); embedded when absent. */
  databaseUrl?: string;
  /** Tests only: an embedded server without fsync. */
  durable?: boolean;
  log: Logger;
  /** The services' role's password (`cifra_control_app`, on the control plane); DATA_DIR's secret by default. */
  controlAppPassword?: string;
  /** Operator commands: an existing `cifra_control_app` keeps its password (prepareControlPlane). */
  keepControlAppPassword?: boolean;
}

export interface OpenedControlPlane {
  /** As the admin: migrations, the demo seed, operational commands. */
  control: ControlPlane;
  /** As `cifra_control_app`: what every service (gateway, subgraphs, worker) is given. */
  app: { pool: pg.Pool; db: ControlDb };
  secrets: LocalSecrets;
  /**
   * The `${NAME}` secrets the services are given: DATA_DIR's (TENANT_DB_SECRET,
   * INVESTIGATOR_DB_SECRET, CHECKPOINT_SECRET), overridden by `given` (the environment), and the
   * admin password of the server this control plane registered.
   */
  serviceSecrets(given?: Readonly<Record<string, string | undefined>>): Record<string, string | undefined>;
  /** Admin URL of the server the control plane (and new clients) live on. */
  serverUrl: string;
  embedded?: EmbeddedServer;
  /** End the control-plane pool, then stop the embedded server if this process started it. */
  close(): Promise<void>;
}

/**
 * The database side of the embedded default, shared by `pnpm start` and `pnpm migrate`: the local
 * secrets under DATA_DIR, the PostgreSQL server (embedded unless `databaseUrl` names one), and the
 * control plane created, migrated and registered with the server new clients go to.
 */
export async function openControlPlane(opts: ControlPlaneOptions): Promise<OpenedControlPlane> {
  const secrets = await loadOrCreateSecrets(opts.dataDir);
  let embedded: EmbeddedServer | undefined;
  let serverUrl = opts.databaseUrl;
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres({
      dir: path.join(opts.dataDir, 'pg'),
      password: secrets.pgPassword,
      durable: opts.durable ?? true,
      log: (m) => opts.log.debug({ postgres: m }),
      notice: (m) => opts.log.warn(m),
      // Ctrl-C reaches the services, which stop PostgreSQL last (shutdown.ts), not PostgreSQL itself.
      detached: true,
      // If the server dies under the stack, it is started again and the pools reconnect lazily.
      supervise: {
        onEvent: (event, detail) => {
          if (event === 'died')
            opts.log.error('the embedded PostgreSQL server stopped unexpectedly: restarting it');
          else if (event === 'restarted') opts.log.warn('the embedded PostgreSQL server is running again');
          else opts.log.warn({ err: detail }, 'the embedded PostgreSQL server did not start yet: retrying');
        },
      },
    });
    serverUrl = embedded.url;
  }
  const controlAppPassword = opts.controlAppPassword ?? secrets.controlAppPassword;
  try {
    const control = await prepareControlPlane({
      serverUrl,
      controlUrl: opts.databaseUrl,
      serverName: embedded ? 'embedded' : 'primary',
      controlAppPassword,
      keepControlAppPassword: opts.keepControlAppPassword,
    });
    const appPool = controlPlanePool(control.appUrl, 'cifra', {
      onError: (err) => opts.log.warn({ err }, 'control-plane connection error'),
    });
    return {
      control,
      app: { pool: appPool, db: controlDb(appPool) },
      secrets,
      serviceSecrets: (given = {}) => ({
        [TENANT_DB_SECRET]: secrets.tenantDbSecret,
        [INVESTIGATOR_SECRET]: secrets.investigatorSecret,
        [CHECKPOINT_SECRET]: secrets.checkpointSecret,
        [BACKUP_KEY]: secrets.backupKey,
        ...given,
        ...control.serverSecrets,
      }),
      serverUrl,
      embedded,
      close: async () => {
        // Bounded: a connection some code never gave back must not hold the shutdown for ever.
        await endPool(appPool);
        await endPool(control.pool);
        await embedded?.stop();
      },
    };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}
