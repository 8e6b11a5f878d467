import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * `Expect: 100-continue` (RFC 9110 §10.1.1): a client such as curl announces a large body and
 * waits for the server's word before sending it. Node answers `100 Continue` itself the moment the
 * headers arrive, so the whole body would be on its way before admission could refuse it. With a
 * `checkContinue` listener Node leaves the answer to us: a request to /graphql gets its 100 only
 * once admission (gateway/src/admission.ts, from the headers alone: size, caller, access, rate
 * charge) has let it in, and otherwise its refusal (413, 401, 403, 429, 503) with no 100 before it,
 * so the body is never sent; Node then closes the connection after the answer, since the client may
 * or may not send the body it announced. Every other path gets its 100 at once, as Node would have
 * given it. Other expectations stay Node's: 417 Expectation Failed.
 */
const awaiting = new WeakSet<IncomingMessage>();

const admitted = (url: string | undefined) => {
  const path = (url ?? '').split('?')[0] ?? '';
  return path === '/graphql' || path.startsWith('/graphql/');
};

/** Answers `Expect: 100-continue` after admission on /graphql, at once elsewhere. */
export function continueAfterAdmission(server: Server): void {
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST' && admitted(req.url)) awaiting.add(req);
    else res.writeContinue();
    server.emit('request', req, res);
  });
}

/** Admission let the request in: a client waiting for the word may now send its body. */
export function continueIfAwaited(req: IncomingMessage, res: ServerResponse): void {
  if (!awaiting.delete(req)) return;
  res.writeContinue();
}
