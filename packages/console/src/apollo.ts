import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { ErrorLink } from '@apollo/client/link/error';

/**
 * One Apollo Client per signed-in session, talking to the origin that served the console. Every
 * `id` the API returns is unique across clients and types, so the normalised cache cannot mix two
 * clients' objects; the firm-level screens of this slice name no client header.
 */
export function createApolloClient(accessToken: string, onUnauthenticated: () => void): ApolloClient {
  const signedOut = new ErrorLink(({ error }) => {
    const unauthenticated =
      (CombinedGraphQLErrors.is(error) &&
        error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) ||
      (ServerError.is(error) && error.statusCode === 401);
    if (unauthenticated) onUnauthenticated();
  });
  return new ApolloClient({
    link: ApolloLink.from([
      signedOut,
      new HttpLink({
        uri: '/graphql',
        headers: {
          authorization: `Bearer ${accessToken}`,
          'apollographql-client-name': 'cifra-console',
        },
      }),
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
}
