import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { isServiceRequestId, type Logger, REQUEST_ID_MAX_LENGTH } from '@cifra/context';
import { type Context, endSpan, type ServiceTracing, type Span } from '@cifra/tracing';
import type { NextFunction, Request, Response } from 'express';
import { Kind, parse } from 'graphql';
import client from 'prom-client';

/**
 * What the gateway knows about one request, filled in as it goes (request id first, then the
 * caller, the client and the operation, then the outcome) and written as one log line and one set
 * of metrics when the response is finished — refusals included.
 */
export interface RequestTrace {
  requestId: string;
  startedAt: bigint;
  caller?: string;
  tenant?: string;
  /** The client's id, once the caller's access to it is known. */
  tenantId?: string;
  operation?: string;
  /** The error codes of the answer, or OK. */
  outcome?: string;
  /** The request's span and its context (the parent of its phases' spans), when traces are on. */
  span?: { span: Span; context: Context };
  /** Its planning and its execution (the parent of its fetches' spans), when it is sampled. */
  plan?: { span: Span; context: Context };
  execute?: { span: Span; context: Context };
}

/**
 * A caller's own request id is kept when it is a sane token and not in a namespace the services
 * mint for their own work (a batch item's, `batch-item:…`, which the batch worker trusts as its
 * own); anything else is replaced.
 */
const REQUEST_ID = new RegExp(`^[A-Za-z0-9._:-]{1,${REQUEST_ID_MAX_LENGTH}}$`);
export const callerRequestId = (given: string | undefined): string =>
  given && REQUEST_ID.test(given) && !isServiceRequestId(given) ? given : randomUUID();

export function traceOf(res: Response): RequestTrace {
  return res.locals.trace as RequestTrace;
}

/**
 * The longest operation name the gateway writes anywhere — log line, span, metric label. A name is
 * the caller's own text, as long as the query it is in (100,000 characters): cut, it still says
 * which operation it was.
 */
export const OPERATION_NAME_MAX = 64;

/** The operation name as the gateway records it: cut past OPERATION_NAME_MAX, with an ellipsis. */
export const recordedOperationName = (name: string): string =>
  name.length <= OPERATION_NAME_MAX ? name : `${name.slice(0, OPERATION_NAME_MAX)}…`;

/**
 * Operation names with series of their own besides the console's documents' names, per process:
 * the first ones seen. Each name is a series for the life of the process (a counter and 14 of the
 * histogram per outcome), so a caller who makes up names must not make series: past these, every
 * other name is counted as `other`.
 */
export const OTHER_OPERATION_LABELS_MAX = 100;

/** The names of the operations in a set of trusted documents (the console's manifest). */
export function operationNamesOf(documents: Readonly<Record<string, string>> = {}): Set<string> {
  const names = new Set<string>();
  for (const text of Object.values(documents)) {
    try {
      for (const def of parse(text).definitions)
        if (def.kind === Kind.OPERATION_DEFINITION && def.name)
          names.add(recordedOperationName(def.name.value));
    } catch {
      // Not a document: it has no name to keep a series for, and is refused where it is run.
    }
  }
  return names;
}

/** An outcome label is a code (OK, FORBIDDEN, HTTP_413…); anything else is counted as ERROR. */
const OUTCOME = /^[A-Z][A-Z0-9_]{0,63}$/;

export class GatewayMetrics {
  readonly registry = new client.Registry();
  /** Callers' own operation names that have series, up to OTHER_OPERATION_LABELS_MAX. */
  private readonly otherOperations = new Set<string>();
  private readonly requests = new client.Counter({
    name: 'cifra_gateway_requests_total',
    help: 'GraphQL requests by operation name and outcome (OK or the first error code).',
    labelNames: ['operation', 'outcome'],
    registers: [this.registry],
  });
  private readonly duration = new client.Histogram({
    name: 'cifra_gateway_request_duration_seconds',
    help: 'GraphQL request latency by operation name and outcome.',
    labelNames: ['operation', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** `known`: the operation names that always have their own series (the console's). */
  constructor(
    gauges: MetricSources = {},
    private readonly known: ReadonlySet<string> = new Set(),
  ) {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'cifra_gateway_' });
    if (gauges.tenantPools) {
      const read = gauges.tenantPools;
      new client.Gauge({
        name: 'cifra_tenant_pool_connections',
        help: 'Open connections to client databases, by database server and state (used or idle).',
        labelNames: ['server', 'state'],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const s of read()) {
            this.set({ server: s.server, state: 'used' }, s.connections - s.idle);
            this.set({ server: s.server, state: 'idle' }, s.idle);
          }
        },
      });
    }
    if (gauges.jobs) {
      const read = gauges.jobs;
      new client.Gauge({
        name: 'cifra_jobs',
        help: 'Background jobs by name and state: due (waiting to run), running, failed (last run failed).',
        labelNames: ['job', 'state'],
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const j of await read()) this.set({ job: j.name, state: j.state }, j.count);
        },
      });
    }
  }

  observe(trace: RequestTrace): void {
    const outcome = trace.outcome ?? 'OK';
    const labels = {
      operation: this.operationLabel(trace.operation),
      outcome: OUTCOME.test(outcome) ? outcome : 'ERROR',
    };
    this.requests.inc(labels);
    this.duration.observe(labels, Number(process.hrtime.bigint() - trace.startedAt) / 1e9);
  }

  private operationLabel(operation: string | undefined): string {
    if (operation === undefined) return 'unknown';
    if (this.known.has(operation) || this.otherOperations.has(operation)) return operation;
    if (this.otherOperations.size >= OTHER_OPERATION_LABELS_MAX) return 'other';
    this.otherOperations.add(operation);
    return operation;
  }
}

