import path from 'node:path';
import type { S3Target } from '@cifra/backups';
import type {
  BodyLimits,
  DemandLimits,
  FetchLaneLimits,
  IntrospectionPolicy,
  RateLimitOptions,
} from '@cifra/gateway';
import { jsonProviderConfig } from '@cifra/subgraph-fx';
import type { TracingOptions } from '@cifra/tracing';
import { z } from 'zod';

/** The one place the ops deployables (launcher, worker, CLIs, split-mode servers) read the environment. */
const schema = z.object({
  DATA_DIR: z.string().default('.data'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  /** The gateway's address as clients reach it (export download links); default: where it listens. */
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Use an existing PostgreSQL server for the control plane (and new clients) instead of the embedded one. */
  DATABASE_URL: z.string().url().optional(),
  /** `pnpm migrate`: client databases migrated at once. */
  MIGRATE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  // Split mode: each service is started alone with what it needs.
  CONTROL_DATABASE_URL: z.string().url().optional(),
  /** The secret every client's application login password is derived from (docs/adr/0003). */
  TENANT_DB_SECRET: z.string().min(16).optional(),
  /** `pnpm migrate`: the password it gives `cifra_control_app` (DATA_DIR's secret otherwise). */
  CONTROL_APP_DB_PASSWORD: z.string().min(1).optional(),
  CONTEXT_PUBLIC_JWK: z.string().optional(),
  CONTEXT_PRIVATE_JWK: z.string().optional(),
  /** Ledger export links (exportLedger): the ledger subgraph signs them, the gateway serves them. */
  EXPORT_PRIVATE_JWK: z.string().optional(),
  EXPORT_PUBLIC_JWK: z.string().optional(),
  AUTH_JWKS_URL: z.string().url().optional(),
  AUTH_ISSUER: z.string().optional(),
  AUTH_AUDIENCE: z.string().optional(),
  /**
   * The console's OpenID Connect client at the firm's provider (AUTH_ISSUER): a public client,
   * authorization code + PKCE (docs/console.md). Without it the console cannot sign anyone in there.
   */
  CONSOLE_OIDC_CLIENT_ID: z.string().min(1).optional(),
  /** Where the provider sends the browser back; default: the console's origin + /signin-callback. */
  CONSOLE_OIDC_REDIRECT_URI: z.string().url().optional(),
  /** Scopes the console asks for (offline_access: a refresh token, for silent renewal). */
  CONSOLE_OIDC_SCOPES: z.string().min(1).default('openid profile email offline_access'),
  /** The longest lifetime (exp − iat) a user token may have, in seconds; 24 h by default. */
  AUTH_MAX_TOKEN_LIFETIME: z.coerce.number().int().min(60).optional(),
  /**
   * How many proxies in front of the gateway append to `X-Forwarded-For` (0 by default: the
   * connection's own address is the source address the rate limits count).
   */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Browser origins allowed to call the gateway (CORS), comma-separated; none by default. */
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((text) =>
      (text ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    ),
  // Demand control at the gateway (docs/architecture/gateway.md); defaults fit every product operation.
  QUERY_MAX_LENGTH: z.coerce.number().int().min(1_000).optional(),
  QUERY_MAX_TOKENS: z.coerce.number().int().min(100).optional(),
  QUERY_MAX_DEPTH: z.coerce.number().int().min(3).optional(),
  QUERY_MAX_ALIASES: z.coerce.number().int().min(0).optional(),
  QUERY_MAX_DIRECTIVES: z.coerce.number().int().min(0).optional(),
  QUERY_MAX_COST: z.coerce.number().int().min(100).optional(),
  QUERY_DEFAULT_LIST_SIZE: z.coerce.number().int().min(1).optional(),
  /** Bytes of a request body (any caller) and of a bulk importer's (GL.Post): 413 past them. */
  // Between 256 KiB and 16 MiB: the subgraphs accept up to 32 MiB of what the gateway forwards.
  BODY_MAX_BYTES: z.coerce.number().int().min(262_144).max(16_777_216).optional(),
  BULK_BODY_MAX_BYTES: z.coerce.number().int().min(262_144).max(16_777_216).optional(),
  // The same, tighter, for partner integrations and entity keys (never looser than the above).
  INTEGRATION_QUERY_MAX_TOKENS: z.coerce.number().int().min(100).optional(),
  INTEGRATION_QUERY_MAX_DEPTH: z.coerce.number().int().min(3).optional(),
  INTEGRATION_QUERY_MAX_ALIASES: z.coerce.number().int().min(0).optional(),
  INTEGRATION_QUERY_MAX_DIRECTIVES: z.coerce.number().int().min(0).optional(),
  INTEGRATION_QUERY_MAX_COST: z.coerce.number().int().min(100).optional(),
  /**
   * Fetches of one client (or one person's firm-level requests) in flight to one subgraph, and how
   * long one waits for its turn before it is refused (0: not at all); gateway/src/fetch-lanes.ts.
   */
  SUBGRAPH_FETCHES_PER_CLIENT: z.coerce.number().int().min(1).max(128).optional(),
  SUBGRAPH_FETCH_WAIT_MS: z.coerce.number().int().min(0).max(120_000).optional(),
  /** How long the gateway remembers a caller's access, in ms (0: not at all); see gateway/src/caches.ts. */
  ACCESS_CACHE_MS: z.coerce.number().int().min(0).max(60_000).optional(),
  /**
   * The firm's staff run only the console's trusted documents: their query text is refused
   * (`true` recommended in production; docs/console.md). Off by default.
   */
  STAFF_TRUSTED_DOCUMENTS_ONLY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Who may introspect the schema: `staff` (the firm's own people) or `off`; `off` when NODE_ENV=production. */
  INTROSPECTION: z.enum(['staff', 'off']).optional(),
  /** A bearer token that opens /metrics to scrapers beyond loopback. */
  METRICS_TOKEN: z.string().min(16).optional(),
  NODE_ENV: z.string().optional(),
  /**
   * Traces (OpenTelemetry, OTLP over HTTP): off unless set. Spans go to `<endpoint>/v1/traces`; the
   * exporter reads the other standard OTEL_EXPORTER_OTLP_* variables (headers, timeout) itself.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  /** The `service.name` of a split-mode service (`cifra-<service>` by default). */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  /**
   * The SDK's own sampler settings: when OTEL_TRACES_SAMPLER is set, the SDK reads both and decides
   * alone; unset, production traces one request in ten (TRACES_SAMPLE_RATIO_DEFAULT), elsewhere all.
   */
  OTEL_TRACES_SAMPLER: z.string().min(1).optional(),
  /** Rate limits: `postgres` shares the buckets between gateway instances; `memory` (default) is one process. */
  RATE_LIMIT_STORE: z.enum(['memory', 'postgres']).default('memory'),
  RATE_LIMIT_PERSON_POINTS: z.coerce.number().int().min(1).optional(),
  RATE_LIMIT_ANONYMOUS_POINTS: z.coerce.number().int().min(1).optional(),
  RATE_LIMIT_DOWNLOAD_POINTS: z.coerce.number().int().min(1).optional(),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).optional(),
  /** `tenancy=http://…/graphql,ledger=http://…/graphql,…` for a split-mode gateway. */
  SUBGRAPH_URLS: z.string().optional(),
  /** `pnpm investigate`: a bearer token to sign in with, and the gateway to talk to. */
  CIFRA_TOKEN: z.string().min(1).optional(),
  CIFRA_GATEWAY_URL: z.string().url().optional(),
  // The firm's view across clients (close board, exceptions) and batch period operations.
  CLOSE_BOARD_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  CLOSE_BOARD_CLIENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  BATCH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  JOB_LOCK_LIFETIME_MS: z.coerce.number().int().min(1_000).default(60_000),
  JOB_PROCESS_EVERY_MS: z.coerce.number().int().min(100).default(5_000),
  /** The ECB reference-rate file the daily refresh reads (its daily file by default). */
  FX_ECB_URL: z.string().url().optional(),
  /** Client backups: the directory they are written to (DATA_DIR/backups by default). */
  BACKUP_DIR: z.string().optional(),
  /** Backups in an S3-compatible bucket instead of BACKUP_DIR: `s3://<bucket>/<prefix>`. */
  BACKUP_S3_URL: z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?$/, 'expected s3://<bucket>/<prefix>')
    .optional(),
  /** An S3-compatible server's address (MinIO, Ceph, another cloud); AWS's own S3 when unset. */
  BACKUP_S3_ENDPOINT: z.string().url().optional(),
  BACKUP_S3_REGION: z.string().optional(),
  /** The key new backups are encrypted under (32 bytes, base64); the embedded default keeps one in DATA_DIR. */
  BACKUP_KEY: z.string().optional(),
  /** Earlier backup keys, comma-separated, kept to read older backups (docs/adr/0006-client-backups.md). */
  BACKUP_KEYS_OLD: z.string().optional(),
  /** Client backups run at once: by each worker (scheduled) and by `pnpm backup --all`. */
  BACKUP_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  /** Days between restore drills of each client by the worker (0: no scheduled drills). */
  BACKUP_DRILL_EVERY_DAYS: z.coerce.number().int().min(0).max(366).default(7),
  /** Days a client database replaced by a restore in place is kept before the worker drops it. */
  RESTORE_KEEP_REPLACED_DAYS: z.coerce.number().int().min(0).max(3660).default(7),
  /** Hours a restore in place request waits for its approval before it expires. */
  RESTORE_REQUEST_EXPIRES_HOURS: z.coerce.number().int().min(1).max(8784).default(72),
  /** JSON rate endpoints, a JSON array of configurations (see docs/architecture/fx.md). */
  FX_JSON_PROVIDERS: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return [];
      try {
        return z.array(jsonProviderConfig).parse(JSON.parse(text));
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `FX_JSON_PROVIDERS: ${(err as Error).message}` });
        return z.NEVER;
      }
    }),
});

