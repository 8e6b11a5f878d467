import { randomUUID } from 'node:crypto';
import { maxHeaderSize, type Server, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '@cifra/context';

/**
 * What Node's HTTP parser refuses before there is a request to hand the gateway: headers over its
 * `maxHeaderSize` (16 KiB), a request that is not HTTP, one whose headers or body did not arrive in
 * time. Node answered these itself with an empty body; here they are answered as every other
 * refusal is, a GraphQL error with a stable code (and a request id), then the connection closed.
 */
function refusalOf(err: NodeJS.ErrnoException) {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        code: 'REQUEST_HEADERS_TOO_LARGE',
        message: `The request line and headers are over the ${maxHeaderSize / 1024} KiB the gateway reads`,
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        code: 'REQUEST_TIMEOUT',
        message: 'The request did not arrive in time: its headers or body stopped coming',
      };
    default:
      return { status: 400, code: 'BAD_REQUEST', message: 'The request is not HTTP the gateway can read' };
  }
}

export function answerClientErrors(server: Server, log: Logger): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // A connection the client reset, or one whose answer has begun: only close it (Node's own
    // check: an answer in flight, `_httpMessage`, whose headers were sent). A keep-alive
    // connection whose earlier answers are done is answered.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent: boolean } | null })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const { status, code, message } = refusalOf(err);
    const requestId = randomUUID();
    const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
    log.warn({ requestId, status, code, parser: err.code, remote: socket.remoteAddress }, message);
    socket.once('finish', () => socket.destroy());
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'content-type: application/json; charset=utf-8\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        `x-request-id: ${requestId}\r\n` +
        'connection: close\r\n\r\n' +
        body,
    );
  });
}
