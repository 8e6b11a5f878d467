import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { isSampled, parentIn, Tracing, traceHeaders } from './tracing.ts';

describe('sampling: the gateway decides, what it calls follows', () => {
  const traced = (sampleRatio: number) => {
    const exporter = new InMemorySpanExporter();
    const tracing = new Tracing({ spanProcessors: [new SimpleSpanProcessor(exporter)], sampleRatio });
    return { exporter, gateway: tracing.service('gateway'), ledger: tracing.service('ledger') };
  };

  it('records nothing of a request it does not sample, and says so downstream', () => {
    const { exporter, gateway, ledger } = traced(0);
    const edge = gateway.serverSpan('POST /graphql', {}, {}, false);
    expect(edge.span.isRecording()).toBe(false);
    expect(isSampled(edge.context)).toBe(false);
    const headers = traceHeaders(edge.context);
    expect(headers.traceparent).toMatch(/-00$/);
    // The subgraph follows the gateway's decision, whatever its own ratio.
    const parent = parentIn(headers);
    expect(parent && isSampled(parent)).toBe(false);
    const sub = ledger.serverSpan('POST /graphql', headers, {}, true);
    expect(sub.span.isRecording()).toBe(false);
    edge.span.end();
    sub.span.end();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('records every span of a request it samples, the subgraph’s included', () => {
    const { exporter, gateway, ledger } = traced(1);
    const edge = gateway.serverSpan('POST /graphql', {}, {}, false);
    expect(isSampled(edge.context)).toBe(true);
    const sub = ledger.serverSpan('POST /graphql', traceHeaders(edge.context), {}, true);
    expect(sub.span.isRecording()).toBe(true);
    sub.span.end();
    edge.span.end();
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(2);
    expect(spans[0]?.parentSpanContext?.spanId).toBe(edge.span.spanContext().spanId);
  });
});
