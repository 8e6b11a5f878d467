import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse } from 'node:url';
import { type ApolloServer, type BaseContext, HeaderMap } from '@apollo/server';
import type { Logger } from '@cifra/context';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * `POST /graphql` without Express's router (issue 17 §3, docs/architecture/gateway.md "The
 * gateway's own cost"). Express matched every request against each route and mount before it
 * reached the GraphQL chain, wrapped each step in its layer machinery and answered through
 * `res.send`; for the one route that carries the load, the same steps now run in a plain loop.
 *
 * What stays as it was: the steps (the request's trace and id, the 417 of an unknown expectation,
 * CORS, JSON required, admission by headers, the counted body, the query's length, trusted
 * documents, Apollo) are the handlers Express runs on `/graphql` otherwise, on the same request and
 * response objects Express would give them (its prototypes and `res.locals`, as `app.handle` sets
 * them up), and an error goes to the same error handler. Two are lighter here: a plain JSON body is
 * read without body-parser (json-body.ts), and Apollo's answer is ended in one write rather than
 * through `res.send`. test/e2e/graphql-post.e2e.test.ts sends the same requests both ways
 * (`/graphql`, and `/graphql/`, which Express still routes) and requires the same status, headers
 * in the same order, and body.
 */

/** Only this exact path and method take the short way; `/graphql/…`, GET and OPTIONS go through Express. */
export function isGraphqlPost(req: IncomingMessage): boolean {
  if (req.method !== 'POST') return false;
  const url = req.url ?? '';
  return url === '/graphql' || url.startsWith('/graphql?');
}

/**
 * A request listener for `POST /graphql` that runs `steps` in order, as Express's router would
 * (a step calls `next()` to go on, `next(err)` to fail; a synchronous throw or a rejected promise
 * fails too), and on failure `onError` (the app's last error handler). Anything else is `app`'s.
 */
export function graphqlPostListener(
  app: Express,
  steps: readonly RequestHandler[],
  onError: (err: unknown, req: Request, res: Response, next: NextFunction) => void,
  log: Pick<Logger, 'error'>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (incoming, outgoing) => {
    if (!isGraphqlPost(incoming)) {
      app(incoming, outgoing);
      return;
    }
    const req = incoming as Request;
    const res = outgoing as Response;
    // What app.handle does before routing (x-powered-by is off), and what the router keeps.
    req.res = res;
    res.req = req;
    Object.setPrototypeOf(req, app.request);
    Object.setPrototypeOf(res, app.response);
    if (!res.locals) res.locals = Object.create(null);
    req.originalUrl = req.url;
    run(steps, 0, req, res, (err) => fail(onError, log, err, req, res));
  };
}

function run(
  steps: readonly RequestHandler[],
  at: number,
  req: Request,
  res: Response,
  failed: (err: unknown) => void,
): void {
  const step = steps[at];
  if (!step) return;
  const next = (err?: unknown) => {
    if (err !== undefined && err !== null) failed(err);
    else run(steps, at + 1, req, res, failed);
  };
  try {
    const returned = step(req, res, next) as unknown;
    if (returned instanceof Promise)
      returned.catch((err: unknown) => next(err ?? new Error('Rejected promise')));
  } catch (err) {
    next(err);
  }
}

/**
 * The error handler's turn; if it passes the error on (the answer had begun), what Express's final
 * handler does then: log it (to the gateway's log, not the console) and cut the connection.
 */
function fail(
  onError: (err: unknown, req: Request, res: Response, next: NextFunction) => void,
  log: Pick<Logger, 'error'>,
  err: unknown,
  req: Request,
  res: Response,
): void {
  const last = (passed?: unknown) => {
    if (passed === undefined || passed === null) return;
    log.error({ err: passed }, 'a request failed after its answer had begun');
    req.socket.destroy();
  };
  try {
    onError(err, req, res, last);
  } catch (thrown) {
    last(thrown);
  }
}

/** The content types Apollo answers a POST with: already what `res.send` would make of them. */
const SENT_AS_IS = new Set([
  'application/json; charset=utf-8',
  'application/graphql-response+json; charset=utf-8',
]);

/**
 * Apollo Server's HTTP handler, last on `/graphql`: what `@as-integrations/express5` does, with
 * the request's context from `contextOf`, and a complete JSON answer ended in one write with its
 * Content-Length — the headers and bytes `res.send` would have produced (no ETag, which the app
 * has off). Any other answer goes through `res.send` or, streamed, `res.write` as before.
 */
export function apolloHandler<C extends BaseContext>(
  server: ApolloServer<C>,
  contextOf: (res: Response) => C,
): RequestHandler {
  server.assertStarted('apolloHandler()');
  return async (req, res) => {
    if (!('body' in req)) {
      res.status(500);
      res.send(
        '`req.body` is not set; this probably means you forgot to set up the `json` middleware before the Apollo Server middleware.',
      );
      return;
    }
    const headers = new HeaderMap();
    for (const key in req.headers) {
      const value = req.headers[key];
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const answer = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: req.method.toUpperCase(),
        headers,
        // Read for GET only (a POST's parameters are its body): parsed as the integration does.
        search: req.method === 'POST' ? '' : (parse(req.url).search ?? ''),
        body: req.body,
      },
      context: async () => contextOf(res),
    });
    for (const [key, value] of answer.headers) res.setHeader(key, value);
    res.statusCode = answer.status || 200;
    if (answer.body.kind === 'complete') {
      const body = answer.body.string;
      if (!SENT_AS_IS.has(String(res.getHeader('content-type')))) {
        res.send(body);
        return;
      }
      res.setHeader('Content-Length', Buffer.byteLength(body));
      res.end(body);
      return;
    }
    for await (const chunk of answer.body.asyncIterator) {
      res.write(chunk);
      const flushing = res as unknown as { flush?: () => void };
      if (typeof flushing.flush === 'function') flushing.flush();
    }
    res.end();
  };
}
