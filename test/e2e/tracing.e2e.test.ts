import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGatewayService } from '@cifra/ops';
import { BATCH_ITEM_JOB } from '@cifra/subgraph-period';
import { BOOKS_YEAR } from '@cifra/testing';
import { Tracing } from '@cifra/tracing';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';

const service = (s: ReadableSpan) => s.resource.attributes['service.name'];
const parentId = (s: ReadableSpan) => s.parentSpanContext?.spanId;
const idOf = (s: ReadableSpan) => s.spanContext().spanId;

/** The spans of `spans` from `span` up to its trace's root, nearest first. */
function ancestry(span: ReadableSpan, spans: readonly ReadableSpan[]): ReadableSpan[] {
  const chain: ReadableSpan[] = [];
  for (
    let s: ReadableSpan | undefined = span;
    s;
    s = spans.find((p) => idOf(p) === parentId(s as ReadableSpan))
  )
    chain.push(s);
  return chain;
}

/** A pass-through proxy in front of a subgraph that keeps the headers of every request it forwards. */
async function recordingProxy(
  target: string,
): Promise<{ url: string; seen: IncomingHttpHeaders[]; server: Server }> {
  const to = new URL(target);
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    const upstream = request(
      { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${to.pathname}`, seen, server };
}

describe('traces from the gateway through a subgraph to PostgreSQL', () => {
  let t: TestStack;
  const exporter = new InMemorySpanExporter();
  beforeAll(async () => {
    t = await startTestStack({ tracing: { spanProcessors: [new SimpleSpanProcessor(exporter)] } });
  });
  afterAll(() => t?.close());

  const post = (headers: Record<string, string>, query: string) =>
    fetch(t.stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });

  /** The gateway's span of a request ends when its response has finished: just after the client reads it. */
  const gatewaySpan = async (requestId: string) => {
    const find = () =>
      exporter
        .getFinishedSpans()
        .find((s) => service(s) === 'cifra-gateway' && s.attributes['cifra.request_id'] === requestId);
    for (let i = 0; i < 200 && !find(); i++) await new Promise((r) => setTimeout(r, 10));
    const span = find();
    if (!span) throw new Error(`no gateway span for ${requestId}`);
    return span;
  };

  it('one trace: the gateway request, its fetch, the ledger subgraph’s request under it and that subgraph’s queries', async () => {
    const callerTrace = '0af7651916cd43dd8448eb211c80319c';
    const res = await post(
      {
        authorization: `Bearer ${t.token('senior')}`,
        'x-tenant': 'cafe-boquete',
        'x-request-id': 'traced-1',
        // A caller's own trace context is not followed at the edge.
        traceparent: `00-${callerTrace}-b7ad6b7169203331-01`,
      },
      'query TracedAccounts { accounts { code } }',
    );
    const body = (await res.json()) as { data?: { accounts?: unknown[] } };
    expect(body.data?.accounts?.length).toBeGreaterThan(0);

    const root = await gatewaySpan('traced-1');
    expect(root.kind).toBe(SpanKind.SERVER);
    expect(root.parentSpanContext).toBeUndefined();
    const traceId = root.spanContext().traceId;
    expect(traceId).not.toBe(callerTrace);
    expect(root.attributes).toMatchObject({
      'graphql.operation.name': 'TracedAccounts',
      'cifra.tenant.slug': 'cafe-boquete',
      'cifra.outcome': 'OK',
      'http.response.status_code': 200,
    });
    expect(root.attributes['cifra.tenant.id']).toMatch(/^[0-9a-f-]{36}$/);

    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const fetchSpan = spans.find((s) => service(s) === 'cifra-gateway' && s.name === 'POST ledger');
    const ledger = spans.find((s) => service(s) === 'cifra-ledger' && s.kind === SpanKind.SERVER);
    if (!fetchSpan || !ledger)
      throw new Error(`spans: ${spans.map((s) => `${service(s)} ${s.name}`).join(', ')}`);
    expect(fetchSpan.kind).toBe(SpanKind.CLIENT);
    // The subgraph continued the gateway's trace from traceparent: its request is the fetch's child,
    // the fetch is the gateway's execution's, and that is the gateway request's.
    expect(parentId(ledger)).toBe(idOf(fetchSpan));
    const execute = spans.find((s) => s.name === 'gateway.execute');
    expect(execute && parentId(fetchSpan)).toBe(execute && idOf(execute));
    expect(execute && parentId(execute)).toBe(idOf(root));
    expect(ledger.attributes).toMatchObject({
      'cifra.request_id': 'traced-1',
      'cifra.tenant.slug': 'cafe-boquete',
      'cifra.tenant.id': root.attributes['cifra.tenant.id'],
      'cifra.outcome': 'OK',
    });

    const queries = spans.filter((s) => service(s) === 'cifra-ledger' && s.attributes['db.system.name']);
    const accounts = queries.find((s) => s.name === 'SELECT accounts');
    if (!accounts) throw new Error(`ledger queries: ${queries.map((s) => s.name).join(', ')}`);
    expect(accounts.kind).toBe(SpanKind.CLIENT);
    expect(ancestry(accounts, spans)).toContain(ledger);
    expect(accounts.attributes).toMatchObject({
      'db.operation.name': 'SELECT',
      'db.collection.name': 'accounts',
    });
    // Every statement of the ledger's request is under it, and it ran in the client's own database.
    for (const q of queries) expect(parentId(q)).toBe(idOf(ledger));
    expect(accounts.attributes['db.namespace']).toMatch(/^[a-z0-9_]+$/);

    // Nothing names the person, and no statement text or parameter is recorded.
    const recorded = JSON.stringify(spans.map((s) => s.attributes));
    expect(recorded).not.toContain('senior@demo.firm');
    expect(recorded).not.toMatch(/db\.query\.text|db\.statement|drizzle\.query/);
  });

  it('the gateway’s plan, its execution and its control-plane statements are spans of the request', async () => {
    // A caller and client no earlier test asked for: the access is not in the gateway's cache, so
    // the control plane is read.
    const res = await post(
      {
        authorization: `Bearer ${t.token('admin')}`,
        'x-tenant': 'logistica-canal',
        'x-request-id': 'traced-phases',
      },
      'query PhasedAccounts { accounts { code } }',
    );
    expect(res.status).toBe(200);
    const root = await gatewaySpan('traced-phases');
    const spans = exporter
      .getFinishedSpans()
      .filter((s) => s.spanContext().traceId === root.spanContext().traceId);
    const gateway = spans.filter((s) => service(s) === 'cifra-gateway');
    const plan = gateway.find((s) => s.name === 'gateway.plan');
    const execute = gateway.find((s) => s.name === 'gateway.execute');
    const fetchSpan = gateway.find((s) => s.name === 'POST ledger');
    if (!plan || !execute || !fetchSpan)
      throw new Error(`gateway spans: ${gateway.map((s) => s.name).join(', ')}`);
    expect(plan.kind).toBe(SpanKind.INTERNAL);
    expect(plan.attributes['graphql.operation.name']).toBe('PhasedAccounts');
    expect(parentId(plan)).toBe(idOf(root));
    expect(parentId(execute)).toBe(idOf(root));
    expect(parentId(fetchSpan)).toBe(idOf(execute));
    // Planning comes before execution, and every fetch is inside the execution.
    // (Span times come from clocks of different resolution: a span may start on a millisecond
    // boundary while the one before it ended within that millisecond, so compare milliseconds.)
    const at = (time: [number, number]) => time[0] * 1e3 + Math.floor(time[1] / 1e6);
    expect(at(plan.endTime)).toBeLessThanOrEqual(at(execute.startTime));
    expect(at(fetchSpan.startTime)).toBeGreaterThanOrEqual(at(execute.startTime));

    // The caller's access was read from the control plane: statements of the gateway, children of
    // the request, in the control database — and, as everywhere, no statement text.
    const control = gateway.filter((s) => s.attributes['db.system.name'] === 'postgresql');
    expect(control.length).toBeGreaterThan(0);
    for (const q of control) {
      expect(q.kind).toBe(SpanKind.CLIENT);
      expect(parentId(q)).toBe(idOf(root));
      expect(q.name).toMatch(/^[A-Z]+( [a-z_]+)?$/);
    }
    expect(control.map((q) => q.attributes['db.collection.name'])).toEqual(
      expect.arrayContaining(['tenants']),
    );
    const ledgerQuery = spans.find((s) => service(s) === 'cifra-ledger' && s.name === 'SELECT accounts');
    expect(ledgerQuery?.attributes['db.namespace']).not.toBe(control[0]?.attributes['db.namespace']);
  });

  it('a transaction’s statements are spans of the request that ran it, on the connection it checked out', async () => {
    const posted = await post(
      {
        authorization: `Bearer ${t.token('senior')}`,
        'x-tenant': 'cafe-boquete',
        'x-request-id': 'traced-3',
      },
      'mutation TracedPost { postJournalEntry(input: { postingDate: "2026-11-20", memo: "Cash sale", idempotencyKey: "traced-sale", lines: [{ accountCode: "1110", debit: "100.00" }, { accountCode: "4101", credit: "100.00" }] }) { number } }',
    );
    const body = (await posted.json()) as { data?: { postJournalEntry?: { number: string } } };
    expect(JSON.stringify(body)).toContain('"number":"JE-');
    const root = await gatewaySpan('traced-3');
    const spans = exporter
      .getFinishedSpans()
      .filter((s) => s.spanContext().traceId === root.spanContext().traceId);
    const ledger = spans.find((s) => service(s) === 'cifra-ledger' && s.kind === SpanKind.SERVER);
    if (!ledger) throw new Error('no ledger span');
    const statements = spans.filter((s) => parentId(s) === idOf(ledger)).map((s) => s.name);
    expect(statements).toEqual(expect.arrayContaining(['BEGIN', 'INSERT gl_lines', 'COMMIT']));
    // The connection went back to the pool untraced: a later request's statements are its own.
    const again = await post(
      {
        authorization: `Bearer ${t.token('senior')}`,
        'x-tenant': 'cafe-boquete',
        'x-request-id': 'traced-4',
      },
      '{ accounts { code } }',
    );
    expect(again.status).toBe(200);
    const next = await gatewaySpan('traced-4');
    const nextSpans = exporter
      .getFinishedSpans()
      .filter((s) => s.spanContext().traceId === next.spanContext().traceId);
    expect(nextSpans.some((s) => s.name === 'SELECT accounts')).toBe(true);
    const counted = exporter
      .getFinishedSpans()
      .filter((s) => s.spanContext().traceId === root.spanContext().traceId);
    expect(counted.length).toBe(spans.length);
  });

  it('a refused request is an error span with its code', async () => {
    const res = await post(
      {
        authorization: `Bearer ${t.token('client')}`,
        'x-tenant': 'ferreteria-colon',
        'x-request-id': 'traced-2',
      },
      '{ accounts { code } }',
    );
    expect(res.status).toBe(403);
    const root = await gatewaySpan('traced-2');
    expect(root.attributes).toMatchObject({ 'cifra.outcome': 'FORBIDDEN', 'http.response.status_code': 403 });
    expect(root.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'FORBIDDEN' });
  });

  it('a job run by the worker is a span of the worker', async () => {
    const r = await t.as('senior')<{ startBatchPeriodOperation: { id: string } }>(
      `mutation Start($input: StartBatchPeriodOperationInput!) { startBatchPeriodOperation(input: $input) { id } }`,
      {
        input: {
          tenants: ['cafe-boquete'],
          year: BOOKS_YEAR,
          month: 1,
          action: 'LOCK_SALES',
          idempotencyKey: 'traced-batch',
        },
      },
    );
    expect(r.errors).toBeUndefined();
    const job = () =>
      exporter
        .getFinishedSpans()
        .find((s) => service(s) === 'cifra-worker' && s.name === `job ${BATCH_ITEM_JOB}`);
    for (let i = 0; i < 1_000 && !job(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const run = job();
    if (!run) throw new Error('no job span');
    expect(run.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(run.attributes['cifra.job']).toBe(BATCH_ITEM_JOB);
    expect(run.parentSpanContext).toBeUndefined();
  });

  it('a gateway without traces sends no traceparent, and a traced one does; both are answered', async () => {
    const proxy = await recordingProxy(t.stack.subgraphUrls.ledger as string);
    const exported = new InMemorySpanExporter();
    const tracing = new Tracing({ spanProcessors: [new SimpleSpanProcessor(exported)] });
    const start = (traced: boolean) =>
      startGatewayService({
        port: 0,
        subgraphUrls: { ...t.stack.subgraphUrls, ledger: proxy.url },
        auth: { kind: 'local', publicJwk: t.stack.gatewayKeys.authPublicJwk },
        contextPrivateJwk: t.stack.gatewayKeys.contextPrivateJwk,
        control: t.stack.appControl,
        log: pino({ level: 'silent' }),
        tracing: traced ? tracing.service('gateway') : undefined,
      });
    const [off, on] = [await start(false), await start(true)];
    try {
      const ask = async (url: string) => {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${t.token('senior')}`,
            'x-tenant': 'cafe-boquete',
          },
          body: JSON.stringify({ query: '{ accounts { code } }' }),
        });
        return ((await res.json()) as { data?: { accounts?: unknown[] } }).data?.accounts?.length;
      };
      expect(await ask(off.url)).toBeGreaterThan(0);
      expect(proxy.seen.length).toBeGreaterThan(0);
      expect(proxy.seen.some((h) => 'traceparent' in h)).toBe(false);

      proxy.seen.length = 0;
      expect(await ask(on.url)).toBeGreaterThan(0);
      const sent = proxy.seen.map((h) => h.traceparent).filter(Boolean);
      expect(sent).toHaveLength(1);
      const fetchSpan = exported.getFinishedSpans().find((s) => s.name === 'POST ledger');
      expect(sent[0]).toBe(`00-${fetchSpan?.spanContext().traceId}-${fetchSpan?.spanContext().spanId}-01`);
    } finally {
      await Promise.all([off.close(), on.close()]);
      await tracing.shutdown();
      proxy.server.close();
    }
  });
});
