import { connect, type Socket } from 'node:net';

/** An answer read off the wire: status, headers (lower-case) and the JSON body. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: { errors?: { message: string; extensions?: Record<string, unknown> }[]; data?: unknown };
}

/**
 * One HTTP/1.1 request written by hand on a socket of its own, for what `fetch` cannot do: send
 * headers announcing a body and then only part of it (or none), or a chunked body that keeps
 * coming. `send` writes whatever body it likes after the headers; the promise resolves as soon as
 * a whole answer (with a Content-Length) has arrived, whatever `send` is still doing (`answered`
 * tells it).
 */
export function rawRequest(
  url: string,
  headers: Record<string, string>,
  send: (socket: Socket, answered: () => boolean) => void | Promise<void>,
): Promise<RawAnswer> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    let done = false;
    const finish = (answer: RawAnswer) => {
      done = true;
      socket.destroy();
      resolve(answer);
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end === -1) return;
      const [statusLine = '', ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
      const head: Record<string, string> = {};
      for (const line of lines) {
        const at = line.indexOf(':');
        head[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
      }
      const length = Number(head['content-length'] ?? Number.NaN);
      const body = received.subarray(end + 4);
      if (!Number.isFinite(length) || body.length < length) return;
      finish({
        status: Number(statusLine.split(' ')[1]),
        headers: head,
        body: JSON.parse(body.subarray(0, length).toString('utf8')),
      });
    });
    // Writes after the server answered and closed may fail: the answer is what is tested.
    socket.on('error', (err) => {
      if (!done) reject(err);
    });
    socket.on('close', () => {
      if (!done) reject(new Error('the connection closed before a whole answer arrived'));
    });
    socket.once('connect', () => {
      const head = Object.entries({ host: `${hostname}:${port}`, ...headers })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(`POST ${pathname} HTTP/1.1\r\n${head}\r\n`);
      Promise.resolve(send(socket, () => done)).catch(() => undefined);
    });
  });
}

/** One chunk of a chunked body. */
export const chunk = (data: string) => `${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n`;

/** Writes `data` and waits until the socket has taken it (so a sender can stop once answered). */
export const write = (socket: Socket, data: string) =>
  new Promise<void>((resolve, reject) => socket.write(data, (err) => (err ? reject(err) : resolve())));

/** An answer to a request sent with `Expect: 100-continue`, and whether a 100 came before it. */
export interface ContinueAnswer extends RawAnswer {
  /** The server said `100 Continue` (and the body was then sent). */
  continued: boolean;
}

/**
 * A request announcing `Expect: 100-continue` and a body, as curl sends one: the headers, then the
 * body only once the server has said `100 Continue`. A final answer with no 100 before it means the
 * body was never sent.
 */
export function expectContinue(
  url: string,
  headers: Record<string, string>,
  body: string,
  /** What to do once the server has said `100 Continue`, before the body is sent. */
  beforeBody: () => Promise<void> = async () => undefined,
): Promise<ContinueAnswer> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    let continued = false;
    let done = false;
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      for (;;) {
        const end = received.indexOf('\r\n\r\n');
        if (end === -1) return;
        const [statusLine = '', ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
        const status = Number(statusLine.split(' ')[1]);
        if (status === 100) {
          continued = true;
          received = received.subarray(end + 4);
          beforeBody().then(
            () => socket.write(body),
            (err: unknown) => {
              done = true;
              socket.destroy();
              reject(err);
            },
          );
          continue;
        }
        const head: Record<string, string> = {};
        for (const line of lines) {
          const at = line.indexOf(':');
          head[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
        }
        const length = Number(head['content-length'] ?? Number.NaN);
        const rest = received.subarray(end + 4);
        if (!Number.isFinite(length) || rest.length < length) return;
        done = true;
        socket.destroy();
        resolve({
          status,
          headers: head,
          body: length === 0 ? {} : JSON.parse(rest.subarray(0, length).toString('utf8')),
          continued,
        });
        return;
      }
    });
    socket.on('error', (err) => {
      if (!done) reject(err);
    });
    socket.on('close', () => {
      if (!done) reject(new Error('the connection closed before a whole answer arrived'));
    });
    socket.once('connect', () => {
      const head = Object.entries({
        host: `${hostname}:${port}`,
        expect: '100-continue',
        'content-length': String(Buffer.byteLength(body)),
        ...headers,
      })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(`POST ${pathname} HTTP/1.1\r\n${head}\r\n`);
    });
  });
}
