/**
 * `pnpm bench gateway`: the bare engine. `@apollo/gateway` behind Apollo Server's standalone HTTP
 * server, with the same supergraph as cifraHQ's gateway, whose only job is to forward one header
 * (the signed context the bench made) to the subgraph — no authentication, no access, no
 * signature, no perimeter. Subgraph requests go through Node's own fetch, as cifraHQ's do, so what
 * it costs beside cifraHQ's gateway is the engine, not the HTTP client.
 *
 * Plain JavaScript run by `node` (no TypeScript compiler in the process, like the compiled
 * services). Argv: `{ "supergraphPath": …, "header": … }` as JSON; prints `{ "url": … }` once it
 * serves; stops on SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

process.env.APOLLO_TELEMETRY_DISABLED = 'true';
const { supergraphPath, header } = JSON.parse(process.argv[2] ?? '{}');

const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(supergraphPath, 'utf8'),
  buildService: ({ url }) =>
    new RemoteGraphQLDataSource({
      url,
      fetcher: (target, init) => fetch(target, init),
      willSendRequest({ request, context }) {
        const value = context.headers?.[header];
        if (typeof value === 'string') request.http?.headers.set(header, value);
      },
    }),
});
const server = new ApolloServer({ gateway, stopOnTerminationSignals: false });
const { url } = await startStandaloneServer(server, {
  listen: { port: 0, host: '127.0.0.1' },
  context: async ({ req }) => ({ headers: req.headers }),
});
process.stdout.write(`${JSON.stringify({ url })}\n`);
process.once('SIGTERM', () => {
  void server.stop().finally(() => process.exit(0));
});
