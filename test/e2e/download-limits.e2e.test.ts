import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientToday } from '../support/books-year.ts';
import { codes, gql } from '../support/client.ts';
import { type DemoUser, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Downloads by signed link (`GET /exports/:token`) are rate-limited like `/graphql`
 * (docs/architecture/gateway.md): a valid link draws from the download bucket of the person it
 * names, a link that fails verification from its source address's bucket; an empty bucket is 429
 * RATE_LIMITED with Retry-After, and nobody else is slowed.
 */
const DOWNLOAD_POINTS = 3;
const ANONYMOUS_POINTS = 4;
const year = clientToday().slice(0, 4);
let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({
    perimeter: {
      rateLimits: {
        store: 'memory',
        downloadPoints: DOWNLOAD_POINTS,
        anonymousPoints: ANONYMOUS_POINTS,
        windowSeconds: 600,
      },
    },
  });
});
afterAll(() => t?.close());

const EXPORT = `mutation($from: Date!, $to: Date!) {
  exportLedger(format: GL_CSV, from: $from, to: $to) { url } }`;

/** A signed link to a year of the client's general ledger, made by `who`. */
async function link(who: DemoUser, slug = 'cafe-boquete'): Promise<string> {
  const r = await t.as(who, slug)<{ exportLedger: { url: string } }>(EXPORT, {
    from: `${year}-01-01`,
    to: `${year}-12-31`,
  });
  expect(r.errors).toBeUndefined();
  return r.data?.exportLedger.url as string;
}

/** A download as a browser sends it: the link alone, no header. */
async function download(url: string) {
  const res = await fetch(url);
  const body = await res.text();
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    code:
      res.status === 200
        ? null
        : (JSON.parse(body) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
    body,
  };
}

describe('downloads by signed link', () => {
  it('are counted per person: past the limit 429 with Retry-After, and another person is not slowed', async () => {
    const url = await link('senior');
    for (let i = 0; i < DOWNLOAD_POINTS; i++) expect((await download(url)).status).toBe(200);
    const refused = await download(url);
    expect(refused).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    // A fresh link of the same person draws from the same bucket.
    expect((await download(await link('senior', 'ferreteria-colon'))).status).toBe(429);
    // Someone else downloads as before; and the person's GraphQL requests are another bucket.
    expect((await download(await link('admin'))).status).toBe(200);
    expect(codes(await t.as('senior', 'cafe-boquete')('{ accounts { code } }'))).toEqual([]);
  });

  it('that fail verification are counted per source address before they are refused', async () => {
    const forged = `${t.stack.gatewayUrl.replace(/\/graphql$/, '')}/exports/not.a.link`;
    for (let i = 0; i < ANONYMOUS_POINTS; i++)
      expect(await download(forged)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    const refused = await download(forged);
    expect(refused).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    // A valid link of someone with downloads left is not slowed by that address's flood.
    expect((await download(await link('reviewer'))).status).toBe(200);
    // A request without a valid token from that address is (the same bucket).
    expect((await gql(t.stack.gatewayUrl)('{ me { email } }')).status).toBe(429);
  });
});
