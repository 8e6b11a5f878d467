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

/** POST /graphql takes JSON only (415 otherwise); GET stays for queries, as GraphQL over HTTP allows. */
export function requireJsonBody(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'POST' && !req.is(['application/json', 'application/graphql-response+json'])) {
    httpError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the request as application/json');
    return;
  }
  next();
}

/** Last on every app: a malformed or oversized body, or anything else Express would render as HTML. */
export function jsonErrors(log: { warn(obj: object, msg: string): void }) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    const type = (err as { type?: string }).type;
    if (type === 'entity.parse.failed')
      return httpError(res, 400, 'BAD_REQUEST', 'The body is not valid JSON');
    if (type === 'entity.too.large')
      return httpError(res, 413, 'PAYLOAD_TOO_LARGE', 'The body is larger than 5 MB');
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      return httpError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as UTF-8 JSON');
    }
    const status = (err as { status?: number }).status;
    if (status && status >= 400 && status < 500)
      return httpError(res, status, 'BAD_REQUEST', 'The request cannot be read');
    log.warn({ err }, 'unexpected HTTP error');
    httpError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal error');
  };
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