export type Env = z.infer<typeof schema> & {
  dataDir: string;
  secrets: Readonly<Record<string, string | undefined>>;
};

/** Only the keys that have a value, so that defaults apply to the rest. */
function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The gateway's perimeter settings, for the all-in-one stack and a split-mode gateway alike. */
export function perimeterOf(env: Env): {
  corsOrigins: string[];
  trustProxyHops: number;
  limits: Partial<DemandLimits>;
  integrationLimits: Partial<DemandLimits>;
  bodyLimits: Partial<BodyLimits>;
  accessCacheMs?: number;
  introspection: IntrospectionPolicy;
  metrics: { token?: string };
  rateLimits: Partial<Omit<RateLimitOptions, 'store'>> & { store: 'memory' | 'postgres' };
  staffTrustedDocumentsOnly: boolean;
  subgraphFetches: Partial<FetchLaneLimits>;
} {
  const limits: Partial<DemandLimits> = {
    maxQueryLength: env.QUERY_MAX_LENGTH,
    maxTokens: env.QUERY_MAX_TOKENS,
    maxDepth: env.QUERY_MAX_DEPTH,
    maxAliases: env.QUERY_MAX_ALIASES,
    maxDirectives: env.QUERY_MAX_DIRECTIVES,
    maxCost: env.QUERY_MAX_COST,
    defaultListSize: env.QUERY_DEFAULT_LIST_SIZE,
  };
  return {
    corsOrigins: env.CORS_ORIGINS,
    trustProxyHops: env.TRUST_PROXY_HOPS,
    limits: defined(limits),
    bodyLimits: defined({ maxBytes: env.BODY_MAX_BYTES, bulkMaxBytes: env.BULK_BODY_MAX_BYTES }),
    accessCacheMs: env.ACCESS_CACHE_MS,
    integrationLimits: defined({
      maxTokens: env.INTEGRATION_QUERY_MAX_TOKENS,
      maxDepth: env.INTEGRATION_QUERY_MAX_DEPTH,
      maxAliases: env.INTEGRATION_QUERY_MAX_ALIASES,
      maxDirectives: env.INTEGRATION_QUERY_MAX_DIRECTIVES,
      maxCost: env.INTEGRATION_QUERY_MAX_COST,
    }),
    introspection: env.INTROSPECTION ?? (env.NODE_ENV === 'production' ? 'off' : 'staff'),
    metrics: { token: env.METRICS_TOKEN },
    staffTrustedDocumentsOnly: env.STAFF_TRUSTED_DOCUMENTS_ONLY,
    subgraphFetches: defined({
      perClient: env.SUBGRAPH_FETCHES_PER_CLIENT,
      waitMs: env.SUBGRAPH_FETCH_WAIT_MS,
    }),
    rateLimits: {
      store: env.RATE_LIMIT_STORE,
      ...defined({
        personPoints: env.RATE_LIMIT_PERSON_POINTS,
        anonymousPoints: env.RATE_LIMIT_ANONYMOUS_POINTS,
        downloadPoints: env.RATE_LIMIT_DOWNLOAD_POINTS,
        windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
      }),
    },
  };
}

