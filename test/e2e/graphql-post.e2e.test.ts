import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * `POST /graphql` skips Express's router (gateway/src/graphql-post.ts); `POST /graphql/` still goes
 * through it, to the very same steps. Whatever a client sends, both must answer alike: the same
 * status, the same headers in the same order, the same body.
 */
const ALLOWED_ORIGIN = 'https://books.parity.test';
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ perimeter: { corsOrigins: [ALLOWED_ORIGIN] } });
});
afterAll(() => t?.close());

interface Answer {
  status: number;
  headers: [string, string][];
  body: string;
}

/** One raw HTTP exchange, headers as they came (names lower-cased), on a connection of its own. */
function send(path: string, headers: Record<string, string>, body: string | Buffer): Promise<Answer> {
  const { port } = new URL(t.stack.gatewayUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => {
        const raw = res.rawHeaders;
        const pairs: [string, string][] = [];
        for (let i = 0; i < raw.length; i += 2)
          pairs.push([(raw[i] as string).toLowerCase(), raw[i + 1] as string]);
        resolve({ status: res.statusCode ?? 0, headers: pairs, body: text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** What differs between two answers anyway: the time, and a request id the server made up. */
const comparable = (a: Answer) => ({
  ...a,
  headers: a.headers.map(([name, value]): [string, string] =>
    name === 'date' || (name === 'x-request-id' && value.length === 36) ? [name, '…'] : [name, value],
  ),
});

describe('POST /graphql answers as Express would', () => {
  const json = { 'content-type': 'application/json' };
  const senior = () => ({
    ...json,
    authorization: `Bearer ${t.token('senior')}`,
    'x-tenant': 'cafe-boquete',
  });
  const reviewer = () => ({
    ...json,
    authorization: `Bearer ${t.token('reviewer')}`,
    'x-tenant': 'cafe-boquete',
  });
  const cases: [string, () => Record<string, string>, string | Buffer, number][] = [
    ['a query', senior, JSON.stringify({ query: '{ accounts { code name } }' }), 200],
    [
      'a query from an allowed origin, with its own request id',
      () => ({ ...senior(), origin: ALLOWED_ORIGIN, 'x-request-id': 'parity-1' }),
      JSON.stringify({ query: '{ accounts { code } }' }),
      200,
    ],
    ['no token', () => json, JSON.stringify({ query: '{ accounts { code } }' }), 401],
    ['a token that is not one', () => ({ ...json, authorization: 'Bearer nope' }), '{}', 401],
    [
      'a wrong content type',
      () => ({ ...senior(), 'content-type': 'text/plain' }),
      '{ accounts { code } }',
      415,
    ],
    ['malformed JSON', senior, '{"query": ', 400],
    ['a field that does not exist', senior, JSON.stringify({ query: '{ nothing }' }), 400],
    [
      'a query too long',
      senior,
      JSON.stringify({ query: `{ accounts { code } } #${'x'.repeat(100_001)}` }),
      400,
    ],
    [
      'a body over the limit',
      reviewer,
      JSON.stringify({ query: `{ accounts { code } } #${'x'.repeat(1_100_000)}` }),
      413,
    ],
    ['an empty body', senior, '', 400],
    ['JSON that is not an object', senior, '"{ accounts { code } }"', 400],
    ['JSON null', senior, 'null', 400],
    [
      'a byte-order mark and spaces before the object',
      senior,
      '\uFEFF \n{"query":"{ accounts { code } }"}',
      200,
    ],
    [
      'a charset in capitals',
      () => ({ ...senior(), 'content-type': 'application/json; charset=UTF-8' }),
      '{"query":"{ accounts { code } }"}',
      200,
    ],
    [
      'a charset JSON does not allow',
      () => ({ ...senior(), 'content-type': 'application/json; charset=latin1' }),
      '{}',
      415,
    ],
    [
      'a compressed body',
      () => ({ ...senior(), 'content-encoding': 'gzip' }),
      gzipSync('{"query":"{ accounts { code } }"}'),
      200,
    ],
    ['an unknown expectation', () => ({ ...senior(), expect: 'something-else' }), '{}', 417],
    ['an unknown trusted document', senior, JSON.stringify({ documentId: `sha256:${'0'.repeat(64)}` }), 400],
  ];

  it.each(cases)('%s', async (_name, headers, body, status) => {
    const short = await send('/graphql', headers(), body);
    const routed = await send('/graphql/', headers(), body);
    expect(short.status).toBe(status);
    expect(comparable(short)).toEqual(comparable(routed));
    // The answer is JSON with a length, never a chunked stream, refusals included.
    expect(short.headers).toContainEqual(['content-type', 'application/json; charset=utf-8']);
    expect(short.headers).toContainEqual(['content-length', String(Buffer.byteLength(short.body))]);
  });

  it('a request from an allowed origin gets the CORS headers', async () => {
    const short = await send(
      '/graphql',
      { ...senior(), origin: ALLOWED_ORIGIN },
      '{"query":"{ accounts { code } }"}',
    );
    expect(short.headers).toContainEqual(['access-control-allow-origin', ALLOWED_ORIGIN]);
    expect(short.headers).toContainEqual(['access-control-expose-headers', 'x-request-id']);
  });
});
