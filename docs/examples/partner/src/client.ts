import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { Client, type CombinedError, fetchExchange } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import type { DocumentNode } from 'graphql';
import type {
  DocumentLineInput,
  PartnerIssueInvoiceMutation,
  PartnerTrialBalanceQuery,
} from './__generated__/graphql.js';
import {
  CreateCustomerMutation,
  CreateInvoiceMutation,
  FindCustomerQuery,
  IssueInvoiceMutation,
  TrialBalanceQuery,
} from './operations.ts';

export interface PartnerClientOptions {
  /** The gateway's GraphQL endpoint, as `pnpm start` prints it (`http://127.0.0.1:4000/graphql`). */
  gatewayUrl: string;
  /** The integration's secret: `cfk_…` and `cfs_…` (createIntegrationSecret). */
  clientId: string;
  clientSecret: string;
  /** The client business to act on (its slug), sent as `X-Tenant` on every request. */
  tenant: string;
  /** Narrow the token to some of the grant's permissions (OAuth `scope`). */
  scope?: readonly string[];
}

export interface AccessToken {
  accessToken: string;
  expiresInSeconds: number;
}

/** The token endpoint refused the credentials (RFC 6749 §5.2: `error`, `error_description`). */
export class TokenError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(`token endpoint answered ${status} ${error}: ${description}`);
    this.name = 'TokenError';
  }
}

/** The API refused a request: `codes` are the errors' `extensions.code` (FORBIDDEN, …). */
export class CifraError extends Error {
  readonly codes: string[];
  constructor(
    readonly operation: string,
    readonly error: CombinedError,
  ) {
    const codes = error.graphQLErrors.map((e) => String(e.extensions?.code ?? 'UNKNOWN'));
    super(`${operation} refused: ${error.message}`);
    this.name = 'CifraError';
    this.codes = error.networkError ? ['NETWORK_ERROR'] : codes;
  }
}

export interface InvoiceInput {
  customerId: string;
  /** YYYY-MM-DD; also the posting date. */
  date: string;
  /** The shop's order number: kept as the invoice's reference, and the retry key of its draft. */
  reference: string;
  memo?: string;
  lines: DocumentLineInput[];
}

export type IssuedInvoice = NonNullable<PartnerIssueInvoiceMutation['approveSalesInvoice']>;
export type TrialBalance = NonNullable<PartnerTrialBalanceQuery['trialBalance']>;

// A token is renewed this long before it expires, so a request never carries a dying one.
const RENEW_BEFORE_MS = 60_000;

/**
 * A partner's client of the cifraHQ API: client-credentials tokens from the gateway's
 * `/oauth/token`, and the operations of `operations.ts` sent as their SHA-256 only (urql's
 * persisted exchange with `enforcePersistedQueries`), the ids the firm published for this
 * integration. Query text never leaves this process.
 */
export function createPartnerClient(options: PartnerClientOptions) {
  const tokenUrl = new URL('oauth/token', options.gatewayUrl).toString();
  let current: { accessToken: string; renewAtMs: number } | null = null;

  /** A new access token (OAuth 2.0 client credentials, the secret in HTTP Basic). */
  async function fetchToken(): Promise<AccessToken> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (options.scope?.length) form.set('scope', options.scope.join(' '));
    const basic = [options.clientId, options.clientSecret].map(encodeURIComponent).join(':');
    const res = await fetch(tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(basic).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: form.toString(),
    });
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.status !== 200 || typeof body.access_token !== 'string')
      throw new TokenError(
        res.status,
        String(body.error ?? 'invalid_response'),
        String(body.error_description ?? ''),
      );
    // Without a usable lifetime the token is used for this request only.
    const expiresInSeconds = Number.isFinite(Number(body.expires_in)) ? Number(body.expires_in) : 0;
    current = {
      accessToken: body.access_token,
      renewAtMs: Date.now() + expiresInSeconds * 1000 - RENEW_BEFORE_MS,
    };
    return { accessToken: body.access_token, expiresInSeconds };
  }

  // Concurrent calls share one token request: each costs the server a slow hash and rate-limit points.
  let renewing: Promise<AccessToken> | null = null;
  async function accessToken(): Promise<string> {
    if (current && Date.now() < current.renewAtMs) return current.accessToken;
    renewing ??= fetchToken().finally(() => {
      renewing = null;
    });
    return (await renewing).accessToken;
  }

  const urql = new Client({
    url: options.gatewayUrl,
    // No cache: every call goes to the API (the books change under other hands).
    requestPolicy: 'network-only',
    preferGetMethod: false,
    exchanges: [
      persistedExchange({
        // Send the hash only, mutations too, and never fall back to sending the text.
        enforcePersistedQueries: true,
        enableForMutation: true,
        preferGetForPersistedQueries: false,
        // The manifest's key, computed by codegen from the exact text the firm published.
        generateHash: async (_query, document) => hashOf(document),
      }),
      fetchExchange,
    ],
    fetch: async (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${await accessToken()}`);
      headers.set('x-tenant', options.tenant);
      return fetch(input, { ...init, headers });
    },
  });

  async function run<Data, Variables extends Record<string, unknown>>(
    kind: 'query' | 'mutation',
    document: TypedDocumentNode<Data, Variables>,
    variables: Variables,
  ): Promise<Data> {
    const result = await (kind === 'query'
      ? urql.query(document, variables)
      : urql.mutation(document, variables));
    if (result.error) throw new CifraError(operationName(document), result.error);
    if (!result.data) throw new Error(`${operationName(document)}: no data`);
    return result.data;
  }

  return {
    fetchToken,

    /** The customer with this code, created when the books have none yet. */
    async ensureCustomer(customer: { code: string; name: string }) {
      const found = await run('query', FindCustomerQuery, { search: customer.code });
      const same = found.parties?.edges.map((e) => e.node).find((p) => p.code === customer.code);
      if (same) return same;
      const made = await run('mutation', CreateCustomerMutation, {
        input: { kind: 'CUSTOMER', ...customer },
      });
      return made.createParty!;
    },

    /** A sales invoice draft. Sent again with the same reference, it returns the same draft. */
    async createInvoiceDraft(invoice: InvoiceInput) {
      const made = await run('mutation', CreateInvoiceMutation, {
        input: {
          partyId: invoice.customerId,
          documentDate: invoice.date,
          reference: invoice.reference,
          memo: invoice.memo,
          idempotencyKey: `order:${invoice.reference}`,
          lines: invoice.lines,
        },
      });
      return made.createSalesInvoice!;
    },

    /** Issue (post) a draft: it takes its number and its entry reaches the general ledger. */
    async issueInvoice(id: string): Promise<IssuedInvoice> {
      return (await run('mutation', IssueInvoiceMutation, { id })).approveSalesInvoice!;
    },

    async trialBalance(asOf: string): Promise<TrialBalance> {
      return (await run('query', TrialBalanceQuery, { asOf })).trialBalance!;
    },
  };
}

export type PartnerClient = ReturnType<typeof createPartnerClient>;

/** The hex SHA-256 codegen stored in the document (`sha256:<hex>`; APQ wants the hex alone). */
function hashOf(document: unknown): string {
  const hash = (document as { __meta__?: { hash?: unknown } }).__meta__?.hash;
  if (typeof hash !== 'string') throw new Error('a document without its persisted hash: run pnpm codegen');
  return hash.replace(/^sha256:/, '');
}

function operationName(document: DocumentNode): string {
  for (const d of document.definitions) if (d.kind === 'OperationDefinition' && d.name) return d.name.value;
  return '(anonymous)';
}