/**
 * The environment refused: the operator's to fix, not a bug. `ops/bin/run.mjs` prints its message
 * alone (no stack trace) and exits 2, for every command.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * The firm's identity provider, when AUTH_ISSUER is set (`pnpm start` then verifies its tokens and
 * offers no local sign-in), with the console's client at it; undefined for the local issuer.
 */
export function externalAuthOf(env: Env):
  | {
      auth: { kind: 'oidc'; issuer: string; jwksUrl: string; audience: string };
      consoleOidc?: { clientId: string; redirectUri?: string; scopes: string };
    }
  | undefined {
  if (!env.AUTH_ISSUER) {
    const stray = (['AUTH_JWKS_URL', 'AUTH_AUDIENCE', 'CONSOLE_OIDC_CLIENT_ID'] as const).filter(
      (k) => env[k],
    );
    if (stray.length) throw new ConfigError(`${stray.join(', ')} set without AUTH_ISSUER`);
    return undefined;
  }
  const missing = (['AUTH_JWKS_URL', 'AUTH_AUDIENCE'] as const).filter((k) => !env[k]);
  if (missing.length) throw new ConfigError(`AUTH_ISSUER needs ${missing.join(' and ')}`);
  return {
    auth: {
      kind: 'oidc',
      issuer: env.AUTH_ISSUER,
      jwksUrl: env.AUTH_JWKS_URL as string,
      audience: env.AUTH_AUDIENCE as string,
    },
    consoleOidc: consoleOidcOf(env),
  };
}

