import { CONTEXT_HEADER, ContextSigner } from '@cifra/context';
import { control } from '@cifra/db';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, resolveAccess } from '@cifra/gateway';
import { eq } from 'drizzle-orm';
import { importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, gql } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.close());

/** A token from the stack's own issuer, with exactly the timing claims given. */
async function token(claims: { iat?: number; exp?: number; email_verified?: boolean | string }) {
  let jwt = new SignJWT({
    email: 'senior@demo.firm',
    ...(claims.email_verified === undefined ? {} : { email_verified: claims.email_verified }),
  })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setSubject('senior@demo.firm');
  if (claims.iat !== undefined) jwt = jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt = jwt.setExpirationTime(claims.exp);
  return jwt.sign(await importJWK(t.stack.authPrivateJwk, 'EdDSA'));
}

const now = () => Math.floor(Date.now() / 1000);
const HOUR = 3_600;

describe('user tokens', () => {
  it('accepts a token that expires within the maximum lifetime', async () => {
    const r = await gql(
      t.stack.gatewayUrl,
      await token({ iat: now(), exp: now() + 12 * HOUR }),
      'cafe-boquete',
    )('{ accounts { code } }');
    expect(r.errors).toBeUndefined();
  });

  it('accepts a verified email, whether the provider says so as a boolean or a string', async () => {
    for (const verified of [true, 'true']) {
      const r = await gql(
        t.stack.gatewayUrl,
        await token({ iat: now(), exp: now() + HOUR, email_verified: verified }),
        'cafe-boquete',
      )('{ accounts { code } }');
      expect(r.errors).toBeUndefined();
    }
  });

  it.each([
    ['without exp', { iat: now() }],
    ['living 48 hours (the maximum is 24)', { iat: now(), exp: now() + 48 * HOUR }],
    ['without iat and expiring in 48 hours', { exp: now() + 48 * HOUR }],
    ['issued an hour in the future', { iat: now() + HOUR, exp: now() + 2 * HOUR }],
    [
      'whose provider says the email is not verified',
      { iat: now(), exp: now() + HOUR, email_verified: false },
    ],
    // Some providers send the claim as a string.
    [
      'whose provider says "false" for the email being verified',
      { iat: now(), exp: now() + HOUR, email_verified: 'false' },
    ],
  ])('refuses a token %s with UNAUTHENTICATED and WWW-Authenticate', async (_what, claims) => {
    const res = await fetch(t.stack.gatewayUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await token(claims)}`,
        'x-tenant': 'cafe-boquete',
      },
      body: JSON.stringify({ query: '{ accounts { code } }' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="cifra", error="invalid_token"');
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('signed contexts', () => {
  async function context(subgraph: string, ttlSeconds?: number) {
    const signer = await ContextSigner.fromJwk(t.stack.gatewayKeys.contextPrivateJwk, ttlSeconds);
    const access = await resolveAccess(t.stack.control.db, 'senior@demo.firm', 'cafe-boquete', {
      name: null,
      version: null,
    });
    return signer.sign(access, subgraph);
  }
  const ask = (subgraph: string, header: string) =>
    fetch(t.stack.subgraphUrls[subgraph] as string, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CONTEXT_HEADER]: header },
      body: JSON.stringify({
        query:
          subgraph === 'ledger'
            ? '{ accounts { code } }'
            : '{ fiscalYearsConnection { edges { node { year } } } }',
      }),
    });

  it('is accepted once, by the subgraph it was signed for', async () => {
    const header = await context('ledger');
    expect((await ask('ledger', header)).status).toBe(200);
    // A captured header replayed, even a moment later, opens nothing.
    expect((await ask('ledger', header)).status).toBe(401);
  });

  it('is refused by every other subgraph', async () => {
    const header = await context('ledger');
    expect((await ask('period', header)).status).toBe(401);
  });

  it('is refused once expired', async () => {
    expect((await ask('ledger', await context('ledger', -60))).status).toBe(401);
  });

  it('is signed per fetch by the gateway, so a query across subgraphs still works', async () => {
    const [tenant] = await t.stack.control.db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.slug, 'cafe-boquete'));
    expect(tenant).toBeDefined();
    const r = await t.as(
      'senior',
      'cafe-boquete',
    )(
      `{ accounts { code auditEvents(first: 1) { edges { node { id } } } } periods(fiscalYear: ${new Date().getUTCFullYear()}) { id } me { email } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(codes(r)).toEqual([]);
  });
});
