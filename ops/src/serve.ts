import { ContextVerifier, createLogger, type Logger } from '@cifra/context';
import { controlDb, controlPlanePool, type pg, TenantRegistry } from '@cifra/db';
import { ExportLinkSigner, ExportLinkVerifier } from '@cifra/exports';
import { createProviders } from '@cifra/subgraph-fx';
import { Tracing } from '@cifra/tracing';
import type { JWK } from 'jose';
import { consoleManifestOptions } from './console-build.ts';
import { backupDirOf, backupS3Of, consoleOidcOf, type Env, perimeterOf, tracingOf } from './env.ts';
import {
  backupServices,
  type GatewayServiceOptions,
  isSubgraphName,
  SUBGRAPH_NAMES,
  startGatewayService,
  startSubgraphService,
} from './services.ts';
import { stopOnSignals } from './shutdown.ts';
import { startWorker } from './worker.ts';

/** Each process hears of moved clients on the control plane (docs/architecture/backups.md). */
const listenOf = (pool: pg.Pool, log: Logger) => ({
  connection: pool.options,
  onError: (err: unknown) => log.warn({ err }, 'location announcements: connection lost; reconnecting'),
});

/** Split mode: one service per process, configured from the environment (ops/src/env.ts). */
export const SERVICE_NAMES = ['gateway', ...SUBGRAPH_NAMES, 'worker'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
export const isServiceName = (name: string | undefined): name is ServiceName =>
  (SERVICE_NAMES as readonly string[]).includes(name ?? '');

/** What each service needs from the environment (besides PORT, HOST, LOG_LEVEL). */
const REQUIRED: Record<'gateway' | 'subgraph' | 'worker', readonly (keyof Env)[]> = {
  gateway: [
    'CONTROL_DATABASE_URL',
    'CONTEXT_PRIVATE_JWK',
    'AUTH_JWKS_URL',
    'AUTH_ISSUER',
    'AUTH_AUDIENCE',
    'SUBGRAPH_URLS',
  ],
  subgraph: ['CONTROL_DATABASE_URL', 'TENANT_DB_SECRET', 'CONTEXT_PUBLIC_JWK'],
  worker: ['CONTROL_DATABASE_URL', 'TENANT_DB_SECRET'],
};

export class ServiceConfigError extends Error {}

export interface RunningService {
  name: ServiceName;
  /** The GraphQL URL (gateway and subgraphs). */
  url?: string;
  close(): Promise<void>;
}

function parseJwk(name: string, value: string): JWK {
  try {
    return JSON.parse(value) as JWK;
  } catch {
    throw new ServiceConfigError(`${name} must be a JSON Web Key (JSON)`);
  }
}

/** `tenancy=http://…/graphql,ledger=…`: every subgraph, each once. */
export function parseSubgraphUrls(value: string): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, url] = part.split(/=(.*)/s);
    if (!name || !url || !isSubgraphName(name) || !URL.canParse(url)) {
      throw new ServiceConfigError(`SUBGRAPH_URLS: cannot read "${part}" (expected name=url)`);
    }
    urls[name] = url;
  }
  const missing = SUBGRAPH_NAMES.filter((n) => !urls[n]);
  if (missing.length) throw new ServiceConfigError(`SUBGRAPH_URLS: missing ${missing.join(', ')}`);
  return urls;
}

/**
 * Start one service alone, through the same functions `pnpm start` uses for all of them. It
 * connects to an already migrated control plane (`pnpm migrate`) and never starts a database.
 */
