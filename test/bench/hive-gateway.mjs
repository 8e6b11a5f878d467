/**
 * `pnpm bench gateway`: Hive Gateway's runtime (`@graphql-hive/gateway-runtime` and its HTTP
 * transport `@graphql-mesh/transport-http`, devDependencies of the bench alone) on Node's HTTP
 * server, with the same supergraph as cifraHQ's gateway, whose only job is to forward one header
 * (the signed context the bench made) to the subgraph. It exists only to be measured against:
 * another engine doing nothing but forwarding.
 *
 * Plain JavaScript run by `node`. Argv: `{ "supergraphPath": …, "header": … }` as JSON; prints
 * `{ "url": … }` once it serves; stops on SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import http from '@graphql-mesh/transport-http';

const { supergraphPath, header } = JSON.parse(process.argv[2] ?? '{}');

const runtime = createGatewayRuntime({
  supergraph: readFileSync(supergraphPath, 'utf8'),
  logging: false,
  // Given here: the runtime would import it by name from its own package, which pnpm does not let it see.
  transports: { http },
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => ({ [header]: request.headers.get(header) }),
  },
});
const server = createServer(runtime);
await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
const address = server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}/graphql` })}\n`);
process.once('SIGTERM', () => {
  server.close();
  void runtime.dispose().finally(() => process.exit(0));
});
