import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientToday } from '../support/books-year.ts';
import { codes } from '../support/client.ts';
import { chunk, expectContinue, rawRequest, write } from '../support/raw-http.ts';
import { startAnotherGateway, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * What a body may weigh, decided from the headers before any of it is read
 * (docs/architecture/gateway.md, "The request path"): small here so the tests send little.
 */
const BODY = { maxBytes: 256 * 1024, bulkMaxBytes: 512 * 1024 };
const ACCOUNTS = '{ accounts { code } }';

function captureLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(data, _enc, done) {
      for (const line of String(data).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

describe('request bodies: refused for their size before they are read', () => {
  let t: TestStack;
  const log = captureLog();
  beforeAll(async () => {
    t = await startTestStack({ logStream: log.stream, perimeter: { bodyLimits: BODY } });
  });
  afterAll(() => t?.close());

  const headers = (who: 'senior' | 'client' | 'junior', more: Record<string, string> = {}) => ({
    'content-type': 'application/json',
    authorization: `Bearer ${t.token(who)}`,
    'x-tenant': 'cafe-boquete',
    ...more,
  });
  /** A valid request padded to about `bytes` with a variable the operation does not use. */
  const padded = (bytes: number) =>
    JSON.stringify({ query: ACCOUNTS, variables: { pad: 'x'.repeat(bytes) } });

  it('answers 413 from the Content-Length alone: the body is never sent, the answer still comes', async () => {
    // A read-only user may send 256 KiB; this request announces 300,000 bytes and sends ten.
    const small = await rawRequest(
      t.stack.gatewayUrl,
      headers('client', { 'content-length': '300000', 'x-request-id': 'too-big-for-a-reader' }),
      (socket) => void socket.write('{"query":"'),
    );
    expect(small.status).toBe(413);
    expect(small.headers['x-request-id']).toBe('too-big-for-a-reader');
    expect(small.body.errors?.[0]?.extensions).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      limit: 'body',
      max: BODY.maxBytes,
      measured: 300_000,
    });
    expect(small.body.data ?? null).toBeNull();

    // More than anyone may send, from nobody at all: refused before the token is even looked at.
    const huge = await rawRequest(
      t.stack.gatewayUrl,
      { 'content-type': 'application/json', 'content-length': String(100 * 1024 * 1024) },
      () => undefined,
    );
    expect(huge.status).toBe(413);
    expect(huge.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      max: BODY.bulkMaxBytes,
      measured: 100 * 1024 * 1024,
    });
  });

  it('lets a caller who may post to the ledger send a bulk import’s size, and nobody else', async () => {
    const body = padded(300 * 1024);
    const senior = await fetch(t.stack.gatewayUrl, { method: 'POST', headers: headers('senior'), body });
    expect(senior.status).toBe(200);
    const answered = (await senior.json()) as { data?: { accounts: unknown[] }; errors?: unknown };
    expect(answered.errors).toBeUndefined();
    expect(answered.data?.accounts.length).toBeGreaterThan(10);

    const reader = await fetch(t.stack.gatewayUrl, { method: 'POST', headers: headers('client'), body });
    expect(reader.status).toBe(413);
    const refused = (await reader.json()) as { errors: { extensions: { code: string } }[] };
    expect(refused.errors.map((e) => e.extensions.code)).toEqual(['PAYLOAD_TOO_LARGE']);
  });

  it('counts a chunked body as it streams and stops at the limit, writing nothing', async () => {
    const footprint = async () =>
      (
        await t.tenantSql<{ n: number }>(
          'cafe-boquete',
          `SELECT (SELECT count(*) FROM journal_entries)::int + (SELECT count(*) FROM audit_events)::int AS n`,
        )
      )[0]?.n;
    const before = await footprint();
    // A bulk import that announces no length and keeps coming: entries past the bulk limit.
    const today = clientToday();
    const entry = JSON.stringify({
      postingDate: today,
      memo: 'importado',
      lines: [
        { accountCode: '1110', debit: '1.00' },
        { accountCode: '4101', credit: '1.00' },
      ],
    });
    const entries = Array.from({ length: 500 }, () => entry).join(',');
    // The body never ends (no last chunk is ever sent): an answer can only be a refusal made
    // while it streamed.
    const answer = await rawRequest(
      t.stack.gatewayUrl,
      headers('senior', { 'transfer-encoding': 'chunked', 'x-request-id': 'chunked-import' }),
      async (socket, answered) => {
        const start = `{"query":"mutation($input: [PostJournalEntryInput!]!) { postJournalEntries(input: $input) { id } }","variables":{"input":[`;
        await write(socket, chunk(start));
        // Half as much again as the limit: past it, short of where the gateway cuts a sender off.
        for (let sent = 0; !answered() && sent < 1.5 * BODY.bulkMaxBytes; sent += entries.length + 1) {
          await write(socket, chunk(`${entries},`));
        }
      },
    );
    expect(answer.status).toBe(413);
    expect(answer.body.errors?.[0]?.extensions).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      limit: 'body',
      max: BODY.bulkMaxBytes,
    });
    expect(await footprint()).toBe(before);
  });

  it('logs a refusal and counts it in the metrics like any request', async () => {
    await rawRequest(
      t.stack.gatewayUrl,
      headers('client', { 'content-length': '400000', 'x-request-id': 'refused-for-size' }),
      () => undefined,
    );
    let line: Record<string, unknown> | undefined;
    for (let i = 0; i < 200 && !line; i++) {
      line = log.lines.find((l) => l.msg === 'request' && l.requestId === 'refused-for-size');
      if (!line) await new Promise((r) => setTimeout(r, 10));
    }
    expect(line).toMatchObject({
      status: 413,
      outcome: 'PAYLOAD_TOO_LARGE',
      caller: 'client@demo.firm',
      tenant: 'cafe-boquete',
      path: '/graphql',
    });
    const metrics = await (await fetch(t.stack.gatewayUrl.replace(/\/graphql$/, '/metrics'))).text();
    const refused = metrics
      .split('\n')
      .find(
        (l) => l.startsWith('cifra_gateway_requests_total{') && l.includes('outcome="PAYLOAD_TOO_LARGE"'),
      );
    expect(Number(refused?.split(' ').pop())).toBeGreaterThanOrEqual(1);
  });

  it('charges the caller’s bucket from the headers, before the body arrives', async () => {
    // Another gateway on the same stack with a bucket of 5 points: a request that announces
    // 400,000 bytes costs 1 + 6 and is refused 429 though none of its body was ever sent.
    const second = await startAnotherGateway(t, {
      bodyLimits: BODY,
      rateLimits: { personPoints: 5, windowSeconds: 600 },
    });
    try {
      const heavy = await rawRequest(
        second.url,
        headers('junior', { 'content-length': '400000' }),
        () => undefined,
      );
      expect(heavy.status).toBe(429);
      expect(heavy.headers['retry-after']).toMatch(/^\d+$/);
      expect(heavy.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      // The bucket is spent: a request of a few bytes is refused before its body too.
      const light = await rawRequest(
        second.url,
        headers('junior', { 'content-length': '30' }),
        () => undefined,
      );
      expect(light.status).toBe(429);
      // Another person's bucket is untouched.
      const other = await fetch(second.url, {
        method: 'POST',
        headers: headers('senior'),
        body: JSON.stringify({ query: ACCOUNTS }),
      });
      expect(other.status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('refuses a request without a valid token before reading its body', async () => {
    const anonymous = await rawRequest(
      t.stack.gatewayUrl,
      { 'content-type': 'application/json', 'content-length': '1000' },
      () => undefined,
    );
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="cifra"');
    expect(anonymous.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
  });

  it('refuses headers over 16 KiB (a 60 KB token) as a GraphQL error, and answers the next request', async () => {
    const oversized = await rawRequest(
      t.stack.gatewayUrl,
      headers('senior', { authorization: `Bearer ${'x'.repeat(60_000)}`, 'content-length': '2' }),
      (socket) => void socket.write('{}'),
    );
    expect(oversized.status).toBe(431);
    expect(oversized.headers['x-request-id']).toBeTruthy();
    expect(oversized.body.errors?.[0]?.extensions).toEqual({ code: 'REQUEST_HEADERS_TOO_LARGE' });
    const next = await fetch(t.stack.gatewayUrl, {
      method: 'POST',
      headers: headers('senior'),
      body: JSON.stringify({ query: ACCOUNTS }),
    });
    expect(next.status).toBe(200);
    expect(((await next.json()) as { errors?: unknown }).errors).toBeUndefined();
  });

  it('answers Expect: 100-continue only after admission: a refused body is never sent', async () => {
    // Over the reader's 256 KiB: 413 with no 100 before it (the helper sends the body only after a 100).
    const big = await expectContinue(t.stack.gatewayUrl, headers('client'), padded(300_000));
    expect(big).toMatchObject({ status: 413, continued: false });
    expect(big.body.errors?.[0]?.extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', max: BODY.maxBytes });
    // Over anyone's limit, from nobody: refused before the token is looked at.
    const huge = await expectContinue(
      t.stack.gatewayUrl,
      { 'content-type': 'application/json' },
      padded(600_000),
    );
    expect(huge).toMatchObject({ status: 413, continued: false });
    // No valid token: 401 with no 100.
    const anonymous = await expectContinue(
      t.stack.gatewayUrl,
      { 'content-type': 'application/json', authorization: 'Bearer not-a-token' },
      JSON.stringify({ query: ACCOUNTS }),
    );
    expect(anonymous).toMatchObject({ status: 401, continued: false });
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="cifra", error="invalid_token"');
    // Admitted: 100 Continue, then the body, then the answer.
    const ok = await expectContinue(
      t.stack.gatewayUrl,
      headers('client'),
      JSON.stringify({ query: ACCOUNTS }),
    );
    expect(ok).toMatchObject({ status: 200, continued: true });
    expect((ok.body.data as { accounts: unknown[] }).accounts.length).toBeGreaterThan(10);
    // A poster's bulk size is admitted for the poster only.
    const bulk = await expectContinue(t.stack.gatewayUrl, headers('senior'), padded(300_000));
    expect(bulk).toMatchObject({ status: 200, continued: true });
    // Another path than /graphql gets its 100 at once, as before (the token endpoint reads a form).
    const tokenUrl = t.stack.gatewayUrl.replace(/\/graphql$/, '/oauth/token');
    const form = await expectContinue(
      tokenUrl,
      { 'content-type': 'application/x-www-form-urlencoded' },
      'grant_type=client_credentials&client_id=cfk_000000000000&client_secret=nope',
    );
    expect(form.continued).toBe(true);
    expect(form.status).toBe(401);
    // An expectation the gateway does not know: 417 with its code, no body read, the connection closed.
    const odd = await expectContinue(
      t.stack.gatewayUrl,
      { ...headers('client'), expect: 'something-else' },
      JSON.stringify({ query: ACCOUNTS }),
    );
    expect(odd).toMatchObject({ status: 417, continued: false });
    expect(odd.headers.connection).toBe('close');
    expect(odd.body.errors?.[0]?.extensions).toEqual({ code: 'EXPECTATION_FAILED' });
  });

  it('answers Expect: 100-continue with 429 when the announced body would overdraw the bucket', async () => {
    const second = await startAnotherGateway(t, {
      bodyLimits: BODY,
      rateLimits: { personPoints: 5, windowSeconds: 600 },
    });
    try {
      const heavy = await expectContinue(second.url, headers('junior'), padded(400_000));
      expect(heavy).toMatchObject({ status: 429, continued: false });
      expect(heavy.headers['retry-after']).toMatch(/^\d+$/);
    } finally {
      await second.close();
    }
  });

  it('refuses variables nested too deep (400), never the engine overflowing its stack', async () => {
    // 20,000 objects one in another (about 120 KB): a JSON argument anyone may send, read-only
    // user included, which overflowed the engine's stack before its permission was even checked.
    // As text: the test's own JSON.stringify would overflow on it too.
    const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
    const PUBLISH = `mutation($m: JSON!) { publishTrustedDocuments(integrationId: "00000000-0000-4000-8000-000000000000",
      appVersion: "9.9", manifest: $m) { appVersion } }`;
    const send = (variables: string) =>
      fetch(t.stack.gatewayUrl, {
        method: 'POST',
        headers: headers('client'),
        body: `{"query":${JSON.stringify(PUBLISH)},"variables":${variables}}`,
      });
    for (const variables of [`{"m":${deep(20_000)}}`, `{"m":[[[[${deep(70)}]]]]}`]) {
      const res = await send(variables);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { errors: { extensions: { code: string; max?: number } }[] };
      expect(body.errors.map((e) => e.extensions)).toEqual([{ code: 'BAD_USER_INPUT', max: 64 }]);
    }
    // A body nested within the bound is judged as usual: this user may not publish documents.
    const judged = (await (await send(`{"m":${deep(40)}}`)).json()) as {
      errors: { extensions: { code: string } }[];
    };
    expect(judged.errors.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
  });

  it('measures a compressed body once decoded, against the caller’s own limit', async () => {
    const body = gzipSync(padded(2 * 1024 * 1024));
    expect(body.length).toBeLessThan(BODY.maxBytes);
    const res = await fetch(t.stack.gatewayUrl, {
      method: 'POST',
      headers: headers('client', { 'content-encoding': 'gzip' }),
      body,
    });
    expect(res.status).toBe(413);
    const refused = (await res.json()) as { errors: { message: string; extensions: unknown }[] };
    expect(refused.errors[0]?.extensions).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      limit: 'body',
      max: BODY.maxBytes,
    });
    expect(refused.errors[0]?.message).toContain(`the limit is ${BODY.maxBytes}`);
  });

  it('still answers the reported bomb by the query length for a caller allowed its size', async () => {
    const r = await t.as('senior', 'cafe-boquete')(`{ accounts { code ${' '.repeat(200_000)} } }`);
    expect(r.status).toBe(400);
    expect(codes(r)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(r.errors?.[0]?.extensions).toMatchObject({ limit: 'length', max: 100_000 });
  });
});
