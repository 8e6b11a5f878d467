import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler } from 'express';

/**
 * The common body of `POST /graphql` read without body-parser (issue 17 §3): plain UTF-8 JSON with
 * a declared length, neither compressed nor in another charset. body-parser's machinery around it
 * (content-type parsing, charset lookup, raw-body's stream handling, iconv) was about 2 % of the
 * gateway's CPU under load; for this one shape of body it does nothing that this does not. Every
 * other body — compressed, another charset, chunked, another JSON media type — is body-parser's as
 * before (`fallback`).
 *
 * What the client sees is body-parser's answer (not strict: any JSON value): an empty body is `{}`;
 * a byte-order mark is dropped; a body that is not JSON is an error of type `entity.parse.failed`
 * (400, the app's error handler words it); JSON that is not an object is readBody's to refuse
 * (admission.ts); an aborted or short body is a 400 of its own type. The caller's size limit is counted and enforced by `readBody` (admission.ts)
 * before this decodes anything: past it, nothing more is kept.
 */
export function plainJsonBody(limitBytes: number, fallback: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const length = plainLength(req);
    if (length === undefined) return fallback(req, res, next);
    readJson(req, length, limitBytes, next);
  };
}

const PLAIN_TYPES = new Set([
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=utf-8',
]);

/** The declared length of a body this reads itself, or undefined when body-parser should. */
function plainLength(req: IncomingMessage): number | undefined {
  const { headers } = req;
  if (headers['transfer-encoding'] !== undefined) return undefined;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return undefined;
  if (!PLAIN_TYPES.has((headers['content-type'] ?? '').toLowerCase())) return undefined;
  const declared = headers['content-length'];
  return declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : undefined;
}

/** An error as body-parser's are shaped: the status and type the app's error handler reads. */
const bodyError = (message: string, status: number, type: string) =>
  Object.assign(new Error(message), { status, statusCode: status, expose: true, type });

function readJson(req: Request, length: number, limitBytes: number, next: NextFunction): void {
  // As body-parser: the property exists from now on, read or not ('body' in req).
  if (req.body === undefined) req.body = undefined;
  const chunks: Buffer[] = [];
  let received = 0;
  let done = false;
  const finish = (err?: unknown) => {
    if (done) return;
    done = true;
    req.off('data', onData).off('end', onEnd).off('aborted', onAborted).off('error', onError);
    next(err);
  };
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    // Past the limit readBody has already answered 413: what still comes is only counted.
    if (received <= limitBytes) chunks.push(chunk);
  };
  const onEnd = () => {
    if (received > limitBytes) return finish();
    if (received !== length) {
      return finish(bodyError('request size did not match content length', 400, 'request.size.invalid'));
    }
    try {
      req.body = parseJson(Buffer.concat(chunks, received).toString('utf8'));
      finish();
    } catch (err) {
      finish(
        Object.assign(err as Error, {
          status: 400,
          statusCode: 400,
          expose: true,
          type: 'entity.parse.failed',
        }),
      );
    }
  };
  const onAborted = () => finish(bodyError('request aborted', 400, 'request.aborted'));
  const onError = (err: Error) =>
    finish(Object.assign(err, { status: 400, statusCode: 400, type: 'request.aborted' }));
  req.on('data', onData).on('end', onEnd).on('aborted', onAborted).on('error', onError);
}

/** body-parser's JSON when not strict: `{}` for nothing, any JSON value otherwise. */
function parseJson(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return body.length === 0 ? {} : JSON.parse(body);
}

/**
 * How deep a request's variables and extensions may nest. GraphQL inputs nest a handful of levels
 * (an entry, its lines, a line's dimensions); a JSON argument (settings, a trusted-document
 * manifest) a few more. Deeper is refused before anything recursive sees it: 20,000 nested objects
 * in a JSON variable (120 KB, well under the body limit) overflowed the engine's stack
 * (INTERNAL_SERVER_ERROR) for anyone signed in.
 */
export const MAX_VARIABLES_DEPTH = 64;

/** Whether `value` holds an object or array more than `max` levels deep (walked without recursion). */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [v, depth] = next;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
    }
  }
  return false;
}
