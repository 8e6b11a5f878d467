import path from 'node:path';
import type { S3Target } from '@cifra/backups';
import { ContextVerifier, createLogger, type Logger, type SubgraphDeps } from '@cifra/context';
import { TenantRegistry } from '@cifra/db';
import { ExportLinkSigner, ExportLinkVerifier } from '@cifra/exports';
import type { ProviderRegistry } from '@cifra/subgraph-fx';
import type { FanOutOptions } from '@cifra/subgraph-period';
import { Tracing, type TracingOptions } from '@cifra/tracing';
import { consoleManifestOptions } from './console-build.ts';
import type { ControlPlane } from './control-plane.ts';
import { openControlPlane } from './database-server.ts';
import { seedDemoFirm } from './demo.ts';
import { jobQueueStats } from './job-metrics.ts';
import { migrateAllTenants } from './migrate-all.ts';
import {
  backupServices,
  type GatewayServiceOptions,
  SUBGRAPH_NAMES,
  startGatewayService,
  startSubgraphService,
} from './services.ts';
import { type RunningWorker, startWorker } from './worker.ts';

export interface StackOptions {
  dataDir: string;
  /** The longest lifetime a user token may have (AUTH_MAX_TOKEN_LIFETIME); 24 h by default. */
  maxTokenLifetimeSeconds?: number;
  port: number;
  host?: string;
  /** An existing PostgreSQL server for the control plane and new clients; embedded when absent. */
  databaseUrl?: string;
  secrets?: Readonly<Record<string, string | undefined>>;
  seedDemo?: boolean;
  /**
   * The demo's two fiscal years of books and rates (ops/src/demo/; `pnpm start` asks for it); by
   * default only three weeks of cash sales per client, the small fixed books the end-to-end tests
   * assert on.
   */
  demoHistory?: boolean;
  /** Tests only: an embedded server without fsync. */
  durable?: boolean;
  log?: Logger;
  /**
   * The password of `cifra_control_app`, a cluster-wide role: DATA_DIR's secret by default. Tests
   * sharing one server pass the password every other test control plane already uses.
   */
  appPassword?: string;
  /**
   * The gateway's address as clients reach it, for export download links (e.g. behind a proxy);
   * by default the address the gateway listens on.
   */
  publicUrl?: string;
  /** Run the background job worker in this process (default true). */
  worker?: boolean;
  /** Close board and exceptions: clients read at once and the per-client timeout. */
  fanOut?: Partial<FanOutOptions>;
  /** Worker tuning: polling, lock lifetime (how fast a dead worker's jobs are retaken), batch concurrency. */
  jobs?: {
    processEveryMs?: number;
    lockLifetimeMs?: number;
    periodBatchConcurrency?: number;
    /** Attempts at a client that cannot be reached before its batch item fails (4). */
    periodBatchUnavailableAttempts?: number;
    backupConcurrency?: number;
    /** Days between restore drills of each client (7 by default; 0: none). */
    drillEveryDays?: number;
    /** Back up and drill, once at start, every active client never backed up (what `pnpm start` asks). */
    firstBackupsOnStart?: boolean;
    /** How often the close board's projector looks for clients that announced a change. */
    closeBoardPollMs?: number;
    /** Clients the close board's projector reads at once. */
    closeBoardProjectorConcurrency?: number;
  };
  /** The gateway's CORS origins and demand-control limits. */
  perimeter?: GatewayServiceOptions['perimeter'];
  /** The built firm console the gateway serves at `/` (ops/src/console-build.ts); none when absent. */
  console?: { dir: string };
  /**
   * The firm's identity provider (AUTH_ISSUER, AUTH_JWKS_URL, AUTH_AUDIENCE): the gateway verifies
   * its tokens instead of the local issuer's, and the local sign-in page and its demo users are off.
   * `consoleOidc` is the console's client there (CONSOLE_OIDC_*).
   */
  externalAuth?: {
    auth: { kind: 'oidc'; issuer: string; jwksUrl: string; audience: string };
    consoleOidc?: GatewayServiceOptions['consoleOidc'];
  };
  /** Where client backups are written (BACKUP_DIR); DATA_DIR/backups by default. */
  backupDir?: string;
  /** An S3-compatible bucket for backups instead of the directory (BACKUP_S3_URL). */
  backupS3?: S3Target;
  /** Days a database replaced by a restore in place is kept (RESTORE_KEEP_REPLACED_DAYS, 7). */
  restoreKeepReplacedDays?: number;
  /** Hours a restore in place request waits for its approval (RESTORE_REQUEST_EXPIRES_HOURS, 72). */
  restoreRequestExpiresHours?: number;
  /** FX rate providers for the worker's daily refresh; none when absent, so tests never reach the internet. */
  fxProviders?: ProviderRegistry;
  /**
   * Traces (OTEL_EXPORTER_OTLP_ENDPOINT, or span processors of the caller's own in tests): each
   * service of the stack reports as `cifra-<service>`. Off when absent.
   */
  tracing?: TracingOptions;
}

