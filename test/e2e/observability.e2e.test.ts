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
    // Room in one person's bucket for the thousand requests of the metrics' bound below.
    t = await startTestStack({ logStream: log.stream, perimeter: { rateLimits: { personPoints: 5_000 } } });
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

  it('keeps /metrics and the log bounded whatever operation names callers make up', async () => {
    // A thousand distinct names of 2,000 characters each, as any signed-in user may send.
    const long = 'x'.repeat(2_000);
    const names = Array.from({ length: 1_000 }, (_, i) => `Op${i}_${long}`);
    for (let i = 0; i < names.length; i += 20) {
      const batch = names.slice(i, i + 20).map(async (name) => {
        const res = await post(
          t,
          { authorization: `Bearer ${t.token('reviewer')}`, 'x-request-id': `name-${name.slice(0, 8)}` },
          `query ${name} { me { email } }`,
        );
        expect(res.status).toBe(200);
      });
      await Promise.all(batch);
    }
    const scrape = async () => (await fetch(t.stack.gatewayUrl.replace(/\/graphql$/, '/metrics'))).text();
    const counted = (text: string) =>
      [...text.matchAll(/^cifra_gateway_requests_total\{operation="([^"]*)",outcome="[^"]*"\} (\d+)$/gm)].map(
        ([, operation, n]) => ({ operation: operation as string, n: Number(n) }),
      );
    // Counted when each response has finished, which may be just after the client read it.
    let text = await scrape();
    const made = () => counted(text).filter((c) => /^Op\d+_/.test(c.operation) || c.operation === 'other');
    for (let i = 0; i < 200 && made().reduce((sum, c) => sum + c.n, 0) < names.length; i++) {
      await new Promise((r) => setTimeout(r, 10));
      text = await scrape();
    }
    expect(made().reduce((sum, c) => sum + c.n, 0)).toBe(names.length);
    // At most a hundred names of callers' own besides the console's, none longer than 64
    // characters (and its ellipsis); the rest are counted together.
    const labels = new Set(counted(text).map((c) => c.operation));
    expect(Math.max(...[...labels].map((l) => l.length))).toBeLessThanOrEqual(65);
    expect([...labels].filter((l) => /^Op\d+_/.test(l)).length).toBeLessThanOrEqual(100);
    expect(counted(text).find((c) => c.operation === 'other')?.n).toBeGreaterThanOrEqual(900);
    expect(text.length).toBeLessThan(2_000_000);
    // The console's operations keep their own series all the same.
    await post(t, { authorization: `Bearer ${t.token('reviewer')}` }, 'query ConsoleMe { me { email } }');
    for (let i = 0; i < 200 && !counted(text).some((c) => c.operation === 'ConsoleMe'); i++) {
      await new Promise((r) => setTimeout(r, 10));
      text = await scrape();
    }
    expect(counted(text).find((c) => c.operation === 'ConsoleMe')?.n).toBe(1);
    // Each request's log line names its operation, cut to the same length.
    const line = await waitForLine('name-Op999_xx');
    expect(line?.operation).toBe(`${names[999]?.slice(0, 64)}…`);
  });

  it('refuses a client application name or version longer than a context carries, and reports no outage', async () => {
    const signedIn = { authorization: `Bearer ${t.token('senior')}`, 'x-tenant': 'cafe-boquete' };
    const long = 'A'.repeat(7_000);
    // As reported: both headers of 7,000 characters pushed the signed context past the 16 KiB of
    // headers a subgraph reads; the caller got SERVICE_UNAVAILABLE and the gateway an outage.
    const reported = await post(
      t,
      {
        ...signedIn,
        'apollographql-client-name': long,
        'apollographql-client-version': long,
        'x-request-id': 'long-client-headers',
      },
      '{ me { email } }',
    );
    expect(reported.status).toBe(400);
    expect(await reported.json()).toEqual({
      errors: [
        {
          message: 'The apollographql-client-name header is longer than 128 characters',
          extensions: { code: 'BAD_REQUEST', header: 'apollographql-client-name', max: 128, measured: 7_000 },
        },
      ],
    });
    expect(await waitForLine('long-client-headers')).toMatchObject({ status: 400, outcome: 'BAD_REQUEST' });
    const version = await post(
      t,
      { ...signedIn, 'apollographql-client-version': 'v'.repeat(129) },
      '{ me { email } }',
    );
    expect(version.status).toBe(400);
    expect(((await version.json()) as { errors: { extensions: unknown }[] }).errors[0]?.extensions).toEqual({
      code: 'BAD_REQUEST',
      header: 'apollographql-client-version',
      max: 128,
      measured: 129,
    });
    expect(log.lines.filter((l) => l.msg === 'a subgraph could not be reached')).toEqual([]);
    const metrics = await (await fetch(t.stack.gatewayUrl.replace(/\/graphql$/, '/metrics'))).text();
    expect(metrics).not.toMatch(/outcome="SERVICE_UNAVAILABLE"/);

    // At the bound, the request is served and the client's trail records the names whole.
    const name = `n${'A'.repeat(127)}`;
    const at = await post(
      t,
      { ...signedIn, 'apollographql-client-name': name, 'apollographql-client-version': 'v'.repeat(128) },
      'mutation { investigate(sql: "SELECT 1") { outcome } }',
    );
    expect(await at.json()).toEqual({ data: { investigate: { outcome: 'OK' } } });
    const events = await t.tenantSql<{ client_name: string; client_version: string }>(
      'cafe-boquete',
      `SELECT client_name, client_version FROM audit_events WHERE client_name = $1`,
      [name],
    );
    expect(events).toEqual([
      { client_name: name, client_version: 'v'.repeat(128) },
      { client_name: name, client_version: 'v'.repeat(128) },
    ]);
  });

  it('gives a caller no request id of a batch item’s, the batch worker’s proof of its own work', async () => {
    const forged = `batch-item:${crypto.randomUUID()}`;
    const res = await post(
      t,
      { authorization: `Bearer ${t.token('senior')}`, 'x-tenant': 'cafe-boquete', 'x-request-id': forged },
      'mutation { investigate(sql: "SELECT 2") { outcome } }',
    );
    expect(await res.json()).toEqual({ data: { investigate: { outcome: 'OK' } } });
    const given = res.headers.get('x-request-id') ?? '';
    expect(given).toMatch(/^[0-9a-f-]{36}$/);
    // The request's events carry the id the gateway gave it, none the forged one.
    const events = await t.tenantSql<{ request_id: string }>(
      'cafe-boquete',
      `SELECT request_id FROM audit_events WHERE request_id IN ($1, $2)`,
      [forged, given],
    );
    expect(events.map((e) => e.request_id)).toEqual([given, given]);
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
