/**
 * One all-in-one stack in a process of its own, for benchmarks that compare configurations which
 * must not share a process: traces on register an async context manager (async hooks on every
 * promise of the process) and a global tracer provider, which a stack with traces off beside it
 * would pay for too. Started by the harness (`BenchContext.stackProcess`) with its configuration
 * as JSON in argv; prints one JSON line with the gateway's URL once it serves, stops on SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { ContextSigner } from '@cifra/context';
import { createAuthenticator, startGateway } from '@cifra/gateway';
import { SUPERGRAPH_SDL_PATH, startStack } from '@cifra/ops';
import pino from 'pino';

export interface StackProcessConfig {
  dataDir: string;
  databaseUrl: string;
  appPassword: string;
  perimeter?: Parameters<typeof startStack>[0]['perimeter'];
  /** Write each request's log line (JSON, to a sink that discards it) rather than no log. */
  logs?: boolean;
  /** An OTLP/HTTP endpoint: traces on. */
  tracesEndpoint?: string;
  /** With traces on, the share of requests traced (parent-based ratio sampling at the gateway). */
  sampleRatio?: number;
  /**
   * Serve through a second gateway in front of the same subgraphs without the perimeter: no demand
   * control, no rate limits, no metrics, no log output (what the perimeter costs is measured against it).
   */
  bare?: boolean;
}

const config = JSON.parse(process.argv[2] ?? '{}') as StackProcessConfig;
const discard = new Writable({ write: (_chunk, _enc, done) => done() });
const stack = await startStack({
  dataDir: config.dataDir,
  port: 0,
  databaseUrl: config.databaseUrl,
  appPassword: config.appPassword,
  seedDemo: true,
  // The demo's small fixed books, as the benches were measured with (docs/demo.md).
  demoHistory: false,
  worker: false,
  log: config.logs ? pino({ level: 'info' }, discard) : pino({ level: 'silent' }),
  perimeter: config.perimeter,
  tracing: config.tracesEndpoint
    ? { endpoint: config.tracesEndpoint, sampleRatio: config.sampleRatio }
    : undefined,
});
const bare = config.bare
  ? await startGateway({
      port: 0,
      supergraphSdl: readFileSync(SUPERGRAPH_SDL_PATH, 'utf8'),
      subgraphUrls: stack.subgraphUrls,
      authenticator: await createAuthenticator({ kind: 'local', publicJwk: stack.gatewayKeys.authPublicJwk }),
      signer: await ContextSigner.fromJwk(stack.gatewayKeys.contextPrivateJwk),
      control: stack.appControl,
      log: pino({ level: 'silent' }),
      limits: false,
    })
  : undefined;
process.stdout.write(`${JSON.stringify({ gatewayUrl: bare?.url ?? stack.gatewayUrl })}\n`);
process.once('SIGTERM', () => {
  void (bare?.close() ?? Promise.resolve()).then(() => stack.close()).finally(() => process.exit(0));
});