/** The console's OIDC client settings (CONSOLE_OIDC_*), when a client id is configured. */
export function consoleOidcOf(
  env: Env,
): { clientId: string; redirectUri?: string; scopes: string } | undefined {
  if (!env.CONSOLE_OIDC_CLIENT_ID) return undefined;
  return {
    clientId: env.CONSOLE_OIDC_CLIENT_ID,
    redirectUri: env.CONSOLE_OIDC_REDIRECT_URI,
    scopes: env.CONSOLE_OIDC_SCOPES,
  };
}

/**
 * Where traces go, if anywhere. `pnpm start` names each of its services `cifra-<service>`: one
 * OTEL_SERVICE_NAME for all six would merge them, so it applies in split mode only.
 */
export function tracingOf(env: Env, mode: 'split' | 'all-in-one'): TracingOptions | undefined {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  const ownSampler = env.OTEL_TRACES_SAMPLER !== undefined;
  return {
    endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: mode === 'split' ? env.OTEL_SERVICE_NAME : undefined,
    sampleRatio: !ownSampler && env.NODE_ENV === 'production' ? TRACES_SAMPLE_RATIO_DEFAULT : undefined,
  };
}

/**
 * The share of requests traced in production unless OTEL_TRACES_SAMPLER says otherwise: every
 * trace exported costs the gateway more than issue 14's 10 % of throughput, one in ten does not
 * (docs/benchmarks.md, "What the perimeter and traces cost the gateway").
 */
export const TRACES_SAMPLE_RATIO_DEFAULT = 0.1;

/** Where client backups go: BACKUP_DIR, else under DATA_DIR. */
export const backupDirOf = (env: Env) => path.resolve(env.BACKUP_DIR ?? path.join(env.dataDir, 'backups'));

/**
 * The bucket backups go to when BACKUP_S3_URL is set (in place of BACKUP_DIR). Credentials come
 * from the AWS SDK's own chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, an instance role.
 */
export function backupS3Of(env: Env): S3Target | undefined {
  if (!env.BACKUP_S3_URL) return undefined;
  const [bucket = '', ...prefix] = env.BACKUP_S3_URL.slice('s3://'.length).split('/');
  return {
    bucket,
    prefix: prefix.filter(Boolean).join('/'),
    endpoint: env.BACKUP_S3_ENDPOINT,
    region: env.BACKUP_S3_REGION,
  };
}

/** The environment refused, in one line naming each variable and what is wrong with it. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`);
    throw new ConfigError(`invalid environment: ${issues.join('; ')}`);
  }
  const env = parsed.data;
  // Server URLs in the tenant directory may name secrets as ${NAME}; they come from the environment.
  return { ...env, dataDir: path.resolve(env.DATA_DIR), secrets: { ...source } };
}
