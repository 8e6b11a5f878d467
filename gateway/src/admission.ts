import { CLIENT_IDENTITY_MAX_LENGTH, type Logger, type RequestContext } from '@cifra/context';
import { type ControlDb, controlDb, integrationOfOidcClient, isConnectionFailure, type pg } from '@cifra/db';
import { Permissions } from '@cifra/permissions';
import { type ServiceTracing, tracedPool } from '@cifra/tracing';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { GraphQLError } from 'graphql';
import { resolveAccess, resolveIntegrationAccess, unauthenticated } from './access.ts';
import { isStaff } from './audience.ts';
import type { Authenticator } from './auth.ts';
import { cachedAccess, cachedCaller, type GatewayCaches } from './caches.ts';
import { continueIfAwaited } from './expect-continue.ts';
import type { GatewayContext } from './gateway-context.ts';
import { MAX_VARIABLES_DEPTH, nestsDeeperThan, plainJsonBody } from './json-body.ts';
import type { IntegrationToken, IntegrationTokens } from './oauth.ts';
import { type RequestTrace, traceOf } from './observability.ts';
import { bodyPoints, type RateLimits, sourceAddress } from './rate-limits.ts';

/**
 * Admission to `/graphql`, in two steps around the body (docs/architecture/gateway.md, "The request
 * path"). From the headers alone: a declared body too large for anyone, the caller, the rate-limit
 * charge for the body they announce, their access to the client named, and a declared body too
 * large for them — each refused before one byte of the body is read. Then the body, counted as it
 * streams and cut off at the caller's limit, chunked or not. Only then is JSON decoded.
 */

/** What a request's body may weigh, in bytes. */
export interface BodyLimits {
  /**
   * Any caller: the query text (`QUERY_MAX_LENGTH`, 100,000 characters) and the variables of any
   * one operation — a journal entry of 1,000 lines with full memos is about 600 KB.
   */
  maxBytes: number;
  /**
   * A caller who may post to the general ledger (`GL.Post` on the client named): a bulk import of
   * up to 10,000 entries (`postJournalEntries`) through variables.
   */
  bulkMaxBytes: number;
}

export const DEFAULT_BODY_LIMITS: BodyLimits = {
  maxBytes: 1024 * 1024,
  bulkMaxBytes: 8 * 1024 * 1024,
};

/** Who is calling, worked out once per request from its Authorization header. */
export type Caller = { email: string } | { integration: IntegrationToken } | null;

export interface AdmissionOptions {
  authenticator: Authenticator;
  control: ControlDb;
  integrationTokens?: IntegrationTokens;
  rateLimits?: RateLimits;
  bodyLimits: BodyLimits;
  caches: GatewayCaches | undefined;
  log: Logger;
  /** With traces on, a sampled request's control-plane statements are spans of it. */
  tracing?: ServiceTracing;
}

/** What admission found, for the request's Apollo context. */
type Admitted = Required<Pick<GatewayContext, 'access' | 'trace' | 'staff' | 'rateKey'>>;

/**
 * A person (a token of the firm's provider or the local issuer, with an email), or a partner
 * integration: a token the gateway issued at /oauth/token, or a client-credentials token of the
 * firm's OIDC provider whose client id names a registered integration.
 */
async function callerOf(
  opts: AdmissionOptions,
  control: () => ControlDb,
  authorization: string | undefined,
): Promise<Caller> {
  const bearer = await opts.authenticator.identify(authorization);
  if (bearer && 'email' in bearer) return bearer;
  if (bearer) {
    const integration = await integrationOfOidcClient(control(), bearer.oidcClient);
    return integration
      ? {
          integration: {
            integrationId: integration.id,
            clientId: bearer.oidcClient,
            scope: null,
            via: 'oidc',
          },
        }
      : null;
  }
  const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
  const ours = token && opts.integrationTokens ? await opts.integrationTokens.verify(token) : null;
  return ours ? { integration: ours } : null;
}

/**
 * What admission throws, as the client gets it: its own refusals as they are; the control plane
 * unreachable as SERVICE_UNAVAILABLE (503); anything else as a bare internal error — never the
 * SQL, the address or the caller's email a database error message carries.
 */
