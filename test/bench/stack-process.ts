/**
 * One all-in-one stack in a process of its own, for benchmarks that compare configurations which
 * must not share a process: traces on register an async context manager (async hooks on every
 * promise of the process) and a global tracer provider, which a stack with traces off beside it
 * would pay for too. Started by the harness (`BenchContext.stackProcess`) with its configuration
 * as JSON in argv; prints one JSON line with the gateway's URL once it serves, stops on SIGTERM.
 */
import { Writable } from 'node:stream';
import { startStack } from '@cifra/ops';
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
}

const config = JSON.parse(process.argv[2] ?? '{}') as StackProcessConfig;
const discard = new Writable({ write: (_chunk, _enc, done) => done() });
const stack = await startStack({
  dataDir: config.dataDir,
  port: 0,
  databaseUrl: config.databaseUrl,
  appPassword: config.appPassword,
  seedDemo: true,
  worker: false,
  log: config.logs ? pino({ level: 'info' }, discard) : pino({ level: 'silent' }),
  perimeter: config.perimeter,
  tracing: config.tracesEndpoint ? { endpoint: config.tracesEndpoint } : undefined,
});
process.stdout.write(`${JSON.stringify({ gatewayUrl: stack.gatewayUrl })}\n`);
process.once('SIGTERM', () => {
  void stack.close().finally(() => process.exit(0));
});
