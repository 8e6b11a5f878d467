import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  BACKUP_KEY,
  type BackupStore,
  directoryBackupStore,
  keyringFromSecrets,
  type S3Target,
  s3BackupStore,
} from '@cifra/backups';
import {
  type BaseContext,
  ContextSigner,
  type Logger,
  type RunningSubgraph,
  type SubgraphDefinition,
  type SubgraphDeps,
  startSubgraph,
} from '@cifra/context';
import { type ControlDb, pg } from '@cifra/db';
import {
  type AuthConfig,
  createAuthenticator,
  DEFAULT_RATE_LIMITS,
  type GatewayOptions,
  IntegrationTokens,
  type RateLimitOptions,
  RateLimits,
  type RunningGateway,
  startGateway,
} from '@cifra/gateway';
import { documentChecker } from '@cifra/permissions';
import { auditSubgraph } from '@cifra/subgraph-audit';
import { createFxSubgraph } from '@cifra/subgraph-fx';
import { ledgerSubgraph } from '@cifra/subgraph-ledger';
import { createPeriodSubgraph, type FanOutOptions } from '@cifra/subgraph-period';
import { type BackupServices, tenancySubgraph } from '@cifra/subgraph-tenancy';
import type { JWK } from 'jose';

/**
 * How each service is started, whether all in one process (`pnpm start`, ops/src/stack.ts) or
 * alone (`pnpm serve <name>`, ops/src/serve.ts): both go through these functions.
 */

export const SUPERGRAPH_SDL_PATH = fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url));

