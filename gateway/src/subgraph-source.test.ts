import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ContextSigner, generateContextKeys } from '@cifra/context';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchLanes } from './fetch-lanes.ts';
import type { GatewayContext } from './gateway-context.ts';
import { type SubgraphClient, subgraphClient } from './subgraph-http.ts';
import { SubgraphSource } from './subgraph-source.ts';

/**
 * A fetch that waits for its turn (a connection, or its client's share) is signed when it leaves,
 * not before: the wait cannot outlast its context. The order is the subgraph's: its first answer
 * is held until the test lets it go.
 */
let server: Server;
let url: string;
let client: SubgraphClient;
/** The contexts the subgraph received, in order, and its answers, held until `answer(i)`. */
const arrived: string[] = [];
const held: ServerResponse[] = [];
let arrival: () => void = () => {};

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      arrived.push(String(req.headers['x-cifra-context']));
      held.push(res);
      arrival();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  // One connection: a second fetch waits for it.
  client = subgraphClient(url, 1);
});
afterAll(async () => {
  await client.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const answer = (i: number) =>
  held[i]?.setHeader('content-type', 'application/json').end('{"data":{"ok":true}}');
const nextArrival = () => new Promise<void>((resolve) => (arrival = resolve));

const access: NonNullable<GatewayContext['access']> = {
  requestId: 'r1',
  userId: '00000000-0000-4000-8000-000000000001',
  email: 'senior@demo.firm',
  tenant: { id: '00000000-0000-4000-8000-000000000002', slug: 'cafe-boquete' },
  permissions: [],
  firm: { id: '00000000-0000-4000-8000-000000000003', role: null, permissions: [] },
  client: { name: null, version: null },
};

describe('a subgraph fetch waiting for a connection', () => {
  it('is signed only when it leaves', async () => {
    const signer = await ContextSigner.fromJwk((await generateContextKeys()).privateJwk);
    const signedAt: number[] = [];
    const counting = {
      sign: (ctx: typeof access, subgraph: string) => {
        signedAt.push(arrived.length);
        return signer.sign(ctx, subgraph);
      },
    } as ContextSigner;
    const source = new SubgraphSource(
      { url },
      'ledger',
      counting,
      undefined,
      client.fetcher,
      new FetchLanes(1, { perClient: 8, waitMs: 60_000 }),
    );
    const fetch = () =>
      source.process({
        // GraphQLDataSourceRequestKind.INCOMING_OPERATION, which @apollo/gateway does not export.
        kind: 'incoming operation',
        request: { query: '{ ok }' },
        context: { access },
        incomingRequestContext: {},
      } as unknown as Parameters<SubgraphSource['process']>[0]);
    const firstArrived = nextArrival();
    const first = fetch();
    await firstArrived;
    const secondArrived = nextArrival();
    const second = fetch();
    // The second waits for the first, unsigned, however long that takes.
    await new Promise((resolve) => setImmediate(resolve));
    expect(signedAt).toEqual([0]);
    answer(0);
    expect(await first).toMatchObject({ data: { ok: true } });
    await secondArrived;
    // Signed after the first was answered, and then sent at once.
    expect(signedAt).toEqual([0, 1]);
    answer(1);
    expect(await second).toMatchObject({ data: { ok: true } });
    expect(new Set(arrived).size).toBe(2);
  });
});
