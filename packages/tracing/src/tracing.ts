import {
  type Attributes,
  type Context,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/**
 * Traces, off unless configured. When off nothing here is loaded into the request path: no
 * provider is registered and the services install no middleware, wrapper or plugin. When on, each
 * service of the process (the gateway, each subgraph, the worker) has its own tracer provider with
 * its own `service.name`, so the all-in-one process reports six services as split mode does; they
 * share one exporter.
 *
 * Parentage is passed explicitly (a request's span travels with the request: the gateway's
 * context, the subgraph's per-request database), never through a global context manager: on Node
 * 20 the AsyncLocalStorage context manager puts a hook on every promise of the process, which cost
 * the gateway about 30 % of its throughput (docs/adr/0004-traces-explicit-parentage.md). So no span
 * of a library that traces through the global API on its own (@apollo/gateway's) is recorded.
 */
export interface TracingOptions {
  /**
   * An OTLP/HTTP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT): spans are sent in batches to
   * `<endpoint>/v1/traces`. The exporter reads the other standard variables
   * (OTEL_EXPORTER_OTLP_HEADERS, …_TIMEOUT, …_COMPRESSION) itself.
   */
  endpoint?: string;
  /** Span processors of the caller's own (tests: a SimpleSpanProcessor on an InMemorySpanExporter). */
  spanProcessors?: SpanProcessor[];
  /** Every service's `service.name` (OTEL_SERVICE_NAME in split mode); `cifra-<service>` by default. */
  serviceName?: string;
  /**
   * The share of requests traced (0 to 1), decided where a trace starts (the gateway) and followed
   * through `traceparent` (parent-based). Absent, the SDK's own OTEL_TRACES_SAMPLER and
   * OTEL_TRACES_SAMPLER_ARG decide (every request when neither is set).
   */
  sampleRatio?: number;
}

/** W3C Trace Context (`traceparent`, `tracestate`): what crosses the gateway → subgraph hop. */
export const propagator = new W3CTraceContextPropagator();

/** The signal path of the OTLP/HTTP specification, appended to the base endpoint. */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

export class Tracing {
  private readonly processors: SpanProcessor[];
  private readonly services = new Map<string, ServiceTracing>();
  private readonly sampler: Sampler | undefined;

  constructor(private readonly opts: TracingOptions) {
    this.sampler =
      opts.sampleRatio === undefined
        ? undefined
        : new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(opts.sampleRatio) });
    this.processors = [
      ...(opts.endpoint
        ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(opts.endpoint) }))]
        : []),
      ...(opts.spanProcessors ?? []),
    ];
  }

  /** The tracer of one service of this process (`gateway`, `ledger`, `worker`, …). */
  service(name: string): ServiceTracing {
    let service = this.services.get(name);
    if (!service) {
      const resource = detectResources({ detectors: [envDetector] }).merge(
        resourceFromAttributes({ [ATTR_SERVICE_NAME]: this.opts.serviceName ?? `cifra-${name}` }),
      );
      service = new ServiceTracing(
        name,
        new BasicTracerProvider({
          resource,
          spanProcessors: this.processors,
          ...(this.sampler ? { sampler: this.sampler } : {}),
        }),
      );
      this.services.set(name, service);
    }
    return service;
  }

  /** Sends what is buffered, then stops exporting (the last step of stopping the process). */
  async shutdown(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.shutdown().catch(() => undefined)));
  }
}

const headerGetter: TextMapGetter<Record<string, string | string[] | undefined>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

export class ServiceTracing {
  readonly tracer: Tracer;

  constructor(
    readonly name: string,
    readonly provider: BasicTracerProvider,
  ) {
    this.tracer = provider.getTracer('cifra');
  }

  /**
   * A span for one request this service serves, and its context (the parent of what the request
   * does: fetches, statements). The parent
   * is taken from the request's `traceparent` only when `trustParent` (a subgraph behind the
   * gateway); at the edge every request starts its own trace.
   */
  serverSpan(
    name: string,
    headers: Record<string, string | string[] | undefined>,
    attributes: Attributes,
    trustParent: boolean,
  ): { span: Span; context: Context } {
    const parent = trustParent ? propagator.extract(ROOT_CONTEXT, headers, headerGetter) : ROOT_CONTEXT;
    const span = this.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
    return { span, context: trace.setSpan(parent, span) };
  }

  /** A span of a call this service makes to another (a subgraph fetch), a child of `parent`'s span. */
  clientSpan(name: string, attributes: Attributes, parent: Context): { span: Span; context: Context } {
    const span = this.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
    return { span, context: trace.setSpan(parent, span) };
  }

  /**
   * A span of work inside this service — a job run (a trace of its own), a phase of a request (a
   * child of `parent`'s span) — and its context.
   */
  internalSpan(
    name: string,
    attributes: Attributes,
    parent: Context = ROOT_CONTEXT,
  ): { span: Span; context: Context } {
    const span = this.tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes }, parent);
    return { span, context: trace.setSpan(parent, span) };
  }
}

/** The span context a request's `traceparent` names, if it names a valid one. */
export function parentIn(headers: Record<string, string | string[] | undefined>): Context | undefined {
  const ctx = propagator.extract(ROOT_CONTEXT, headers, headerGetter);
  return trace.getSpanContext(ctx) ? ctx : undefined;
}

/** Whether the span `ctx` names is sampled (its trace is recorded and exported). */
export function isSampled(ctx: Context): boolean {
  const span = trace.getSpanContext(ctx);
  return span !== undefined && (span.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
}

/** The `traceparent` (and `tracestate`) headers that make the receiver's span a child of `ctx`'s. */
export function traceHeaders(ctx: Context): Record<string, string> {
  const headers: Record<string, string> = {};
  propagator.inject(ctx, headers, {
    set: (carrier, key, value) => {
      carrier[key] = value;
    },
  });
  return headers;
}

/**
 * Ends a span with the outcome of what it covered: OK, or an error carrying the stable code
 * (`FORBIDDEN`, `PERIOD_LOCKED`, a SQLSTATE) — never an error message, which may quote input.
 */
export function endSpan(span: Span, outcome: string | undefined): void {
  markOutcome(span, outcome);
  span.end();
}

/** The outcome on a span that goes on (the error code of a GraphQL answer sent with status 200). */
export function markOutcome(span: Span, outcome: string | undefined): void {
  if (outcome && outcome !== 'OK') {
    span.setAttribute('error.type', outcome);
    span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
  }
}

export type { Context, Span, SpanContext };
export { SpanKind, trace };
