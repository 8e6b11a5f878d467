import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bomb } from '../support/bomb.ts';
import { codes, type GqlResult, gql } from '../support/client.ts';
import { startAnotherGateway, startTestStack, type TestStack } from '../support/stack.ts';

const PERSON_POINTS = 12;
const ANONYMOUS_POINTS = 5;
const shared = {
  rateLimits: {
    store: 'postgres' as const,
    personPoints: PERSON_POINTS,
    anonymousPoints: ANONYMOUS_POINTS,
    windowSeconds: 600,
  },
};

describe('rate limits shared by two gateway instances', () => {
  let t: TestStack;
  let second: Awaited<ReturnType<typeof startAnotherGateway>>;
  beforeAll(async () => {
    t = await startTestStack({ perimeter: shared });
    second = await startAnotherGateway(t, shared);
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('draws one person’s requests from one bucket whichever instance answers, then answers 429 with Retry-After', async () => {
    const viaFirst = gql(t.stack.gatewayUrl, t.token('junior'), 'cafe-boquete');
    const viaSecond = gql(second.url, t.token('junior'), 'cafe-boquete');
    for (let i = 0; i < PERSON_POINTS / 2; i++) {
      expect((await viaFirst('{ accounts { code } }')).errors).toBeUndefined();
      expect((await viaSecond('{ accounts { code } }')).errors).toBeUndefined();
    }
    const refused = await viaSecond('{ accounts { code } }');
    expect(refused.status).toBe(429);
    expect(codes(refused)).toEqual(['RATE_LIMITED']);
    const raw = await fetch(t.stack.gatewayUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${t.token('junior')}`,
        'x-tenant': 'cafe-boquete',
      },
      body: JSON.stringify({ query: '{ accounts { code } }' }),
    });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
    // Someone else is not affected.
    expect(
      (await gql(second.url, t.token('senior'), 'cafe-boquete')('{ accounts { code } }')).errors,
    ).toBeUndefined();
  });

  it('charges costlier operations more: one investigation costs ten reads', async () => {
    const senior = gql(t.stack.gatewayUrl, t.token('senior'), 'ferreteria-colon');
    const first = await senior('mutation { investigate(sql: "SELECT 1") { outcome } }');
    expect(first.errors).toBeUndefined();
    const second = await senior('mutation { investigate(sql: "SELECT 1") { outcome } }');
    expect(codes(second)).toEqual(['RATE_LIMITED']);
  });

  it('charges a costly field inside a fragment as much as a plain one', async () => {
    // Refused for its permissions when it runs, but charged before: 1 + 10 points each time.
    const client = gql(t.stack.gatewayUrl, t.token('client'), 'cafe-boquete');
    const named = `mutation { ...Probe } fragment Probe on Mutation { investigate(sql: "select 1") { __typename } }`;
    expect(codes(await client(named))).not.toContain('RATE_LIMITED');
    const inline = 'mutation { ... on Mutation { investigate(sql: "select 1") { __typename } } }';
    expect(codes(await client(inline))).toEqual(['RATE_LIMITED']);
  });

  it('charges a request by the size of its query text, even when it is refused before planning', async () => {
    const reviewer = gql(t.stack.gatewayUrl, t.token('reviewer'), 'cafe-boquete');
    // 87 KB of query text (within the length limit): 1 point and 1 more for its size, refused at
    // the parser all the same.
    const heavy = bomb(100, 70);
    expect(heavy.length).toBeGreaterThan(65_536);
    expect(heavy.length).toBeLessThan(100_000);
    for (let i = 0; i < PERSON_POINTS / 2; i++)
      expect(codes(await reviewer(heavy))).toEqual(['QUERY_TOO_COMPLEX']);
    const refused = await gql(second.url, t.token('reviewer'), 'cafe-boquete')('{ accounts { code } }');
    expect(refused.status).toBe(429);
    expect(codes(refused)).toEqual(['RATE_LIMITED']);
  });

  it('charges requests refused for access to the same bucket, before the control plane is asked', async () => {
    // A client that is not theirs (here: none at all) is FORBIDDEN, and paid for all the same.
    const elsewhere = gql(t.stack.gatewayUrl, t.token('admin'), 'no-such-client');
    for (let i = 0; i < PERSON_POINTS; i++)
      expect(codes(await elsewhere('{ __typename }'))).toEqual(['FORBIDDEN']);
    expect(codes(await elsewhere('{ __typename }'))).toEqual(['RATE_LIMITED']);
    // Their own client is drawn from the same bucket, on either instance.
    const own = await gql(second.url, t.token('admin'), 'cafe-boquete')('{ accounts { code } }');
    expect(own.status).toBe(429);
  });

  it('throttles requests without a valid token per source address', async () => {
    const anonymous = gql(second.url, 'not-a-token');
    for (let i = 0; i < ANONYMOUS_POINTS; i++)
      expect(codes(await anonymous('{ me { email } }'))).toEqual(['UNAUTHENTICATED']);
    const refused = await gql(t.stack.gatewayUrl)('{ me { email } }');
    expect(refused.status).toBe(429);
    expect(codes(refused)).toEqual(['RATE_LIMITED']);
    // Trusting no proxy (the default), an X-Forwarded-For the caller writes changes nothing.
    expect((await anonymousFrom(t.stack.gatewayUrl, '203.0.113.7')).status).toBe(429);
  });

  it('counts the address a trusted proxy forwarded, never one the caller wrote before it', async () => {
    // One proxy in front (TRUST_PROXY_HOPS=1): the address it appends is the caller's.
    const behind = await startAnotherGateway(t, {
      trustProxyHops: 1,
      rateLimits: { anonymousPoints: 2, windowSeconds: 600 },
    });
    try {
      const refusals = async (forwardedFor: string) => codes(await anonymousFrom(behind.url, forwardedFor));
      expect(await refusals('203.0.113.1')).toEqual(['UNAUTHENTICATED']);
      expect(await refusals('203.0.113.1')).toEqual(['UNAUTHENTICATED']);
      expect(await refusals('203.0.113.1')).toEqual(['RATE_LIMITED']);
      // Another caller behind the same proxy has a bucket of their own…
      expect(await refusals('203.0.113.2')).toEqual(['UNAUTHENTICATED']);
      // …and a caller cannot pick one by writing an address before the proxy's.
      expect(await refusals('198.51.100.9, 203.0.113.1')).toEqual(['RATE_LIMITED']);
    } finally {
      await behind.close();
    }
  });
});

/** A request with no valid token, as a proxy forwarding `forwardedFor` sends it. */
async function anonymousFrom(url: string, forwardedFor: string): Promise<GqlResult<unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ query: '{ me { email } }' }),
  });
  return { status: res.status, ...((await res.json()) as Omit<GqlResult<unknown>, 'status'>) };
}
