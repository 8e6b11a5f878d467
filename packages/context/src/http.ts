import type { Server } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

/**
 * The HTTP layer of the gateway and the subgraphs: every refusal that happens before GraphQL runs
 * is still a GraphQL error body with a stable code and a 4xx status — never Express's HTML page
 * with a stack trace and file paths — in every mode, with or without a token.
 */
export function httpError(res: Response, status: number, code: string, message: string): void {
  res
    .status(status)
    .type('application/json')
    .send(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

/**
 * POST /graphql takes `application/json` only, the request type GraphQL over HTTP names (415
 * otherwise: `application/graphql-response+json` is the type of an answer, never read as a body);
 * GET stays for queries, as GraphQL over HTTP allows.
 */
export function requireJsonBody(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'POST' && !req.is('application/json')) {
    httpError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the request as application/json');
    return;
  }
  next();
}

/**
 * After every route of an app: a method and path nothing answers (`POST /healthz`, `GET /oauth/`)
 * is a JSON 404 with a code, not Express's HTML "Cannot POST /healthz" page. The path is not echoed.
 */
export function nothingHere(_req: Request, res: Response): void {
  httpError(res, 404, 'NOT_FOUND', 'Nothing is served for this method at this path');
}

/** Last on every app: a malformed or oversized body, or anything else Express would render as HTML. */
export function jsonErrors(log: { warn(obj: object, msg: string): void }) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const [status, code, message] = refusalOf(err);
    if (status >= 500) log.warn({ err }, 'unexpected HTTP error');
    httpError(res, status, code, message);
  };
}

/**
 * What a subgraph's body parser accepts. Subgraphs are reached only through the gateway, which
 * refuses bodies above its own limits (at most 16 MiB, `BULK_BODY_MAX_BYTES`) before forwarding:
 * this is above them, with room for what the gateway adds when it forwards an operation.
 */
export const SUBGRAPH_BODY_LIMIT_BYTES = 32 * 1024 * 1024;

/** What a body-parser or Express error means for the client. */
function refusalOf(err: unknown): [number, string, string] {
  const type = (err as { type?: string }).type;
  if (type === 'entity.parse.failed') return [400, 'BAD_REQUEST', 'The body is not valid JSON'];
  if (type === 'entity.too.large') {
    // body-parser says which limit it applied (the decoded size counts, for a compressed body).
    const limit = (err as { limit?: number }).limit;
    const what = typeof limit === 'number' ? `the limit is ${limit} bytes` : 'it is over the limit';
    return [413, 'PAYLOAD_TOO_LARGE', `The body is too large: ${what}`];
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return [415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as UTF-8 JSON'];
  }
  const status = (err as { status?: number }).status;
  if (status && status >= 400 && status < 500) return [status, 'BAD_REQUEST', 'The request cannot be read'];
  return [500, 'INTERNAL_SERVER_ERROR', 'Internal error'];
}

/**
 * Keep-alive longer than the load balancers and pooled clients in front (60 s is the common idle
 * timeout), so the server never closes a socket a client is about to reuse; headers may take a
 * little longer than that, as Node requires.
 */
export function tuneKeepAlive(server: Server): void {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
}

/**
 * How long a service's `close` lets the requests in flight finish before it cuts them, in ms: a
 * shutdown (Ctrl-C, SIGTERM) stops taking connections at once, answers what it was answering and
 * closes each keep-alive connection as it goes idle. The gateway drains first, then the subgraphs
 * side by side, then the worker waits for its jobs (10 s): 26 s at most, within the 30 s a
 * shutdown is given (ops/src/shutdown.ts) with room for the pools and the database server.
 */
export const DRAIN_MS = 8_000;
