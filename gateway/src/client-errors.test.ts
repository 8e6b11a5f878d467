import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { createLogger } from '@cifra/context';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerClientErrors } from './client-errors.ts';

let server: Server;
let port: number;

beforeAll(async () => {
  // Short timeouts, so that a request that stops coming is refused within the test.
  server = createServer(
    { headersTimeout: 300, requestTimeout: 600, connectionsCheckingInterval: 50 },
    (req, res) => {
      // A body that stops coming after the answer has started: nothing more may be written after it.
      if (req.url === '/answers-first') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('started');
        return;
      }
      req.resume();
      req.on('end', () => res.end('ok'));
    },
  );
  answerClientErrors(server, createLogger('client-errors-test', 'silent'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Writes `bytes` on a connection of its own and reads until the server closes it. */
function exchange(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (d: Buffer) => {
      received += d.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    socket.write(bytes);
  });
}

function parse(answer: string) {
  const end = answer.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = answer.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  );
  const body = answer.slice(end + 4);
  expect(Buffer.byteLength(body)).toBe(Number(headers['content-length']));
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) };
}

describe("what Node's parser refuses, answered as a GraphQL error", () => {
  it('headers over 16 KiB: 431 REQUEST_HEADERS_TOO_LARGE, with a request id, and the connection closed', async () => {
    const answer = parse(
      await exchange(
        `POST /graphql HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${'a'.repeat(60_000)}\r\n\r\n`,
      ),
    );
    expect(answer.status).toBe(431);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers.connection).toBe('close');
    expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.body).toEqual({
      errors: [
        {
          message: 'The request line and headers are over the 16 KiB the gateway reads',
          extensions: { code: 'REQUEST_HEADERS_TOO_LARGE' },
        },
      ],
    });
  });

  it('a request that is not HTTP: 400 BAD_REQUEST', async () => {
    const answer = parse(await exchange('HELLO THERE\r\n\r\n'));
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].extensions).toEqual({ code: 'BAD_REQUEST' });
  });

  it('headers that stop coming: 408 REQUEST_TIMEOUT', async () => {
    const answer = parse(await exchange('POST /graphql HTTP/1.1\r\nhost: x\r\n'));
    expect(answer.status).toBe(408);
    expect(answer.body.errors[0].extensions).toEqual({ code: 'REQUEST_TIMEOUT' });
  });

  it('a body that stops coming once the answer has started: the connection closed, nothing written into it', async () => {
    const answer = await exchange('POST /answers-first HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{');
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer).toMatch(/\r\n\r\n[0-9a-f]+\r\nstarted\r\n$/);
    expect(answer).not.toContain('REQUEST_TIMEOUT');
  });

  it('on a keep-alive connection whose first answer is done: the second request is answered 431', async () => {
    const answers = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let received = '';
      socket.on('data', (d: Buffer) => {
        received += d.toString('latin1');
        if (received.endsWith('ok')) {
          socket.write(`POST /graphql HTTP/1.1\r\nhost: x\r\ncookie: ${'c'.repeat(20_000)}\r\n\r\n`);
        }
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(received));
      socket.write('POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}');
    });
    const second = answers.slice(answers.indexOf('ok') + 2);
    expect(answers).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(parse(second).body.errors[0].extensions).toEqual({ code: 'REQUEST_HEADERS_TOO_LARGE' });
  });

  it('answers the next request as usual', async () => {
    const answer = await exchange(
      'POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nok$/);
  });
});
