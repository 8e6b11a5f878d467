import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { ErrorLink } from '@apollo/client/link/error';
import { isForbidden } from './components/refusal.tsx';
import { MANIFEST_VERSION } from './manifest-version.ts';
import { forgetRefused } from './refused-access.ts';

/**
 * Every operation of the console is a typed document of the client preset, whose manifest
 * (`src/__generated__/persisted-documents.json`) the gateway knows: the console sends its id
 * (`extensions.persistedQuery.sha256Hash`, as Apollo's persisted queries do) and never its text,
 * so a gateway that runs only the console's documents for staff (STAFF_TRUSTED_DOCUMENTS_ONLY)
 * serves it. A document without an id (none today) would go as text.
 */
const byDocumentId = new ApolloLink((operation, forward) => {
  const id = (operation.query as { __meta__?: { hash?: unknown } }).__meta__?.hash;
  if (typeof id === 'string' && id.startsWith('sha256:')) {
    operation.extensions = {
      ...operation.extensions,
      persistedQuery: { version: 1, sha256Hash: id.slice('sha256:'.length) },
    };
    operation.setContext({ http: { includeQuery: false, includeExtensions: true } });
  }
  return forward(operation);
});

/** Who is calling: the console, and the version of its manifest the gateway runs its ids from. */
const CLIENT_HEADERS: Record<string, string> = {
  'apollographql-client-name': 'cifra-console',
  ...(MANIFEST_VERSION ? { 'apollographql-client-version': MANIFEST_VERSION } : {}),
};

/**
 * One Apollo Client per signed-in person, talking to the origin that served the console. Every
 * `id` the API returns is unique across clients and types, so the normalised cache cannot mix two
 * clients' objects; the firm-level screens of this slice name no client header. The access token
 * is read per request (`accessToken()`): a silent renewal replaces it without a new client.
 */
export function createApolloClient(accessToken: () => string, onUnauthenticated: () => void): ApolloClient {
  // A refused token (UNAUTHENTICATED, MEMBER_DEACTIVATED: 401) signs the person out, and this client
  // and its cache go with the session; a refusal FORBIDDEN forgets what was refused
  // (refused-access.ts). This link is also every workspace client's (tenant-client.ts).
  const refusals = new ErrorLink(({ error, operation }) => {
    const unauthenticated =
      (CombinedGraphQLErrors.is(error) &&
        error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) ||
      (ServerError.is(error) && error.statusCode === 401);
    if (unauthenticated) onUnauthenticated();
    else if (isForbidden(error)) forgetRefused(operation.client, client, error, operation.operationName);
  });
  const bearer = new ApolloLink((operation, forward) => {
    operation.setContext(({ headers }: { headers?: Record<string, string> }) => ({
      headers: { ...headers, authorization: `Bearer ${accessToken()}` },
    }));
    return forward(operation);
  });
  const client = new ApolloClient({
    link: ApolloLink.from([
      refusals,
      bearer,
      byDocumentId,
      new HttpLink({ uri: '/graphql', headers: CLIENT_HEADERS }),
    ]),
    // A month's board has no id: pages and a cell's detail read different fields of the same
    // `closeBoard(year, month)`, and merge there rather than replace each other. A firm member is
    // one person of one firm, known by their user id: a membership mutation's answer replaces
    // that member wherever a page of members shows them.
    cache: new InMemoryCache({
      typePolicies: { CloseBoard: { merge: true }, FirmMember: { keyFields: ['userId'] } },
    }),
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
  });
  return client;
}
