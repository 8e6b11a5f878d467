import {
  type Attributes,
  type Context,
  context,
  createContextKey,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  type SpanOptions,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/**
 * Traces, off unless configured. When off nothing here is loaded into the request path: no
 * provider or context manager is registered, and the services install no middleware, wrapper or
 * plugin. When on, each service of the process (the gateway, each subgraph, the worker) has its own
 * tracer provider with its own `service.name`, so the all-in-one process reports six services as
 * split mode does; they share one exporter.
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
}

/** The service a span belongs to, carried in the context of everything done for its request. */
const SERVICE = createContextKey('cifra.service');
/** Set inside a pool-level query span: the connection-level query it runs is not a second span. */
export const IN_QUERY = createContextKey('cifra.in-query');

/** W3C Trace Context (`traceparent`, `tracestate`): what crosses the gateway → subgraph hop. */
export const propagator = new W3CTraceContextPropagator();

const NOOP_TRACER = new ProxyTracerProvider().getTracer('cifra-noop');

/**
 * The global provider, for libraries that trace through the OpenTelemetry API on their own
 * (@apollo/gateway's plan, execute and fetch spans): their spans go to the provider of the service
 * whose request they run in, and are no-ops anywhere else.
 */
class ServiceRoutedTracer implements Tracer {
  constructor(
    private readonly name: string,
    private readonly version: string | undefined,
  ) {}

  private pick(ctx: Context): Tracer {
    const service = ctx.getValue(SERVICE) as ServiceTracing | undefined;
    return service ? service.provider.getTracer(this.name, this.version) : NOOP_TRACER;
  }

  startSpan(name: string, options?: SpanOptions, ctx: Context = context.active()): Span {
    return this.pick(ctx).startSpan(name, options, ctx);
  }

  startActiveSpan<F extends (span: Span) => unknown>(...args: unknown[]): ReturnType<F> {
    // (name, fn), (name, options, fn) or (name, options, context, fn)
    const ctx = args.length >= 4 ? (args[2] as Context) : context.active();
    const tracer = this.pick(ctx);
    return (tracer.startActiveSpan as (...a: unknown[]) => ReturnType<F>).apply(tracer, args);
  }
}

const routedProvider: TracerProvider = {
  getTracer: (name, version) => new ServiceRoutedTracer(name, version),
};

let installed = false;

/** Once per process, and only when some service traces: async context and the routed provider. */
function install(): void {
  if (installed) return;
  installed = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(routedProvider);
}

/** The signal path of the OTLP/HTTP specification, appended to the base endpoint. */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

export class Tracing {
  private readonly processors: SpanProcessor[];
  private readonly services = new Map<string, ServiceTracing>();

  constructor(private readonly opts: TracingOptions) {
    this.processors = [
      ...(opts.endpoint
        ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(opts.endpoint) }))]
        : []),
      ...(opts.spanProcessors ?? []),
    ];
    install();
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
        new BasicTracerProvider({ resource, spanProcessors: this.processors }),
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

  /** `ctx` with this service as the owner of the spans started in it (queries, the gateway's own). */
  enter(ctx: Context): Context {
    return ctx.setValue(SERVICE, this);
  }

  /**
   * A span for one request this service serves, and the context to run the request in. The parent
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
    return { span, context: this.enter(trace.setSpan(parent, span)) };
  }

  /** A span of a call this service makes to another (a subgraph fetch), a child of `parent`'s span. */
  clientSpan(name: string, attributes: Attributes, parent: Context): { span: Span; context: Context } {
    const span = this.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
    return { span, context: trace.setSpan(parent, span) };
  }

  /** A span of background work (a job run) of this service, and the context to run it in. */
  internalSpan(name: string, attributes: Attributes): { span: Span; context: Context } {
    const span = this.tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes }, ROOT_CONTEXT);
    return { span, context: this.enter(trace.setSpan(ROOT_CONTEXT, span)) };
  }
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

/** The service whose request `ctx` belongs to, if that request is traced. */
export function serviceOf(ctx: Context): ServiceTracing | undefined {
  return ctx.getValue(SERVICE) as ServiceTracing | undefined;
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
export { context, SpanKind, trace };
