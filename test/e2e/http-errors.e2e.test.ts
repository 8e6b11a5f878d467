import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { retryStaleSocket, subgraphClient } from '@cifra/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.close());

type Body = { errors: { message: string; extensions: { code: string } }[] };

async function refusal(url: string, init: RequestInit) {
  const res = await fetch(url, init);
  const text = await res.text();
  // JSON in GraphQL's shape, and nothing of the server's insides.
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(text).not.toMatch(/<html|at [A-Za-z.]+ \(|\/src\/|node_modules/);
  return { status: res.status, body: JSON.parse(text) as Body };
}

describe('HTTP errors are GraphQL errors, at the gateway and at a subgraph, with or without a token', () => {
  const targets = () =>
    [
      [
        'the gateway',
        t.stack.gatewayUrl,
        { authorization: `Bearer ${t.token('senior')}`, 'x-tenant': 'cafe-boquete' },
      ],
      ['the gateway without a token', t.stack.gatewayUrl, {}],
      ['a subgraph', t.stack.subgraphUrls.ledger as string, {}],
    ] as const;

  it.each([0, 1, 2])('malformed JSON, an oversized body and a wrong content type (target %i)', async (i) => {
    const [, url, headers] = targets()[i] as (typeof targets extends () => infer R ? R : never)[number];
    const json = { 'content-type': 'application/json', ...headers };
    const malformed = await refusal(url, { method: 'POST', headers: json, body: '{"query": ' });
    // The gateway reads no body before the caller is known: without a token it is never parsed.
    expect(malformed).toMatchObject(
      i === 1
        ? { status: 401, body: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } }
        : { status: 400, body: { errors: [{ extensions: { code: 'BAD_REQUEST' } }] } },
    );
    const huge = await refusal(url, {
      method: 'POST',
      headers: json,
      // Past the gateway's largest body (a bulk importer's, 8 MiB) and a subgraph's (32 MiB).
      body: JSON.stringify({ query: `{ x } #${'x'.repeat(i === 2 ? 34_000_000 : 9_000_000)}` }),
    });
    expect(huge).toMatchObject({
      status: 413,
      body: { errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] },
    });
    // Text, and the answer's own media type sent as a request's: neither is read as a body.
    const types: [string, string][] = [
      ['text/plain', '{ accounts { code } }'],
      ['application/graphql-response+json', JSON.stringify({ query: '{ accounts { code } }' })],
    ];
    for (const [type, body] of types) {
      const refused = await refusal(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': type },
        body,
      });
      expect(refused).toMatchObject({
        status: 415,
        body: { errors: [{ extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }] },
      });
    }
  });

  it('refuses a subscription and a batched array with 400 and a code', async () => {
    const [, url, headers] = targets()[0];
    const json = { 'content-type': 'application/json', ...headers };
    const sub = await refusal(url, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ query: 'subscription { accounts { code } }' }),
    });
    expect(sub.status).toBe(400);
    expect(sub.body.errors[0]?.extensions.code).toMatch(
      /^(OPERATION_NOT_SUPPORTED|GRAPHQL_VALIDATION_FAILED)$/,
    );
    const batch = await refusal(url, {
      method: 'POST',
      headers: json,
      body: JSON.stringify([{ query: '{ accounts { code } }' }]),
    });
    expect(batch).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'BAD_REQUEST' } }] } });
  });

  it('refuses a body that is JSON but not an object as such, not as malformed JSON', async () => {
    const [, url, headers] = targets()[0];
    const json = { 'content-type': 'application/json', ...headers };
    for (const body of ['null', '"str"', '12', 'true', ' "padded" ']) {
      const refused = await refusal(url, { method: 'POST', headers: json, body });
      expect(refused, body).toMatchObject({
        status: 400,
        body: { errors: [{ extensions: { code: 'BAD_REQUEST' } }] },
      });
      expect(refused.body.errors[0]?.message, body).toBe('The body must be a JSON object');
    }
    // What is not JSON at all still says so.
    const broken = await refusal(url, { method: 'POST', headers: json, body: 'nul' });
    expect(broken.body.errors[0]?.message).toBe('The body is not valid JSON');
  });

  it('names the parameters of a GET request as GET parameters', async () => {
    const [, url, headers] = targets()[0];
    for (const parameter of ['variables', 'extensions']) {
      const get = new URL(url);
      get.searchParams.set('query', '{ accounts(first: 1) { code } }');
      get.searchParams.set(parameter, '[1]');
      const refused = await refusal(get.href, {
        headers: { ...headers, 'apollo-require-preflight': 'true' },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.errors[0]?.message).toBe(
        `The ${parameter} search parameter should contain a JSON-encoded object.`,
      );
    }
  });

  it('refuses an operationName the document does not hold, or several operations unnamed, with 400', async () => {
    const [, url, headers] = targets()[0];
    const json = { 'content-type': 'application/json', ...headers };
    const two = 'query A { accounts(first: 1) { code } } query B { accounts(first: 2) { code } }';
    for (const body of [
      { query: 'query A { accounts(first: 1) { code } }', operationName: 'B' },
      { query: two },
      { query: two, operationName: 'C' },
    ]) {
      const refused = await refusal(url, { method: 'POST', headers: json, body: JSON.stringify(body) });
      expect(refused).toMatchObject({
        status: 400,
        body: { errors: [{ extensions: { code: 'BAD_REQUEST' } }] },
      });
    }
    const named = await fetch(url, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ query: two, operationName: 'B' }),
    });
    expect(named.status).toBe(200);
    expect(((await named.json()) as { data: { accounts: unknown[] } }).data.accounts).toHaveLength(2);
  });
});

describe("the gateway's answers", () => {
  it('carry no ETag: a GraphQL POST is never revalidated, so its body is not hashed for one', async () => {
    const res = await fetch(t.stack.gatewayUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${t.token('senior')}`,
        'x-tenant': 'cafe-boquete',
      },
      body: JSON.stringify({ query: '{ accounts(first: 1) { code } }' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data?: { accounts: unknown[] } }).data?.accounts).toHaveLength(1);
    expect(res.headers.get('etag')).toBeNull();
  });
});

describe('a stale pooled socket', () => {
  let server: Server;
  let url: string;
  let requests = 0;
  beforeAll(async () => {
    // The first request of each kind finds its socket closed under it; the next one is answered.
    server = createServer((req, res) => {
      requests++;
      if (requests % 2 === 1) {
        req.socket.destroy();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end('{"data":{"ok":true}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // The gateway's own client to a subgraph (undici's pool), as SubgraphSource wraps it.
  const send = (query: string) =>
    retryStaleSocket(subgraphClient(url).fetcher)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });

  it('is retried once for a query, which then succeeds', async () => {
    requests = 0;
    const res = await send('query Q { ok }');
    expect(res.status).toBe(200);
    expect(requests).toBe(2);
  });

  it('is never retried for a mutation', async () => {
    requests = 0;
    await expect(send('mutation M { post }')).rejects.toThrow();
    expect(requests).toBe(1);
  });
});
