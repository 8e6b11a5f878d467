import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/** Every log line the stack writes, parsed. */
function captureLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

const post = (t: TestStack, headers: Record<string, string>, query: string) =>
  fetch(t.stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });

describe('the gateway is observable and says nothing internal', () => {
  let t: TestStack;
  const log = captureLog();
  beforeAll(async () => {
    t = await startTestStack({ logStream: log.stream });
  });
  afterAll(() => t?.close());

  const requestLine = (requestId: string) =>
    log.lines.find((l) => l.msg === 'request' && l.requestId === requestId) as
      | Record<string, unknown>
      | undefined;
  const waitForLine = async (requestId: string) => {
    for (let i = 0; i < 200 && !requestLine(requestId); i++) await new Promise((r) => setTimeout(r, 10));
    return requestLine(requestId);
  };

  it('returns a request id on every answer, keeps the caller’s own, and logs one line per request, refusals included', async () => {
    const ok = await post(
      t,
      {
        authorization: `Bearer ${t.token('senior')}`,
        'x-tenant': 'cafe-boquete',
        'x-request-id': 'my-trace-42',
      },
      'query TrialAccounts { accounts { code } }',
    );
    expect(ok.headers.get('x-request-id')).toBe('my-trace-42');
    expect(await waitForLine('my-trace-42')).toMatchObject({
      caller: 'senior@demo.firm',
      tenant: 'cafe-boquete',
      operation: 'TrialAccounts',
      outcome: 'OK',
      status: 200,
    });

    const anonymous = await post(t, {}, '{ accounts { code } }');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const anonId = anonymous.headers.get('x-request-id') ?? '';
    expect(anonId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await waitForLine(anonId)).toMatchObject({
      outcome: 'UNAUTHENTICATED',
      status: 401,
      caller: null,
    });

    const forbidden = await post(
      t,
      { authorization: `Bearer ${t.token('client')}`, 'x-tenant': 'ferreteria-colon' },
      '{ accounts { code } }',
    );
    const forbiddenId = forbidden.headers.get('x-request-id') ?? '';
    expect(await waitForLine(forbiddenId)).toMatchObject({
      outcome: 'FORBIDDEN',
      caller: 'client@demo.firm',
      tenant: 'ferreteria-colon',
    });

    const hostile = await post(t, { 'x-request-id': 'bad id with spaces' }, '{ me { email } }');
    expect(hostile.headers.get('x-request-id')).not.toBe('bad id with spaces');
  });

  it('serves Prometheus metrics by operation and outcome, with tenant pools per server and the job queue', async () => {
    await post(
      t,
      { authorization: `Bearer ${t.token('senior')}`, 'x-tenant': 'cafe-boquete' },
      'query MetricProbe { accounts { code } }',
    );
    const scrape = () => fetch(t.stack.gatewayUrl.replace(/\/graphql$/, '/metrics'));
    expect((await scrape()).status).toBe(200);
    // The request is counted when its response has finished, which may be just after the client read it.
    let text = '';
    for (let i = 0; i < 200 && !text.includes('operation="MetricProbe"'); i++) {
      text = await (await scrape()).text();
      if (!text.includes('operation="MetricProbe"')) await new Promise((r) => setTimeout(r, 10));
    }
    expect(text).toMatch(/cifra_gateway_requests_total\{operation="MetricProbe",outcome="OK"\} 1/);
    expect(text).toMatch(
      /cifra_gateway_request_duration_seconds_bucket\{le="[^"]+",operation="MetricProbe",outcome="OK"\}/,
    );
    expect(text).toMatch(/cifra_tenant_pool_connections\{server="[^"]+",state="(used|idle)"\}/);
    expect(text).toMatch(/cifra_jobs\{job="[^"]+",state="[a-z]+"\}/);
  });

  it('keeps introspection and field suggestions to the firm staff, and no subgraph name in errors', async () => {
    const introspect = '{ __schema { queryType { name } } }';
    expect((await t.as('senior', 'cafe-boquete')(introspect)).data).toMatchObject({
      __schema: { queryType: { name: 'Query' } },
    });
    expect(codes(await t.as('client', 'cafe-boquete')(introspect))).toEqual(['FORBIDDEN']);
    expect(codes(await t.as('reviewer', 'cafe-boquete')('{ __type(name: "Query") { name } }'))).toEqual([
      'FORBIDDEN',
    ]);

    const typo = '{ acounts { code } }';
    const staff = await t.as('senior', 'cafe-boquete')(typo);
    expect(staff.errors?.[0]?.message).toContain('Did you mean');
    const client = await t.as('client', 'cafe-boquete')(typo);
    expect(client.errors?.[0]?.message).not.toContain('Did you mean');
    expect(client.errors?.[0]?.message).not.toContain('accounts');

    const notFound = await t.as(
      'senior',
      'cafe-boquete',
    )('{ journalEntry(id: "00000000-0000-4000-8000-000000000000") { id } document(id: "x") { id } }');
    for (const error of notFound.errors ?? []) expect(error.extensions).not.toHaveProperty('serviceName');
  });
});
