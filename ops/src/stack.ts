import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ContextSigner,
  ContextVerifier,
  createLogger,
  type Logger,
  type RunningSubgraph,
  type SubgraphDeps,
  startSubgraph,
} from '@cifra/context';
import { TenantRegistry } from '@cifra/db';
import { type EmbeddedServer, startEmbeddedPostgres } from '@cifra/db/embedded';
import { ExportLinkSigner, ExportLinkVerifier } from '@cifra/exports';
import { createAuthenticator, type RunningGateway, startGateway } from '@cifra/gateway';
import { auditSubgraph } from '@cifra/subgraph-audit';
import { fxSubgraph, type ProviderRegistry } from '@cifra/subgraph-fx';
import { ledgerSubgraph } from '@cifra/subgraph-ledger';
import { createPeriodSubgraph, type FanOutOptions } from '@cifra/subgraph-period';
import { tenancySubgraph } from '@cifra/subgraph-tenancy';
import { type ControlPlane, prepareControlPlane } from './control-plane.ts';
import { seedDemoFirm } from './demo.ts';
import { loadOrCreateSecrets } from './secrets.ts';
import { type RunningWorker, startWorker } from './worker.ts';

export const SUPERGRAPH_SDL_PATH = fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url));

export interface StackOptions {
  dataDir: string;
  port: number;
  host?: string;
  /** An existing PostgreSQL server for the control plane and new clients; embedded when absent. */
  databaseUrl?: string;
  secrets?: Readonly<Record<string, string | undefined>>;
  seedDemo?: boolean;
  /** Tests only: an embedded server without fsync. */
  durable?: boolean;
  log?: Logger;
  /**
   * The application role's password (a cluster-wide role): DATA_DIR's secret by default. Tests
   * sharing one server pass the password every other test database already uses.
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
  jobs?: { processEveryMs?: number; lockLifetimeMs?: number; periodBatchConcurrency?: number };
  /** FX rate providers for the worker's daily refresh; none when absent, so tests never reach the internet. */
  fxProviders?: ProviderRegistry;
}

export interface Stack {
  gatewayUrl: string;
  healthUrl: string;
  subgraphUrls: Readonly<Record<string, string>>;
  control: ControlPlane;
  registry: TenantRegistry;
  authPrivateJwk: import('jose').JWK;
  worker?: RunningWorker;
  close(): Promise<void>;
}

/**
 * The all-in-one product: a PostgreSQL server (embedded unless DATABASE_URL names one), the control
 * plane, the demo firm on first start, the job worker, the five subgraphs on free ports and the gateway on `port`.
 * The same startSubgraph/startGateway code runs each service alone in split mode.
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const log = opts.log ?? createLogger('cifra');
  const secrets = await loadOrCreateSecrets(opts.dataDir);
  let embedded: EmbeddedServer | undefined;
  let serverUrl = opts.databaseUrl;
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres({
      dir: path.join(opts.dataDir, 'pg'),
      password: secrets.pgPassword,
      durable: opts.durable ?? true,
      log: (m) => log.debug({ postgres: m }),
    });
    serverUrl = embedded.url;
  }
  const appPassword = opts.appPassword ?? secrets.appPassword;
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const control = await prepareControlPlane({
      serverUrl,
      controlUrl: opts.databaseUrl,
      serverName: embedded ? 'embedded' : 'primary',
      appPassword,
    });
    cleanups.push(() => control.pool.end());
    const registry = new TenantRegistry({
      control: control.db,
      appPassword,
      secrets: opts.secrets,
    });
    cleanups.push(() => registry.close());
    if (opts.seedDemo ?? true) {
      if (await seedDemoFirm({ control: control.db, registry, secrets: opts.secrets ?? {} }))
        log.info('seeded the demo firm');
    }
    let worker: RunningWorker | undefined;
    if (opts.worker ?? true) {
      worker = await startWorker({
        pool: control.pool,
        deps: {
          control: control.db,
          registry,
          log,
          fxProviders: opts.fxProviders,
          limits: { periodBatchConcurrency: opts.jobs?.periodBatchConcurrency },
        },
        processEvery: opts.jobs?.processEveryMs,
        lockLifetimeMs: opts.jobs?.lockLifetimeMs,
      });
      cleanups.push(worker.stop);
    }
    let publicUrl = opts.publicUrl ?? '';
    const deps: SubgraphDeps = {
      control: control.db,
      registry,
      verifier: await ContextVerifier.fromJwk(secrets.contextPublicJwk),
      log,
      // The gateway's address is known once it listens (port 0 picks a free one); links are
      // signed only at request time, after that.
      exportLinks: await ExportLinkSigner.fromJwk(secrets.exportPrivateJwk, () => publicUrl),
    };
    const definitions = [
      tenancySubgraph({ secrets: opts.secrets ?? {} }),
      ledgerSubgraph,
      createPeriodSubgraph({ fanOut: opts.fanOut }),
      fxSubgraph,
      auditSubgraph,
    ] as const;
    const subgraphUrls: Record<string, string> = {};
    for (const def of definitions) {
      const running: RunningSubgraph = await startSubgraph(def, deps, { port: 0, host: opts.host });
      cleanups.push(running.close);
      subgraphUrls[def.name] = running.url;
    }
    const gateway: RunningGateway = await startGateway({
      port: opts.port,
      host: opts.host,
      supergraphSdl: readFileSync(SUPERGRAPH_SDL_PATH, 'utf8'),
      subgraphUrls,
      authenticator: await createAuthenticator({ kind: 'local', publicJwk: secrets.authPublicJwk }),
      signer: await ContextSigner.fromJwk(secrets.contextPrivateJwk),
      control: control.db,
      log,
      exports: { verifier: await ExportLinkVerifier.fromJwk(secrets.exportPublicJwk), registry },
    });
    cleanups.push(gateway.close);
    publicUrl ||= gateway.url.replace(/\/graphql$/, '');
    return {
      gatewayUrl: gateway.url,
      healthUrl: gateway.url.replace(/\/graphql$/, '/healthz'),
      subgraphUrls,
      control,
      registry,
      authPrivateJwk: secrets.authPrivateJwk,
      worker,
      close: async () => {
        for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
        await embedded?.stop();
      },
    };
  } catch (err) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await embedded?.stop();
    throw err;
  }
}