export function gatewayError(err: unknown, log: Logger): GraphQLError {
  if (err instanceof GraphQLError) return err;
  if (isConnectionFailure(err)) {
    log.warn({ err }, 'the control plane cannot be reached');
    return new GraphQLError('The service is unavailable right now; try again shortly', {
      extensions: {
        code: 'SERVICE_UNAVAILABLE',
        http: { status: 503, headers: new Map([['retry-after', '5']]) },
      },
    });
  }
  log.error({ err }, 'the request context failed');
  return new GraphQLError('Internal error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

/**
 * A body whose variables or extensions nest deeper than MAX_VARIABLES_DEPTH (json-body.ts): the
 * whole body is walked, two levels more (a batch's array, the request's object), so nothing in it
 * escapes.
 */
const tooDeep = (body: unknown) => nestsDeeperThan(body, MAX_VARIABLES_DEPTH + 2);

/** 400 BAD_USER_INPUT for a body nested too deep, before anything recursive reads it. */
function nestedTooDeep(): GraphQLError {
  return new GraphQLError(
    `The request's variables or extensions nest deeper than ${MAX_VARIABLES_DEPTH} levels`,
    { extensions: { code: 'BAD_USER_INPUT', max: MAX_VARIABLES_DEPTH, http: { status: 400 } } },
  );
}

/**
 * 400 BAD_REQUEST for a body that is JSON but no request: `null`, a string, a number. Read strictly,
 * they were refused as "not valid JSON", which they are. An array is Apollo's to refuse (batching);
 * a GET has no body (undefined).
 */
function notAnObject(body: unknown): GraphQLError | null {
  if (body === undefined || (typeof body === 'object' && body !== null)) return null;
  return new GraphQLError('The body must be a JSON object', {
    extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
  });
}

/** 413 PAYLOAD_TOO_LARGE, naming the limit and the size announced (if one was). */
export function payloadTooLarge(max: number, measured: number | undefined): GraphQLError {
  const size = measured === undefined ? `more than ${max}` : String(measured);
  return new GraphQLError(`The body is too large: ${size} bytes, the limit is ${max}`, {
    extensions: {
      code: 'PAYLOAD_TOO_LARGE',
      limit: 'body',
      max,
      ...(measured === undefined ? {} : { measured }),
      http: { status: 413 },
    },
  });
}

/**
 * After a refusal for size, what is still arriving of the body is read and dropped, never buffered
 * or decoded: a client still sending reliably reads its 413 (closing on unread data would reset
 * the connection and could lose the answer). Past `cap` more bytes the sender is not a client
 * waiting for an answer, and the connection is cut.
 */
function dropRest(req: Request, cap: number, dropped = 0): void {
  let bytes = dropped;
  req.on('data', (data: Buffer) => {
    bytes += data.length;
    if (bytes > cap) req.socket.destroy();
  });
  req.resume();
}

/**
 * A refusal answered by the gateway itself, shaped as Apollo shapes one (a GraphQL error with its
 * code, the status and headers its `extensions.http` names) and recorded as the request's outcome.
 */
export function refuse(res: Response, err: GraphQLError): void {
  const { http, ...extensions } = err.extensions as {
    http?: { status?: number; headers?: Map<string, string> };
  } & Record<string, unknown>;
  traceOf(res).outcome = String(extensions.code ?? 'ERROR');
  for (const [name, value] of http?.headers ?? []) res.setHeader(name, value);
  res
    .status(http?.status ?? 500)
    .type('application/json')
    .send(JSON.stringify({ errors: [{ message: err.message, extensions }] }));
}

/** The client application a request names (Apollo's headers), as its context carries it. */
type ClientApplication = RequestContext['client'];

const CLIENT_HEADERS = {
  name: 'apollographql-client-name',
  version: 'apollographql-client-version',
} as const;

/**
 * The client application as the caller names it (`apollographql-client-name` and `-version`),
 * which the signed context carries and every audit event of the request records — or 400
 * BAD_REQUEST naming the header, when one is longer than CLIENT_IDENTITY_MAX_LENGTH. Refused
 * rather than cut (a request id that is no sane token is replaced, but it is the gateway's own
 * handle on the request): what the trail records as the caller's client is what the caller sent.
 * Unbounded, two headers of 7,000 characters pushed the context past the 16 KiB of headers a
 * subgraph reads; the request failed as SERVICE_UNAVAILABLE and the gateway logged and counted an
 * outage that any signed-in caller could fake.
 */
function clientApplication(req: Request): ClientApplication | GraphQLError {
  const client: ClientApplication = { name: null, version: null };
  for (const key of ['name', 'version'] as const) {
    const header = CLIENT_HEADERS[key];
    const value = req.header(header) ?? null;
    if (value !== null && value.length > CLIENT_IDENTITY_MAX_LENGTH) {
      return new GraphQLError(
        `The ${header} header is longer than ${CLIENT_IDENTITY_MAX_LENGTH} characters`,
        {
          extensions: {
            code: 'BAD_REQUEST',
            header,
            max: CLIENT_IDENTITY_MAX_LENGTH,
            measured: value.length,
            http: { status: 400 },
          },
        },
      );
    }
    client[key] = value;
  }
  return client;
}

/** The body length a request announces, if it announces one (chunked bodies do not). */
function declaredLength(req: Request): number | undefined {
  const header = req.header('content-length');
  if (header === undefined || !/^\d+$/.test(header)) return undefined;
  return Number(header);
}

/** The largest body this caller may send: a bulk importer's, or anyone's. */
const limitFor = (limits: BodyLimits, permissions: readonly string[]) =>
  permissions.includes(Permissions.GL.Post) ? limits.bulkMaxBytes : limits.maxBytes;

/**
 * Before the body: refuses a declared body larger than any caller may send, identifies the caller,
 * charges their bucket — or the source address's, without a valid token — 1 point and 1 per 64 KiB
 * announced, looks up their access (caller and access both cached, docs/architecture/gateway.md
 * "Caches"), then refuses a declared body larger than this caller may send. What it found is the request's context.
 */
export function admitByHeaders(opts: AdmissionOptions): RequestHandler {
  const largest = Math.max(opts.bodyLimits.maxBytes, opts.bodyLimits.bulkMaxBytes);
  return (req, res, next) => {
    const declared = declaredLength(req);
    if (declared !== undefined && declared > largest) {
      refuse(res, payloadTooLarge(largest, declared));
      dropRest(req, largest);
      return;
    }
    // Before the token is looked at, as a body too large for anyone: it is the headers' own fault.
    const client = clientApplication(req);
    if (client instanceof GraphQLError) {
      refuse(res, client);
      dropRest(req, largest);
      return;
    }
    admit(opts, req, res, declared, client).then(
      (admitted) => {
        res.locals.admitted = admitted;
        const max = limitFor(opts.bodyLimits, admitted.access.permissions);
        if (declared === undefined || declared <= max) {
          continueIfAwaited(req, res);
          return next();
        }
        refuse(res, payloadTooLarge(max, declared));
        dropRest(req, largest);
      },
      (caught: unknown) => {
        const err = gatewayError(caught, opts.log);
        if (err.extensions.code === 'UNAUTHENTICATED' || err.extensions.code === 'MEMBER_DEACTIVATED') {
          // RFC 6750 §3: say whether a token was sent and refused, or none was sent.
          const sent = req.header('authorization') !== undefined;
          res.setHeader('WWW-Authenticate', `Bearer realm="cifra"${sent ? ', error="invalid_token"' : ''}`);
        }
        refuse(res, err);
        dropRest(req, largest);
      },
    );
  };
}

/**
 * The control plane as a request sees it. For a sampled request with traces on, a view of the
 * control plane's pool whose statements are spans of the request (`tracedPool`, as a subgraph's
 * client database), made only if the request reaches it — most are answered from the caches.
 */
function controlFor(opts: AdmissionOptions, parent: RequestTrace['span']): () => ControlDb {
  const pool = opts.control.$client;
  if (!opts.tracing || !parent?.span.isRecording() || !('totalCount' in pool)) return () => opts.control;
  const tracer = opts.tracing.tracer;
  let traced: ControlDb | undefined;
  return () => {
    traced ??= controlDb(tracedPool(pool as pg.Pool, tracer, parent.context));
    return traced;
  };
}

async function admit(
  opts: AdmissionOptions,
  req: Request,
  res: Response,
  declared: number | undefined,
  client: ClientApplication,
): Promise<Admitted> {
  const trace = traceOf(res);
  const tenantSlug = req.header('x-tenant')?.trim() || undefined;
  trace.tenant = tenantSlug;
  const control = controlFor(opts, trace.span);
  const authorization = req.header('authorization');
  const caller = await cachedCaller(opts.caches, authorization, () => callerOf(opts, control, authorization));
  res.locals.caller = caller;
  if (!caller) {
    // Requests without a valid token are counted per source address, so guessing is slow.
    await opts.rateLimits?.chargeAddress(sourceAddress(req));
    throw unauthenticated('Sign in: send a valid bearer token');
  }
  // Charged as soon as the caller is known, before their access is looked up: a request refused
  // for access (a client not theirs, a member deactivated or removed whose token still verifies) is
  // paid for from the same bucket as the caller's others, so refusals cannot be sent without limit
  // at the control plane. A person's bucket is their token's email; an integration's, its id.
  const rateKey =
    'integration' in caller ? caller.integration.integrationId : `email:${caller.email.toLowerCase()}`;
  await opts.rateLimits?.chargePerson(rateKey, bodyPoints(declared ?? 0));
  if ('integration' in caller) {
    const { integrationId, clientId, via, scope } = caller.integration;
    const access = await cachedAccess(
      opts.caches,
      `i|${integrationId}|${clientId}|${via ?? 'secret'}|${scope?.join(' ') ?? '*'}|${tenantSlug ?? ''}`,
      () => resolveIntegrationAccess(control(), caller.integration, tenantSlug, client),
    );
    trace.caller = access.email;
    trace.tenantId = access.tenant?.id;
    return { access: { ...access, client, requestId: trace.requestId }, trace, staff: false, rateKey };
  }
  trace.caller = caller.email;
  const access = await cachedAccess(opts.caches, `p|${caller.email}|${tenantSlug ?? ''}`, () =>
    resolveAccess(control(), caller.email, tenantSlug, client),
  );
  trace.tenantId = access.tenant?.id;
  return {
    access: { ...access, client, requestId: trace.requestId },
    trace,
    staff: isStaff(access.firm.role, tenantSlug ? (access.tenantRole ?? null) : undefined),
    rateKey,
  };
}

export const admittedOf = (res: Response) => res.locals.admitted as Admitted;

/** The partner integration calling, if the caller is one. */
export function integrationCalling(res: Response): IntegrationToken | null {
  const caller = (res.locals.caller ?? null) as Caller;
  return caller && 'integration' in caller ? caller.integration : null;
}

/**
 * The body, read only after admission: counted as it streams and refused at the caller's limit
 * (413) as soon as it passes it, whether or not it announced its length; decoded as JSON only once
 * whole. A refused body's remainder is read and dropped, never buffered or decoded, so a client
 * still sending reliably reads its answer (closing on unread data would reset the connection);
 * past another bulk limit's worth the sender is not waiting for an answer, and the connection is
 * cut. A chunked body, which announced nothing, is charged its size once it has arrived.
 */
export function readBody(
  opts: Pick<AdmissionOptions, 'bodyLimits' | 'rateLimits'>,
  /** Plain JSON bodies without body-parser (json-body.ts): on the short way of POST /graphql. */
  plain = false,
): RequestHandler {
  const json = (limit: number) => express.json({ limit, strict: false });
  const parser = (limit: number) => (plain ? plainJsonBody(limit, json(limit)) : json(limit));
  const anyone = parser(opts.bodyLimits.maxBytes);
  const bulk = parser(opts.bodyLimits.bulkMaxBytes);
  return (req, res, next) => {
    const { access, rateKey } = admittedOf(res);
    const max = limitFor(opts.bodyLimits, access.permissions);
    let bytes = 0;
    const count = (data: Buffer) => {
      bytes += data.length;
      if (bytes <= max) return;
      if (!res.headersSent) refuse(res, payloadTooLarge(max, declaredLength(req)));
      if (bytes > max + opts.bodyLimits.bulkMaxBytes) req.socket.destroy();
    };
    req.on('data', count);
    (max === opts.bodyLimits.bulkMaxBytes ? bulk : anyone)(req, res, (err?: unknown) => {
      req.off('data', count);
      // Refused while it streamed: the body parser has only now seen the end of it.
      if (res.headersSent) return;
      // Too large once decoded (a compressed body): the caller's limit, as for one sent plain.
      if ((err as { type?: string } | undefined)?.type === 'entity.too.large') {
        return refuse(res, payloadTooLarge(max, undefined));
      }
      if (err) return next(err);
      const shapeless = notAnObject(req.body);
      if (shapeless) return refuse(res, shapeless);
      if (tooDeep(req.body)) return refuse(res, nestedTooDeep());
      if (declaredLength(req) !== undefined || !opts.rateLimits) return next();
      const extra = bodyPoints(bytes) - bodyPoints(0);
      if (extra <= 0) return next();
      opts.rateLimits.chargePerson(rateKey, extra).then(
        () => next(),
        (caught: unknown) => (caught instanceof GraphQLError ? refuse(res, caught) : next(caught)),
      );
    });
  };
}
