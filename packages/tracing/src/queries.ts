import { type Attributes, type Context, SpanKind, type Tracer } from '@opentelemetry/api';
import { endSpan } from './tracing.ts';

/** What the wrapper needs of a `pg` pool and its clients (the package itself is not a dependency). */
type Query = (...args: unknown[]) => unknown;
interface QueryClient {
  query(...args: unknown[]): unknown;
  release(...args: unknown[]): unknown;
}
export interface TraceablePool {
  query(...args: unknown[]): unknown;
  connect(): Promise<QueryClient>;
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
  const known = summaries.get(text);
  if (known) return known;
  const operation = (OPERATION.exec(text)?.[1] ?? 'QUERY').toUpperCase();
  const match = TABLE[operation]?.exec(text);
  const summary = match
    ? { operation, table: match[2] ? unquote(match[2]) : unquote(match[1]) }
    : { operation };
  // The code's statements are a few hundred texts, each run over and over: summarized once.
  // Raw SQL with literals could make them many, so the memory is bounded.
  if (summaries.size >= MAX_SUMMARIES) summaries.clear();
  summaries.set(text, summary);
  return summary;
}

const MAX_SUMMARIES = 2_000;
const summaries = new Map<string, { operation: string; table?: string }>();

/** Where a pool's statements go, worked out once per pool (a connection string is parsed). */
const places = new WeakMap<object, Attributes>();
function placeOf(pool: TraceablePool): Attributes {
  let place = places.get(pool);
  if (!place) {
    place = where(pool.options);
    places.set(pool, place);
  }
  return place;
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
 * The pool as one traced request sees it: each statement it runs — through the pool, or on a
 * connection checked out for a transaction (`connect()`, promise form) — is a span under `parent`.
 * Everything else is the pool's own (`Object.create`: drizzle still sees a `pg.Pool` and runs a
 * transaction on one checked-out connection). Made per request, and only when tracing is on.
 */
export function tracedPool<P extends TraceablePool>(pool: P, tracer: Tracer, parent: Context): P {
  const base = placeOf(pool);
  const traced =
    (run: Query, self: unknown): Query =>
    (...args: unknown[]) => {
      const first = args[0] as string | { text?: unknown; submit?: unknown } | undefined;
      // Cursors and streams (pg-cursor, pg-query-stream) end by events: not timed here.
      if (typeof first === 'object' && first?.submit) return run.apply(self, args);
      const text = typeof first === 'string' ? first : typeof first?.text === 'string' ? first.text : '';
      const { operation, table } = summarize(text);
      const span = tracer.startSpan(
        table ? `${operation} ${table}` : operation,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            ...base,
            'db.operation.name': operation,
            ...(table ? { 'db.collection.name': table } : {}),
          },
        },
        parent,
      );
      const finish = (err: unknown) => {
        const code = (err as { code?: unknown } | null)?.code;
        endSpan(span, err ? (typeof code === 'string' ? code : 'Error') : undefined);
      };
      const last = args[args.length - 1];
      if (typeof last === 'function') {
        const callback = last as (err: unknown, ...rest: unknown[]) => void;
        args[args.length - 1] = (err: unknown, ...rest: unknown[]) => {
          finish(err);
          callback(err, ...rest);
        };
        return run.apply(self, args);
      }
      const result = run.apply(self, args);
      if (result instanceof Promise) result.then(() => finish(null), finish);
      else finish(null);
      return result;
    };
  const view = Object.create(pool) as P;
  view.query = traced(pool.query, pool);
  view.connect = async () => {
    const client = await pool.connect();
    // Traced for this checkout only: the connection goes back to the pool as it came.
    const release = client.release;
    const own = Object.hasOwn(client, 'query');
    const query = client.query;
    client.query = traced(query, client);
    client.release = (...args: unknown[]) => {
      if (own) client.query = query;
      else Reflect.deleteProperty(client, 'query');
      client.release = release;
      return release.apply(client, args);
    };
    return client;
  };
  return view;
}
