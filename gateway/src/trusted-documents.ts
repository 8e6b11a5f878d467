import {
  allowsArbitraryDocuments,
  type ControlDb,
  liveConsoleDocument,
  liveTrustedDocument,
} from '@cifra/db';
import type { Request, RequestHandler, Response } from 'express';
import { getOperationAST, parse } from 'graphql';
import { admittedOf } from './admission.ts';
import { isStaff } from './audience.ts';
import type { IntegrationToken } from './oauth.ts';

/**
 * The firm console's documents (its client preset's persisted-documents manifest, `sha256:<hex>` →
 * text), and whether the firm's staff may run only those (STAFF_TRUSTED_DOCUMENTS_ONLY).
 */
export interface ConsoleDocuments {
  documents: Readonly<Record<string, string>>;
  /** The version of `documents` (the manifest file's SHA-256, hex), registered at start; null: none. */
  version: string | null;
  staffOnly: boolean;
}

const CONSOLE_CLIENT_NAME = 'cifra-console';
const MANIFEST_VERSION = /^[0-9a-f]{64}$/;

/**
 * A console document by id, from the manifest of the console's own build: the one the gateway
 * serves (in memory) unless the console names another version (`apollographql-client-version`,
 * sent with `apollographql-client-name: cifra-console`), whose documents come from the control
 * plane while that version is registered and not retired. An id of another version is not found.
 */
async function consoleDocument(
  control: ControlDb,
  docs: ConsoleDocuments,
  req: Request,
  id: string,
): Promise<string | null> {
  const version =
    req.header('apollographql-client-name') === CONSOLE_CLIENT_NAME
      ? req.header('apollographql-client-version')
      : undefined;
  if (!version || version === docs.version) return docs.documents[id] ?? null;
  return MANIFEST_VERSION.test(version) ? liveConsoleDocument(control, version, id) : null;
}

/** Where a caller's trusted documents come from, and whether it may send text instead. */
interface DocumentSource {
  lookup(documentId: string): Promise<string | null>;
  textAllowed(): Promise<boolean>;
  owner: string;
  required: string;
}

/**
 * Trusted documents (docs/partners.md, docs/console.md). A request names one with
 * `documentId: "sha256:<hex>"` (GraphQL-over-HTTP, Appendix A) or Apollo's
 * `extensions.persistedQuery.sha256Hash`; the gateway puts the known text in its place.
 *
 * - Partner integrations run their published documents; a query's text is refused unless a
 *   FirmAdmin allowed arbitrary documents for that integration.
 * - People may name the console's documents (the console always does); their text is refused
 *   only for the firm's staff (FirmAdmin, Senior, Junior by firm role) when `consoleDocs.staffOnly`.
 *
 * Apollo's automatic persisted queries never see these requests, so nothing sent is ever
 * registered.
 */
export function trustedDocumentsOnly(
  control: ControlDb,
  integrationOf: (res: Response) => IntegrationToken | null,
  consoleDocs?: ConsoleDocuments,
): RequestHandler {
  const sourceOf = (req: Request, res: Response): DocumentSource | null => {
    const partner = integrationOf(res);
    if (partner) {
      return {
        lookup: (id) => liveTrustedDocument(control, partner.integrationId, id),
        textAllowed: () => allowsArbitraryDocuments(control, partner.integrationId),
        owner: 'this integration',
        required: 'Integrations run their trusted documents: send a documentId, not a query',
      };
    }
    if (!consoleDocs) return null;
    return {
      lookup: (id) => consoleDocument(control, consoleDocs, req, id),
      textAllowed: async () =>
        !consoleDocs.staffOnly || !isStaff(admittedOf(res).access.firm.role, undefined),
      owner: 'the console',
      required: "The firm's staff run the console's trusted documents here: send a documentId, not a query",
    };
  };
  return async (req, res, next) => {
    try {
      const source = sourceOf(req, res);
      if (!source) return next();
      const fromGet = req.method === 'GET';
      const body = fromGet ? getParameters(req.originalUrl) : (req.body as unknown);
      if (typeof body === 'string') return refuse(res, 'BAD_REQUEST', body);
      if (!isObject(body)) return next();
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
        const document = /^sha256:[0-9a-f]{64}$/.test(documentId) ? await source.lookup(documentId) : null;
        if (document === null)
          return refuse(
            res,
            'PERSISTED_DOCUMENT_NOT_FOUND',
            `No trusted document ${documentId.slice(0, 80)} for ${source.owner}`,
          );
        body.query = document;
        if (fromGet) {
          // Appendix A: GET runs queries only. Served as the POST it stands for from here on; an
          // operation the document does not hold is refused there (400), as it is for a POST.
          const operation = getOperationAST(
            parse(document),
            (body.operationName as string | undefined) ?? null,
          );
          if (operation && operation.operation !== 'query') {
            res.setHeader('Allow', 'POST');
            return refuse(res, 'BAD_REQUEST', 'Only queries may be sent with GET', 405);
          }
          req.method = 'POST';
          req.headers['content-type'] = 'application/json';
          req.body = body;
        }
        return next();
      }
      if (await source.textAllowed()) return next();
      return refuse(res, 'PERSISTED_DOCUMENT_REQUIRED', source.required);
    } catch (err) {
      next(err);
    }
  };
}

function refuse(res: Response, code: string, message: string, status = 400): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A GET request's GraphQL parameters (variables and extensions are JSON objects), or why they
 * cannot be read, in the words Apollo Server uses for a GET it reads itself: the request is a POST
 * only after this, and Apollo's own refusals would speak of "a POST body".
 */
function getParameters(url: string): Record<string, unknown> | string {
  const params = new URL(url, 'http://gateway.invalid').searchParams;
  const out: Record<string, unknown> = {};
  for (const name of ['query', 'documentId', 'operationName'])
    if (params.has(name)) out[name] = params.get(name);
  for (const name of ['variables', 'extensions']) {
    const text = params.get(name);
    if (text === null) continue;
    try {
      out[name] = JSON.parse(text);
    } catch {
      return `The ${name} search parameter contains invalid JSON.`;
    }
    if (!isObject(out[name])) return `The ${name} search parameter should contain a JSON-encoded object.`;
  }
  return out;
}