export interface Stack {
  gatewayUrl: string;
  /** The firm console's address (`/` of the gateway), when the stack serves it. */
  consoleUrl?: string;
  healthUrl: string;
  subgraphUrls: Readonly<Record<string, string>>;
  control: ControlPlane;
  registry: TenantRegistry;
  authPrivateJwk: import('jose').JWK;
  /** What another gateway instance in front of the same subgraphs needs (tests of shared state). */
  gatewayKeys: { authPublicJwk: import('jose').JWK; contextPrivateJwk: import('jose').JWK };
  /** The embedded PostgreSQL server this stack started and supervises (none with DATABASE_URL). */
  embedded?: import('@cifra/db/embedded').EmbeddedServer;
  /** The control plane as the services' role. */
  appControl: ControlPlane['db'];
  /** The `${NAME}` secrets the services were given (TENANT_DB_SECRET, the servers' admin passwords, …). */
  serviceSecrets: Readonly<Record<string, string | undefined>>;
  worker?: RunningWorker;
  close(): Promise<void>;
}

/**
 * The all-in-one product: a PostgreSQL server (embedded unless DATABASE_URL names one), the control
 * plane, the demo firm on first start, the job worker, the five subgraphs on free ports and the gateway on `port`.
 * Each service starts through ops/src/services.ts, as it does alone in split mode (ops/src/serve.ts).
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const log = opts.log ?? createLogger('cifra');
  const opened = await openControlPlane({
    dataDir: opts.dataDir,
    databaseUrl: opts.databaseUrl,
    durable: opts.durable,
    log,
    controlAppPassword: opts.appPassword,
  });
  const { control, secrets } = opened;
  // `${NAME}` secrets: DATA_DIR's, the caller's, and the admin password of the server this stack
  // registered (the tenant directory names it, never holds it).
  const serverSecrets = opened.serviceSecrets(opts.secrets);
  // Every service connects to the control plane as cifra_control_app, which owns nothing there;
  // only migrations and the demo seed use the admin connection.
  const app = opened.app;
  const tracing = opts.tracing ? new Tracing(opts.tracing) : undefined;
  // Stopped last: what the services did while stopping is still exported.
  const cleanups: [string, () => Promise<void>][] = tracing ? [['traces', () => tracing.shutdown()]] : [];
  /** Stop in reverse order of start: gateway, subgraphs, worker, pools, then the database server. */
  const closeAll = async () => {
    for (const [what, cleanup] of cleanups.reverse()) {
      log.debug(`stopping ${what}`);
      await cleanup().catch((err: unknown) => log.warn({ err }, `stopping ${what} failed`));
    }
    log.debug('stopping the control-plane pool and database server');
    await opened.close();
  };
  try {
    const registry = new TenantRegistry({
      control: app.db,
      secrets: serverSecrets,
      listen: {
        connection: app.pool.options,
        onError: (err) => log.warn({ err }, 'location announcements: connection lost; reconnecting'),
      },
    });
    cleanups.push(['tenant pools', () => registry.close()]);
    await readyClients(opts, opened.control.db, registry, serverSecrets, log);
    const worker =
      opts.worker === false
        ? undefined
        : await startStackWorker(opts, app, registry, serverSecrets, log, tracing);
    if (worker) cleanups.push(['job worker', worker.stop]);
    let publicUrl = opts.publicUrl ?? '';
    const deps: SubgraphDeps = {
      control: app.db,
      registry,
      verifier: await ContextVerifier.fromJwk(secrets.contextPublicJwk),
      log,
      tracing,
      // The gateway's address is known once it listens (port 0 picks a free one); links are
      // signed only at request time, after that.
      exportLinks: await ExportLinkSigner.fromJwk(secrets.exportPrivateJwk, () => publicUrl),
    };
    const config = {
      secrets: serverSecrets,
      fanOut: opts.fanOut,
      backupDir: opts.backupDir ?? path.join(opts.dataDir, 'backups'),
      backupS3: opts.backupS3,
      restoreKeepReplacedDays: opts.restoreKeepReplacedDays,
      restoreRequestExpiresHours: opts.restoreRequestExpiresHours,
    };
    const subgraphUrls: Record<string, string> = {};
    const subgraphs: (() => Promise<void>)[] = [];
    // Drained side by side (each up to DRAIN_MS), so that their waits do not add up.
    cleanups.push(['subgraphs', async () => void (await Promise.all(subgraphs.map((close) => close())))]);
    for (const name of SUBGRAPH_NAMES) {
      const running = await startSubgraphService(name, deps, config, { port: 0, host: opts.host });
      subgraphs.push(running.close);
      subgraphUrls[name] = running.url;
    }
    const gateway = await startGatewayService(
      await gatewayOptions(opts, secrets, subgraphUrls, app, registry, log, tracing),
    );
    cleanups.push(['gateway', gateway.close]);
    publicUrl ||= gateway.url.replace(/\/graphql$/, '');
    return {
      gatewayUrl: gateway.url,
      consoleUrl: opts.console ? gateway.url.replace(/\/graphql$/, '/') : undefined,
      healthUrl: gateway.url.replace(/\/graphql$/, '/healthz'),
      subgraphUrls,
      control,
      registry,
      authPrivateJwk: secrets.authPrivateJwk,
      gatewayKeys: { authPublicJwk: secrets.authPublicJwk, contextPrivateJwk: secrets.contextPrivateJwk },
      appControl: app.db,
      serviceSecrets: serverSecrets,
      embedded: opened.embedded,
      worker,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/**
 * Clients from before per-client logins renamed, migrated and given their logins before anything
 * serves them (as `pnpm migrate` does; one that fails is reported and the others still start;
 * clients already on the scheme are not visited), then the demo firm on first start.
 */
async function readyClients(
  opts: StackOptions,
  control: ControlPlane['db'],
  registry: TenantRegistry,
  serverSecrets: Readonly<Record<string, string | undefined>>,
  log: Logger,
): Promise<void> {
  const migrated = await migrateAllTenants({
    control,
    secrets: serverSecrets,
    operator: { userId: null, email: 'operator@pnpm-start', reason: 'pnpm start' },
    legacyOnly: true,
  });
  for (const r of migrated.filter((x) => x.status === 'failed'))
    log.warn({ client: r.slug, error: r.error }, 'client database not migrated');
  if (opts.seedDemo ?? true) {
    const seeded = await seedDemoFirm({
      control,
      registry,
      secrets: serverSecrets,
      history: opts.demoHistory ?? false,
    });
    if (seeded) log.info(seeded, `seeded the demo firm in ${seeded.ms} ms`);
  }
}

type AppControl = Awaited<ReturnType<typeof openControlPlane>>['app'];
type StackSecrets = Awaited<ReturnType<typeof openControlPlane>>['secrets'];

/** The background job worker in this process, with the stack's limits and backup services. */
function startStackWorker(
  opts: StackOptions,
  app: AppControl,
  registry: TenantRegistry,
  serverSecrets: Readonly<Record<string, string | undefined>>,
  log: Logger,
  tracing: Tracing | undefined,
): Promise<RunningWorker> {
  return startWorker({
    pool: app.pool,
    deps: {
      control: app.db,
      registry,
      log,
      secrets: serverSecrets,
      fxProviders: opts.fxProviders,
      limits: {
        periodBatchConcurrency: opts.jobs?.periodBatchConcurrency,
        periodBatchUnavailableAttempts: opts.jobs?.periodBatchUnavailableAttempts,
        backupConcurrency: opts.jobs?.backupConcurrency,
        drillEveryDays: opts.jobs?.drillEveryDays,
        firstBackupsOnStart: opts.jobs?.firstBackupsOnStart,
        closeBoardFanOut: opts.fanOut,
        closeBoardPollMs: opts.jobs?.closeBoardPollMs,
        closeBoardProjectorConcurrency: opts.jobs?.closeBoardProjectorConcurrency,
      },
      backups: backupServices({
        secrets: serverSecrets,
        backupDir: opts.backupDir ?? path.join(opts.dataDir, 'backups'),
        backupS3: opts.backupS3,
        restoreRequestExpiresHours: opts.restoreRequestExpiresHours,
      }),
    },
    processEvery: opts.jobs?.processEveryMs,
    lockLifetimeMs: opts.jobs?.lockLifetimeMs,
    tracing: tracing?.service('worker'),
  });
}

/** The gateway in front of the stack's subgraphs: its identity provider, console and perimeter. */
async function gatewayOptions(
  opts: StackOptions,
  secrets: StackSecrets,
  subgraphUrls: Record<string, string>,
  app: AppControl,
  registry: TenantRegistry,
  log: Logger,
  tracing: Tracing | undefined,
): Promise<GatewayServiceOptions> {
  return {
    port: opts.port,
    host: opts.host,
    subgraphUrls,
    auth: opts.externalAuth
      ? { ...opts.externalAuth.auth, maxTokenLifetimeSeconds: opts.maxTokenLifetimeSeconds }
      : {
          kind: 'local',
          publicJwk: secrets.authPublicJwk,
          maxTokenLifetimeSeconds: opts.maxTokenLifetimeSeconds,
        },
    consoleOidc: opts.externalAuth?.consoleOidc,
    ...consoleManifestOptions(),
    contextPrivateJwk: secrets.contextPrivateJwk,
    control: app.db,
    log,
    exports: { verifier: await ExportLinkVerifier.fromJwk(secrets.exportPublicJwk), registry },
    tracing: tracing?.service('gateway'),
    console: opts.console,
    // The embedded default is its own identity provider: the console may sign people in locally —
    // never when the firm's provider is the issuer.
    localSignIn: opts.externalAuth ? undefined : { privateJwk: secrets.authPrivateJwk },
    perimeter: {
      ...opts.perimeter,
      metrics: {
        ...opts.perimeter?.metrics,
        tenantPools: () => registry.serverStats(),
        jobs: () => jobQueueStats(app.pool),
      },
    },
  };
}
