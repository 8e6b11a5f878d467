import { allowsArbitraryDocuments, type ControlDb, liveTrustedDocument } from '@cifra/db';
import type { RequestHandler, Response } from 'express';
import { getOperationAST, parse } from 'graphql';
import type { IntegrationToken } from './oauth.ts';

/**
 * Partner integrations run only their trusted documents (docs/partners.md). A request names one
 * with `documentId: "sha256:<hex>"` (GraphQL-over-HTTP, Appendix A) or Apollo's
 * `extensions.persistedQuery.sha256Hash`; the gateway puts the published text in its place. A
 * query's text is refused unless a FirmAdmin allowed arbitrary documents for that integration.
 * Apollo's automatic persisted queries never see an integration's request, so nothing an
 * integration sends is ever registered. People's requests pass through unchanged.
 */
export function trustedDocumentsOnly(
  control: ControlDb,
  integrationOf: (res: Response) => IntegrationToken | null,
): RequestHandler {
  return async (req, res, next) => {
    try {
      const partner = integrationOf(res);
      if (!partner) return next();
      const fromGet = req.method === 'GET';
      const body = fromGet
        ? getParameters(req.originalUrl)
        : (req.body as Record<string, unknown> | undefined);
      if (!body) return refuse(res, 'BAD_REQUEST', 'variables and extensions must be JSON');
      if (typeof body !== 'object' || Array.isArray(body)) return next();
      const extensions = body.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined;
      const hash = extensions?.persistedQuery?.sha256Hash;
      const documentId =
        typeof body.documentId === 'string'
          ? body.documentId
          : typeof hash === 'string'
            ? `sha256:${hash.toLowerCase()}`
            : null;
      if (extensions?.persistedQuery) delete extensions.persistedQuery;
      delete body.documentId;
      if (documentId !== null) {
        if (typeof body.query === 'string' && body.query.length > 0)
          return refuse(res, 'BAD_REQUEST', 'Send a documentId or a query, not both');
        const document = /^sha256:[0-9a-f]{64}$/.test(documentId)
          ? await liveTrustedDocument(control, partner.integrationId, documentId)
          : null;
        if (document === null)
          return refuse(
            res,
            'PERSISTED_DOCUMENT_NOT_FOUND',
            `No trusted document ${documentId.slice(0, 80)} for this integration`,
          );
        body.query = document;
        if (fromGet) {
          // Appendix A: GET runs queries only. Served as the POST it stands for from here on.
          const operation = getOperationAST(
            parse(document),
            (body.operationName as string | undefined) ?? null,
          );
          if (operation?.operation !== 'query') {
            res.setHeader('Allow', 'POST');
            return refuse(res, 'BAD_REQUEST', 'Only queries may be sent with GET', 405);
          }
          req.method = 'POST';
          req.headers['content-type'] = 'application/json';
          req.body = body;
        }
        return next();
      }
      if (await allowsArbitraryDocuments(control, partner.integrationId)) return next();
      return refuse(
        res,
        'PERSISTED_DOCUMENT_REQUIRED',
        'Integrations run their trusted documents: send a documentId, not a query',
      );
    } catch (err) {
      next(err);
    }
  };
}

function refuse(res: Response, code: string, message: string, status = 400): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** A GET request's GraphQL parameters (variables and extensions are JSON), or null when malformed. */
function getParameters(url: string): Record<string, unknown> | null {
  const params = new URL(url, 'http://gateway.invalid').searchParams;
  const out: Record<string, unknown> = {};
  for (const name of ['query', 'documentId', 'operationName'])
    if (params.has(name)) out[name] = params.get(name);
  try {
    for (const name of ['variables', 'extensions'])
      if (params.has(name)) out[name] = JSON.parse(params.get(name) as string);
  } catch {
    return null;
  }
  return out;
}
