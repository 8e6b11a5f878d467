import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContinue } from '../support/raw-http.ts';
import { startAnotherGateway, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Stopping (Ctrl-C, SIGTERM: ops/src/shutdown.ts) drains: no new connection is taken, the requests
 * in flight are answered, and what is still unanswered after the drain's bound is cut. A request
 * is held in flight deterministically with `Expect: 100-continue`: the gateway has admitted it
 * (said 100) and waits for its body, which the test sends only once the stop has begun.
 */
let t: TestStack;
let closed = false;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => (closed ? undefined : t?.close()));

const ACCOUNTS = JSON.stringify({ query: '{ accounts { code } }' });
const headers = () => ({
  'content-type': 'application/json',
  authorization: `Bearer ${t.token('client')}`,
  'x-tenant': 'cafe-boquete',
});

/** Whether a new connection to `url`'s port is refused (the server no longer listens). */
function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

async function untilRefused(url: string): Promise<void> {
  while (!(await refused(url))) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('a shutdown drains the requests in flight', () => {
  it('cuts a request still unanswered after the drain bound, and stops', async () => {
    const gateway = await startAnotherGateway(t, {}, 200);
    let stopping: Promise<void> | undefined;
    // The body is never sent: the request stays in flight until the drain gives up on it.
    const answer = expectContinue(gateway.url, headers(), ACCOUNTS, async () => {
      stopping = gateway.close();
      await new Promise(() => undefined);
    });
    await expect(answer).rejects.toThrow(/closed before a whole answer/);
    await stopping;
    expect(await refused(gateway.url)).toBe(true);
  });

  it('answers a request in flight through the gateway and the subgraphs while the whole stack stops', async () => {
    let stopping: Promise<void> | undefined;
    const answer = await expectContinue(t.stack.gatewayUrl, headers(), ACCOUNTS, async () => {
      // The stack stops its gateway first, then the subgraphs, the worker and the pools: the
      // admitted request's body arrives only once the gateway takes no new connection.
      stopping = t.close();
      closed = true;
      await untilRefused(t.stack.gatewayUrl);
    });
    expect(answer).toMatchObject({ status: 200, continued: true });
    expect(answer.body.errors).toBeUndefined();
    expect((answer.body.data as { accounts: unknown[] }).accounts.length).toBeGreaterThan(10);
    await stopping;
    expect(await refused(t.stack.subgraphUrls.ledger as string)).toBe(true);
  });
});
