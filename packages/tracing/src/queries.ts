import { type Attributes, context, SpanKind, trace } from '@opentelemetry/api';
import { endSpan, IN_QUERY, serviceOf } from './tracing.ts';

/** What the wrapper needs of a `pg` pool and its clients (the package itself is not a dependency). */
type Query = (...args: unknown[]) => unknown;
interface QueryClient {
  query(...args: unknown[]): unknown;
}
export interface TraceablePool {
  query(...args: unknown[]): unknown;
  on(event: 'connect', listener: (client: QueryClient) => void): unknown;
  options: { connectionString?: string; database?: string; host?: string; port?: number };
}

const OPERATION = /^\s*(?:\/\*.*?\*\/\s*)?([a-z]+)/is;
const NAME = String.raw`("[^"]+"|[a-z_][\w$]*)(?:\s*\.\s*("[^"]+"|[a-z_][\w$]*))?`;
const TABLE: Record<string, RegExp> = {
  SELECT: new RegExp(String.raw`\bfrom\s+${NAME}`, 'i'),
  INSERT: new RegExp(String.raw`^\s*insert\s+into\s+${NAME}`, 'i'),
  UPDATE: new RegExp(String.raw`^\s*update\s+(?:only\s+)?${NAME}`, 'i'),
  DELETE: new RegExp(String.raw`^\s*delete\s+from\s+(?:only\s+)?${NAME}`, 'i'),
};

const unquote = (name: string | undefined) => name?.replace(/^"|"$/g, '');

/**
 * What a span may say about a statement: its operation and its first table (`SELECT accounts`),
 * never its text or parameters — raw SQL in the code may carry literals, parameters always carry
 * the client's data.
 */
export function summarize(text: string): { operation: string; table?: string } {
  const operation = (OPERATION.exec(text)?.[1] ?? 'QUERY').toUpperCase();
  const match = TABLE[operation]?.exec(text);
  if (!match) return { operation };
  const table = match[2] ? unquote(match[2]) : unquote(match[1]);
  return { operation, table };
}

function where(options: TraceablePool['options']): Attributes {
  let url: URL | undefined;
  try {
    url = options.connectionString ? new URL(options.connectionString) : undefined;
  } catch {
    url = undefined;
  }
  const database = url ? decodeURIComponent(url.pathname.slice(1)) : options.database;
  const port = url?.port ? Number(url.port) : options.port;
  return {
    'db.system.name': 'postgresql',
    ...(database ? { 'db.namespace': database } : {}),
    ...(url?.hostname || options.host ? { 'server.address': url?.hostname || options.host } : {}),
    ...(port ? { 'server.port': port } : {}),
  };
}

/**
 * A span per statement a traced request runs on this pool, a child of that request's current
 * span, in the service the request belongs to. Statements outside a traced request (start-up,
 * migrations, the worker's polling) make no span. Only installed when tracing is on.
 */
export function traceQueries<P extends TraceablePool>(pool: P): P {
  const base = where(pool.options);
  const traced =
    (run: Query, self: unknown, pooled: boolean): Query =>
    (...args: unknown[]) => {
      const ctx = context.active();
      const service = serviceOf(ctx);
      const first = args[0] as string | { text?: unknown; submit?: unknown } | undefined;
      // Cursors and streams (pg-cursor, pg-query-stream) end by events: not timed here.
      if (!service || ctx.getValue(IN_QUERY) || (typeof first === 'object' && first?.submit)) {
        return run.apply(self, args);
      }
      const text = typeof first === 'string' ? first : typeof first?.text === 'string' ? first.text : '';
      const { operation, table } = summarize(text);
      const span = service.tracer.startSpan(
        table ? `${operation} ${table}` : operation,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            ...base,
            'db.operation.name': operation,
            ...(table ? { 'db.collection.name': table } : {}),
          },
        },
        ctx,
      );
      const finish = (err: unknown) => {
        const code = (err as { code?: unknown } | null)?.code;
        endSpan(span, err ? (typeof code === 'string' ? code : 'Error') : undefined);
      };
      const inner = pooled ? trace.setSpan(ctx, span).setValue(IN_QUERY, true) : trace.setSpan(ctx, span);
      const last = args[args.length - 1];
      if (typeof last === 'function') {
        const callback = last as (err: unknown, ...rest: unknown[]) => void;
        args[args.length - 1] = (err: unknown, ...rest: unknown[]) => {
          finish(err);
          callback(err, ...rest);
        };
        return context.with(inner, () => run.apply(self, args));
      }
      const result = context.with(inner, () => run.apply(self, args));
      if (result instanceof Promise) result.then(() => finish(null), finish);
      else finish(null);
      return result;
    };
  // pool.query waits for a connection in the caller's context; the connection-level query it then
  // runs is the same statement. Connections checked out for a transaction are wrapped themselves.
  pool.query = traced(pool.query, pool, true);
  pool.on('connect', (client) => {
    client.query = traced(client.query, client, false);
  });
  return pool;
}
