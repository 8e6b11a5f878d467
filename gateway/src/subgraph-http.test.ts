import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SubgraphClient, subgraphClient } from './subgraph-http.ts';

/**
 * The gateway's client to a subgraph answers what RemoteGraphQLDataSource reads of a fetch
 * Response, and keeps its connections: many requests, few sockets.
 */
let server: Server;
let url: string;
let client: SubgraphClient;
let sockets = 0;
const seen: { method?: string; path?: string; context?: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      seen.push({
        method: req.method,
        path: req.url,
        context: req.headers['x-cifra-context'] as string,
        body,
      });
      if (req.url?.startsWith('/refuse')) {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"errors":[{"message":"bad"}]}');
        return;
      }
      res.setHeader('content-type', 'application/graphql-response+json; charset=utf-8');
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.end(JSON.stringify({ data: { echo: body.length } }));
    });
  });
  server.on('connection', () => {
    sockets++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  client = subgraphClient(url, 8);
});
afterAll(async () => {
  await client.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const post = (to: string, body: string) =>
  client.fetcher(to, {
    method: 'POST',
    headers: { 'x-cifra-context': 'signed', 'content-type': 'application/json' },
    body,
  });

describe("the gateway's client to a subgraph", () => {
  it('sends method, path, headers and body, and reads status, headers, JSON and text back', async () => {
    const body = JSON.stringify({ query: '{ echo }' });
    const res = await post(url, body);
    expect(seen.at(-1)).toEqual({ method: 'POST', path: '/graphql', context: 'signed', body });
    expect([res.status, res.ok, res.statusText]).toEqual([200, true, 'OK']);
    expect(res.headers.get('Content-Type')).toBe('application/graphql-response+json; charset=utf-8');
    expect(res.headers.get('set-cookie')).toBe('a=1, b=2');
    expect([
      res.headers.has('CONTENT-TYPE'),
      res.headers.has('x-absent'),
      res.headers.get('x-absent'),
    ]).toEqual([true, false, null]);
    expect(Object.fromEntries(res.headers)).toMatchObject({ 'set-cookie': 'a=1, b=2' });
    expect(await res.json()).toEqual({ data: { echo: body.length } });
    expect(await res.clone().text()).toBe(`{"data":{"echo":${body.length}}}`);
  });

  it('hands a refusal over with its status and body, for the data source to turn into an error', async () => {
    const res = await post(url.replace('/graphql', '/refuse?x=1'), '{}');
    expect(seen.at(-1)?.path).toBe('/refuse?x=1');
    expect([res.status, res.ok, res.statusText]).toEqual([400, false, 'Bad Request']);
    expect(await res.json()).toEqual({ errors: [{ message: 'bad' }] });
  });

  it('keeps its connections alive: 40 requests, 10 at a time, on at most its 8 sockets', async () => {
    const answered = seen.length;
    for (let batch = 0; batch < 4; batch++) {
      const answers = await Promise.all(Array.from({ length: 10 }, () => post(url, '{"query":"{ echo }"}')));
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    }
    expect(seen.length - answered).toBe(40);
    // Every socket this client ever opened, the earlier tests' included.
    expect(sockets).toBeLessThanOrEqual(8);
  });

  it('reaches its own subgraph only', async () => {
    await expect(post('http://127.0.0.1:1/graphql', '{}')).rejects.toThrow(
      /reaches http:\/\/127\.0\.0\.1:\d+ only/,
    );
  });
});