export const SUBGRAPH_NAMES = ['tenancy', 'ledger', 'period', 'fx', 'audit'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export const isSubgraphName = (name: string): name is SubgraphName =>
  (SUBGRAPH_NAMES as readonly string[]).includes(name);

export interface SubgraphConfig {
  /** Values for `${NAME}` placeholders in server URLs (provisioning creates databases there). */
  secrets: Readonly<Record<string, string | undefined>>;
  /** Firm views (close board, exceptions, stale rate usage): clients read at once and the per-client timeout. */
  fanOut?: Partial<FanOutOptions>;
  /** Where client backups are written (BACKUP_DIR); backups need BACKUP_KEY in `secrets` too. */
  backupDir?: string;
  /** An S3-compatible bucket instead of `backupDir` (BACKUP_S3_URL). */
  backupS3?: S3Target;
  /** Days a database replaced by a restore in place is kept (RESTORE_KEEP_REPLACED_DAYS, 7). */
  restoreKeepReplacedDays?: number;
  /** Hours a restore in place request waits for its approval (RESTORE_REQUEST_EXPIRES_HOURS, 72). */
  restoreRequestExpiresHours?: number;
}

/** Where backups are kept: the bucket when one is configured, else the directory. */
export function backupStoreOf(where: { backupDir: string; backupS3?: S3Target }): BackupStore {
  return where.backupS3 ? s3BackupStore(where.backupS3) : directoryBackupStore(where.backupDir);
}

/** The backup store and keys (the tenancy subgraph's, the worker's), when a backup key and directory are configured. */
export function backupServices(
  config: Pick<
    SubgraphConfig,
    'secrets' | 'backupDir' | 'backupS3' | 'restoreKeepReplacedDays' | 'restoreRequestExpiresHours'
  >,
): BackupServices | null {
  if (!config.secrets[BACKUP_KEY] || !config.backupDir) return null;
  return {
    keepReplacedDays: config.restoreKeepReplacedDays,
    requestExpiresHours: config.restoreRequestExpiresHours,
    secrets: config.secrets,
    keys: keyringFromSecrets(config.secrets),
    store: backupStoreOf({ backupDir: config.backupDir, backupS3: config.backupS3 }),
  };
}

export function subgraphDefinition(
  name: SubgraphName,
  config: SubgraphConfig,
): SubgraphDefinition<BaseContext> {
  switch (name) {
    case 'tenancy':
      return tenancySubgraph(
        { secrets: config.secrets },
        // Trusted documents are checked against the composed supergraph and every subgraph's rules.
        documentChecker(
          () => readFileSync(SUPERGRAPH_SDL_PATH, 'utf8'),
          () => SUBGRAPH_NAMES.map((n) => subgraphDefinition(n, config)),
        ),
        backupServices(config),
      );
    case 'ledger':
      return ledgerSubgraph;
    case 'period':
      return createPeriodSubgraph({ fanOut: config.fanOut });
    case 'fx':
      return createFxSubgraph({ fanOut: config.fanOut });
    case 'audit':
      return auditSubgraph;
  }
}

export function startSubgraphService(
  name: SubgraphName,
  deps: SubgraphDeps,
  config: SubgraphConfig,
  listen: { port: number; host?: string },
): Promise<RunningSubgraph> {
  return startSubgraph(subgraphDefinition(name, config), deps, listen);
}

export interface GatewayServiceOptions {
  port: number;
  host?: string;
  /** Where each subgraph answers, by name. */
  subgraphUrls: Readonly<Record<string, string>>;
  /** The firm's OIDC provider, or the local issuer of the embedded default. */
  auth: AuthConfig;
  /** The gateway's private key for signing the request context. */
  contextPrivateJwk: JWK;
  control: ControlDb;
  log: Logger;
  /** Serve export downloads (links signed by the ledger subgraph). */
  exports?: GatewayOptions['exports'];
  /** Traces: the gateway's spans (absent: traces are off). */
  tracing?: GatewayOptions['tracing'];
  /**
   * The embedded default only: the local issuer's private key, for the console's sign-in page
   * (gateway/src/local-sign-in.ts). The gateway refuses to start with it beside an OIDC `auth`.
   */
  localSignIn?: GatewayOptions['localSignIn'];
  /** The built firm console, served at `/`. */
  console?: GatewayOptions['console'];
  /** The console's OIDC client at the firm's provider (with an OIDC `auth` only). */
  consoleOidc?: GatewayOptions['consoleOidc'];
  /** The console's persisted documents, which people may send by id (ops/src/console-build.ts). */
  consoleDocuments?: GatewayOptions['consoleDocuments'];
  /** Its version, registered beside earlier ones (docs/console.md). */
  consoleManifestVersion?: GatewayOptions['consoleManifestVersion'];
  /** How long a shutdown lets requests in flight finish (default `DRAIN_MS`, 10 s). */
  drainMs?: GatewayOptions['drainMs'];
  /** CORS origins and demand-control limits. */
  perimeter?: Pick<
    GatewayOptions,
    | 'corsOrigins'
    | 'trustProxyHops'
    | 'limits'
    | 'integrationLimits'
    | 'bodyLimits'
    | 'introspection'
    | 'metrics'
    | 'accessCacheMs'
    | 'staffTrustedDocumentsOnly'
    | 'subgraphFetches'
  > & {
    rateLimits?: Partial<Omit<RateLimitOptions, 'store'>> & { store?: 'memory' | 'postgres' };
  };
}

/** The control plane's pool, where every gateway instance finds the same buckets. */
function sharedStore(control: ControlDb): RateLimitOptions['store'] {
  const pool = control.$client;
  if (!(pool instanceof pg.Pool))
    throw new Error('Shared rate limits need the control plane as a connection pool');
  return { kind: 'postgres', pool };
}

export async function startGatewayService(opts: GatewayServiceOptions): Promise<RunningGateway> {
  return startGateway({
    port: opts.port,
    host: opts.host,
    supergraphSdl: readFileSync(SUPERGRAPH_SDL_PATH, 'utf8'),
    subgraphUrls: opts.subgraphUrls,
    authenticator: await createAuthenticator(opts.auth),
    signer: await ContextSigner.fromJwk(opts.contextPrivateJwk),
    integrationTokens: await IntegrationTokens.fromJwk(opts.contextPrivateJwk),
    control: opts.control,
    log: opts.log,
    exports: opts.exports,
    tracing: opts.tracing,
    console: opts.console,
    consoleOidc: opts.consoleOidc,
    consoleDocuments: opts.consoleDocuments,
    consoleManifestVersion: opts.consoleManifestVersion,
    localSignIn: opts.localSignIn,
    drainMs: opts.drainMs,
    ...opts.perimeter,
    rateLimits: new RateLimits({
      ...DEFAULT_RATE_LIMITS,
      ...opts.perimeter?.rateLimits,
      store:
        opts.perimeter?.rateLimits?.store === 'postgres' ? sharedStore(opts.control) : { kind: 'memory' },
    }),
  });
}