export async function startService(name: ServiceName, env: Env, log: Logger): Promise<RunningService> {
  requireConfig(name, env);
  const tracingOptions = tracingOf(env, 'split');
  const tracing = tracingOptions ? new Tracing(tracingOptions) : undefined;
  const pool = controlPlanePool(env.CONTROL_DATABASE_URL, `cifra-${name}`, {
    onError: (err) => log.warn({ err }, 'control-plane connection error'),
  });
  // Stopped last: what the service did while stopping is still exported.
  const cleanups: (() => Promise<void>)[] = [
    ...(tracing ? [() => tracing.shutdown()] : []),
    () => pool.end(),
  ];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  const service: Service = { env, log, tracing, pool, control: controlDb(pool), cleanups };
  try {
    if (name === 'gateway') return { name, url: await serveGateway(service), close };
    if (name === 'worker') {
      await serveWorker(service);
      return { name, close };
    }
    return { name, url: await serveSubgraph(name, service), close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** What one service of split mode is given: its settings, its control-plane pool, its cleanups. */
interface Service {
  env: Env;
  log: Logger;
  tracing: Tracing | undefined;
  pool: pg.Pool;
  control: ReturnType<typeof controlDb>;
  /** Run in reverse order when the service stops. */
  cleanups: (() => Promise<void>)[];
}

/** The settings `name` cannot start without (ServiceConfigError names them). */
function requireConfig(name: ServiceName, env: Env): void {
  const kind = name === 'gateway' || name === 'worker' ? name : 'subgraph';
  const missing = REQUIRED[kind].filter((key) => !env[key]);
  if (missing.length) throw new ServiceConfigError(`${name} needs ${missing.join(', ')}`);
  // Export links are optional: without their keys, exportLedger fails and logs that exports are not configured.
  if (name === 'ledger' && env.EXPORT_PRIVATE_JWK && !env.PUBLIC_URL) {
    throw new ServiceConfigError(
      'ledger needs PUBLIC_URL (the gateway address export links point to) with EXPORT_PRIVATE_JWK',
    );
  }
  if (name === 'gateway' && env.EXPORT_PUBLIC_JWK && !env.TENANT_DB_SECRET) {
    throw new ServiceConfigError('gateway needs TENANT_DB_SECRET (to stream exports) with EXPORT_PUBLIC_JWK');
  }
}

/** The tenant directory's pools, closed with the service. */
function registryOf({ control, env, pool, log, cleanups }: Service): TenantRegistry {
  const registry = new TenantRegistry({ control, secrets: env.secrets, listen: listenOf(pool, log) });
  cleanups.push(() => registry.close());
  return registry;
}

/** The gateway, verifying the firm's identity provider's tokens; export downloads when keyed. */
async function serveGateway(service: Service): Promise<string> {
  const { env, control, log, tracing, cleanups } = service;
  const exports: GatewayServiceOptions['exports'] = env.EXPORT_PUBLIC_JWK
    ? {
        verifier: await ExportLinkVerifier.fromJwk(parseJwk('EXPORT_PUBLIC_JWK', env.EXPORT_PUBLIC_JWK)),
        registry: registryOf(service),
      }
    : undefined;
  const gateway = await startGatewayService({
    port: env.PORT,
    host: env.HOST,
    subgraphUrls: parseSubgraphUrls(env.SUBGRAPH_URLS!),
    auth: {
      kind: 'oidc',
      jwksUrl: env.AUTH_JWKS_URL!,
      issuer: env.AUTH_ISSUER!,
      audience: env.AUTH_AUDIENCE!,
      maxTokenLifetimeSeconds: env.AUTH_MAX_TOKEN_LIFETIME,
    },
    consoleOidc: consoleOidcOf(env),
    ...consoleManifestOptions(),
    contextPrivateJwk: parseJwk('CONTEXT_PRIVATE_JWK', env.CONTEXT_PRIVATE_JWK!),
    control,
    log,
    exports,
    perimeter: perimeterOf(env),
    tracing: tracing?.service('gateway'),
  });
  cleanups.push(gateway.close);
  return gateway.url;
}

/** The background job worker: batches, backups and drills, the close board's projector, FX refreshes. */
async function serveWorker(service: Service): Promise<void> {
  const { env, pool, control, log, tracing, cleanups } = service;
  const worker = await startWorker({
    pool,
    deps: {
      control,
      registry: registryOf(service),
      log,
      secrets: env.secrets,
      limits: {
        periodBatchConcurrency: env.BATCH_CONCURRENCY,
        backupConcurrency: env.BACKUP_CONCURRENCY,
        drillEveryDays: env.BACKUP_DRILL_EVERY_DAYS,
        closeBoardFanOut: {
          concurrency: env.CLOSE_BOARD_CONCURRENCY,
          timeoutMs: env.CLOSE_BOARD_CLIENT_TIMEOUT_MS,
        },
      },
      fxProviders: createProviders({ ecbUrl: env.FX_ECB_URL, json: env.FX_JSON_PROVIDERS }),
      backups: backupServices({
        secrets: env.secrets,
        backupDir: backupDirOf(env),
        backupS3: backupS3Of(env),
        restoreRequestExpiresHours: env.RESTORE_REQUEST_EXPIRES_HOURS,
      }),
    },
    processEvery: env.JOB_PROCESS_EVERY_MS,
    lockLifetimeMs: env.JOB_LOCK_LIFETIME_MS,
    tracing: tracing?.service('worker'),
  });
  cleanups.push(worker.stop);
}

/** One subgraph, verifying the gateway's signed context; the ledger signs export links when keyed. */
async function serveSubgraph(
  name: Exclude<ServiceName, 'gateway' | 'worker'>,
  service: Service,
): Promise<string> {
  const { env, control, log, tracing, cleanups } = service;
  const subgraph = await startSubgraphService(
    name,
    {
      control,
      registry: registryOf(service),
      verifier: await ContextVerifier.fromJwk(parseJwk('CONTEXT_PUBLIC_JWK', env.CONTEXT_PUBLIC_JWK!)),
      log,
      tracing,
      exportLinks:
        name === 'ledger' && env.EXPORT_PRIVATE_JWK && env.PUBLIC_URL
          ? await ExportLinkSigner.fromJwk(
              parseJwk('EXPORT_PRIVATE_JWK', env.EXPORT_PRIVATE_JWK),
              () => env.PUBLIC_URL as string,
            )
          : undefined,
    },
    {
      secrets: env.secrets,
      fanOut: { concurrency: env.CLOSE_BOARD_CONCURRENCY, timeoutMs: env.CLOSE_BOARD_CLIENT_TIMEOUT_MS },
      backupDir: backupDirOf(env),
      backupS3: backupS3Of(env),
      restoreKeepReplacedDays: env.RESTORE_KEEP_REPLACED_DAYS,
      restoreRequestExpiresHours: env.RESTORE_REQUEST_EXPIRES_HOURS,
    },
    { port: env.PORT, host: env.HOST },
  );
  cleanups.push(subgraph.close);
  return subgraph.url;
}

/** The `pnpm serve <name>` command (and `ops/src/cli/worker.ts`): start, print `<name> ready`, stop on signals. */
export async function serveFromCli(name: string | undefined, env: Env): Promise<void> {
  if (!isServiceName(name)) {
    process.stderr.write(`usage: pnpm serve <${SERVICE_NAMES.join('|')}>\n`);
    process.exit(2);
  }
  const log = createLogger(`cifra-${name}`, env.LOG_LEVEL);
  let service: RunningService;
  try {
    service = await startService(name, env, log);
  } catch (err) {
    if (!(err instanceof ServiceConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stdout.write(`${name} ready${service.url ? ` at ${service.url}` : ''}\n`);
  stopOnSignals(service.close, log);
}
