import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import { refuse } from './admission.ts';

/**
 * `Expect: 100-continue` (RFC 9110 §10.1.1): a client such as curl announces a large body and
 * waits for the server's word before sending it. Node answers `100 Continue` itself the moment the
 * headers arrive, so the whole body would be on its way before admission could refuse it. With a
 * `checkContinue` listener Node leaves the answer to us: a request to /graphql gets its 100 only
 * once admission (gateway/src/admission.ts, from the headers alone: size, caller, access, rate
 * charge) has let it in, and otherwise its refusal (413, 401, 403, 429, 503) with no 100 before it,
 * so the body is never sent; Node then closes the connection after the answer, since the client may
 * or may not send the body it announced. Every other path gets its 100 at once, as Node would have
 * given it. Any other expectation is refused, 417 EXPECTATION_FAILED, logged as every request is
 * (Node's own 417 is an empty chunked answer that keeps the connection open for a body it never reads).
 */
const awaiting = new WeakSet<IncomingMessage>();
const unmet = new WeakSet<IncomingMessage>();

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
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    unmet.add(req);
    server.emit('request', req, res);
  });
}

/** Early in the chain (after the request's trace): an unknown expectation's 417, without its body. */
export const refuseUnmetExpectation: RequestHandler = (req, res, next) => {
  if (!unmet.delete(req)) return next();
  res.setHeader('connection', 'close');
  refuse(
    res,
    new GraphQLError(`Expect: ${req.header('expect') ?? ''} is not supported; only 100-continue is`, {
      extensions: { code: 'EXPECTATION_FAILED', http: { status: 417 } },
    }),
  );
};

/** Admission let the request in: a client waiting for the word may now send its body. */
export function continueIfAwaited(req: IncomingMessage, res: ServerResponse): void {
  if (!awaiting.delete(req)) return;
  res.writeContinue();
}