export interface MetricSources {
  /** Tenant pools of this process, per database server. */
  tenantPools?: () => { server: string; connections: number; idle: number }[];
  /** The job queue: counts by job name and state. */
  jobs?: () => Promise<{ name: string; state: string; count: number }[]>;
}

/** Probes and scrapes: not worth a trace each. */
const UNTRACED = new Set(['/healthz', '/metrics']);

/**
 * First on every route: the request id (the caller's own `x-request-id`, or a new one) goes back in
 * the response header at once, so even a refusal carries it; when the response is finished, one
 * log line says who asked what of which client, how it ended, how long it took and how big it was.
 * With traces on, the request is also a span (a new trace: a caller's own `traceparent` is not
 * followed at the edge), ended with the same facts — the client, never the caller's email.
 */
export function requestTracing(log: Logger, metrics: GatewayMetrics | undefined, tracing?: ServiceTracing) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.header('x-request-id');
    const trace: RequestTrace = {
      requestId: callerRequestId(given),
      startedAt: process.hrtime.bigint(),
    };
    res.locals.trace = trace;
    res.setHeader('x-request-id', trace.requestId);
    // Taken now: a mounted router rewrites req.url while it runs. An export link's token is a
    // credential, so its path is logged without it.
    const path = (req.originalUrl.split('?')[0] ?? '').replace(/^\/exports\/.+$/, '/exports/…');
    if (tracing && !UNTRACED.has(path)) {
      trace.span = tracing.serverSpan(
        `${req.method} ${path}`,
        req.headers,
        {
          'http.request.method': req.method,
          'url.path': path,
          'http.route': path,
          'cifra.request_id': trace.requestId,
        },
        false,
      );
    }
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - trace.startedAt) / 1e6;
      const entry = {
        requestId: trace.requestId,
        method: req.method,
        path,
        status: res.statusCode,
        caller: trace.caller ?? null,
        tenant: trace.tenant ?? null,
        operation: trace.operation ?? null,
        outcome: trace.outcome ?? (res.statusCode < 400 ? 'OK' : `HTTP_${res.statusCode}`),
        durationMs: Math.round(durationMs * 10) / 10,
        bytes: Number(res.getHeader('content-length') ?? 0),
      };
      if (path === '/graphql') metrics?.observe({ ...trace, outcome: entry.outcome });
      log[res.statusCode >= 500 ? 'error' : 'info'](entry, 'request');
      if (trace.span) {
        trace.span.span.setAttributes({
          'http.response.status_code': res.statusCode,
          'cifra.outcome': entry.outcome,
          ...(trace.tenant ? { 'cifra.tenant.slug': trace.tenant } : {}),
          ...(trace.tenantId ? { 'cifra.tenant.id': trace.tenantId } : {}),
          ...(trace.operation ? { 'graphql.operation.name': trace.operation } : {}),
        });
        endSpan(trace.span.span, entry.outcome);
      }
    });
    next();
  };
}

/** Records the operation name and the outcome (first error code, or OK) on the request's trace. */
export function traceOperationPlugin(): ApolloServerPlugin<{ trace?: RequestTrace }> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async didResolveOperation({ operationName }) {
          if (contextValue.trace)
            contextValue.trace.operation = operationName ? recordedOperationName(operationName) : 'anonymous';
        },
        async willSendResponse({ response }) {
          const trace = contextValue.trace;
          if (!trace || response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors ?? [];
          trace.outcome = errors.length ? String(errors[0]?.extensions?.code ?? 'ERROR') : 'OK';
        },
      };
    },
  };
}
