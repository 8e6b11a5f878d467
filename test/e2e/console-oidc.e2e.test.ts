import { readConsoleDocuments } from '@cifra/ops';
import { importJWK, SignJWT } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchChromium, openPage, shoot, WAIT } from '../support/console-browser.ts';
import {
  API_AUDIENCE,
  CONSOLE_CLIENT_ID,
  startTestProvider,
  type TestProvider,
} from '../support/oidc-provider.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The console signing in at a real OpenID provider (oidc-provider on loopback): the stack
 * verifies that provider's tokens (AUTH_ISSUER) and offers no local sign-in; the console goes
 * through the provider's login and consent pages (authorization code + PKCE), keeps nothing in
 * localStorage, renews its token with the refresh token, signs out at the provider, and goes back
 * to sign-in with a message when the gateway refuses its token.
 */
let provider: TestProvider;
let t: TestStack;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  provider = await startTestProvider({ 'senior@demo.firm': { name: 'Sergio Senior' } });
  t = await startTestStack({
    console: true,
    // The console runs on its trusted documents alone (it sends every operation by id).
    perimeter: { staffTrustedDocumentsOnly: true },
    externalAuth: {
      auth: { kind: 'oidc', issuer: provider.issuer, jwksUrl: provider.jwksUrl, audience: API_AUDIENCE },
      consoleOidc: { clientId: CONSOLE_CLIENT_ID, scopes: 'openid profile email offline_access' },
    },
  });
  origin = t.stack.gatewayUrl.replace(/\/graphql$/, '');
  provider.serve(origin);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await provider?.close();
});

/** What the console keeps in the tab: every storage key, and the access token oidc-client-ts holds. */
const storage = (page: Page) =>
  page.evaluate<{ local: string[]; session: string[]; accessToken: string | null }>(`(() => {
    const session = Object.keys(window.sessionStorage);
    const userKey = session.find((k) => k.startsWith('cifra.oidc.user:'));
    const user = userKey ? JSON.parse(window.sessionStorage.getItem(userKey)) : null;
    return { local: Object.keys(window.localStorage), session, accessToken: user ? user.access_token : null };
  })()`);

/** The provider's development login and consent pages, as a person fills them in. */
async function signInAtProvider(page: Page, email: string): Promise<void> {
  await page.locator('input[name="login"]').waitFor(WAIT);
  expect(new URL(page.url()).origin).toBe(provider.issuer);
  await page.locator('input[name="login"]').fill(email);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name });

/** `me` as the console asks it: by its trusted document's id (staff may send no text here). */
const ME_ID = Object.entries(readConsoleDocuments()).find(([, q]) => q.startsWith('query ConsoleMe '))?.[0];
const me = async (token: string) => {
  const r = await fetch(t.stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ documentId: ME_ID }),
  });
  return { status: r.status, ...((await r.json()) as { data?: { me: { email: string } } }) };
};

describe('OpenID Connect sign-in (AUTH_ISSUER)', () => {
  it("tells the console to sign in at the provider, and allows the page only that provider's origins", async () => {
    const config = await fetch(`${origin}/auth/config`);
    expect(config.headers.get('cache-control')).toBe('no-store');
    expect(await config.json()).toEqual({
      mode: 'oidc',
      issuer: provider.issuer,
      clientId: CONSOLE_CLIENT_ID,
      redirectUri: null,
      scopes: 'openid profile email offline_access',
    });
    // The local issuer's people are not offered, and cannot be had.
    expect((await fetch(`${origin}/auth/local/users`)).status).toBe(404);
    const csp = (await fetch(`${origin}/`)).headers.get('content-security-policy') ?? '';
    // The issuer's origin (discovery) and its token endpoint's, which is another one.
    expect(provider.tokenOrigin).not.toBe(provider.issuer);
    expect(csp).toContain(`connect-src 'self' ${provider.issuer} ${provider.tokenOrigin};`);
    expect(csp).not.toMatch(/frame-src|connect-src[^;]*\*/);
  });

  it('signs in through the provider, keeps nothing in localStorage, renews silently and signs out', async () => {
    const { page, problems } = await openPage(browser);
    // The provider's pages import a web font: this network is closed, fail it at once.
    await page.route(/fonts\.googleapis\.com/, (r) => r.abort());
    // The renewal is triggered by moving the page's clock, never by waiting for it.
    await page.clock.install();
    await page.goto(`${origin}/exceptions`);
    const toProvider = page.getByRole('button', { name: 'Sign in with the firm’s identity provider' });
    await toProvider.waitFor(WAIT);
    expect(await page.getByRole('list', { name: 'People of the firm' }).count()).toBe(0);
    await expectAccessible(page, 'sign-in with a provider');
    await shoot(page, 'oidc-01-sign-in');
    await toProvider.click();

    await signInAtProvider(page, 'senior@demo.firm');
    await expect.poll(() => page.getByTestId('signed-in-as').textContent(), WAIT).toContain('Sergio Senior');
    // Back where the person started, with the callback's code and state gone from the address.
    expect(new URL(page.url()).pathname).toBe('/exceptions');
    await nav(page, 'Close board').click();
    await expect.poll(() => page.locator('table.board tbody tr').count(), WAIT).toBe(5);
    await shoot(page, 'oidc-02-close-board');
    expect(provider.grants).toEqual(['authorization_code']);
    // The code was exchanged at the token endpoint's own origin, allowed by the page's CSP.
    expect(provider.tokenRequests).toContain('POST /token');

    const first = await storage(page);
    expect(first.local).toEqual([]);
    expect(first.session.every((k) => k.startsWith('cifra.oidc.'))).toBe(true);
    expect(first.accessToken).toBeTruthy();
    expect((await me(first.accessToken as string)).data?.me.email).toBe('senior@demo.firm');

    // Silent renewal: an hour on the page's clock brings the token to its expiry notice; the
    // console uses its refresh token (no iframe) and sends the new token from then on.
    await page.clock.fastForward('59:30');
    await expect.poll(async () => (await storage(page)).accessToken, WAIT).not.toBe(first.accessToken);
    expect(provider.grants).toEqual(['authorization_code', 'refresh_token']);
    const renewed = (await storage(page)).accessToken as string;
    expect((await me(renewed)).data?.me.email).toBe('senior@demo.firm');
    const sent = page.waitForRequest((r) => r.url().endsWith('/graphql'));
    await nav(page, 'Exceptions').click();
    expect((await sent).headers().authorization).toBe(`Bearer ${renewed}`);
    // By its trusted document's id, never its text.
    const body = (await sent).postDataJSON() as { query?: string; extensions?: { persistedQuery?: object } };
    expect(body.query).toBeUndefined();
    expect(body.extensions?.persistedQuery).toMatchObject({ version: 1, sha256Hash: expect.any(String) });
    expect((await storage(page)).local).toEqual([]);

    // Sign out at the provider (its end-session confirmation), back to the console's sign-in.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await toProvider.waitFor(WAIT);
    expect((await storage(page)).accessToken).toBeNull();
    // The provider's session is over: signing in again asks for the login, not a silent return.
    await page.goto(`${origin}/`);
    await toProvider.click();
    await page.locator('input[name="login"]').waitFor(WAIT);
    expect(problems).toEqual([]);
  });

  it('sends the person back to sign-in with a message when the gateway refuses the token', async () => {
    const { page, problems } = await openPage(browser);
    await page.route(/fonts\.googleapis\.com/, (r) => r.abort());
    // A callback the console did not start (a forged or replayed redirect) signs no one in.
    await page.goto(`${origin}/signin-callback?code=forged&state=nobody-sent-this`);
    await expect
      .poll(() => page.getByTestId('sign-in-notice').textContent(), WAIT)
      .toMatch(/^SIGN_IN_FAILED: /);
    expect(new URL(page.url()).pathname).toBe('/');
    expect((await storage(page)).accessToken).toBeNull();
    await page.getByRole('button', { name: 'Sign in with the firm’s identity provider' }).click();
    await signInAtProvider(page, 'senior@demo.firm');
    await page.getByTestId('signed-in-as').waitFor(WAIT);
    // The stored token is spoilt (as a revoked or foreign one would be): the gateway answers 401.
    await page.evaluate(`(() => {
      const key = Object.keys(window.sessionStorage).find((k) => k.startsWith('cifra.oidc.user:'));
      const user = JSON.parse(window.sessionStorage.getItem(key));
      user.access_token = user.access_token.slice(0, -4) + 'AAAA';
      window.sessionStorage.setItem(key, JSON.stringify(user));
    })()`);
    await page.reload();
    const notice = page.getByTestId('sign-in-notice');
    await expect.poll(() => notice.textContent(), WAIT).toMatch(/^UNAUTHENTICATED: the gateway refused/);
    expect((await storage(page)).accessToken).toBeNull();
    await expectAccessible(page, 'sign-in after a refused token');
    await shoot(page, 'oidc-03-refused');
    // Signing in again works: the provider still knows the person, and asks nothing.
    await page.getByRole('button', { name: 'Sign in with the firm’s identity provider' }).click();
    await expect.poll(() => page.getByTestId('signed-in-as').textContent(), WAIT).toContain('Sergio Senior');
    expect(problems).toEqual([]);
  });
});

describe('the gateway with an external issuer', () => {
  /** A token signed with the provider's own key, with the claims given. */
  const forge = async (claims: { iss: string; aud: string }) =>
    new SignJWT({ email: 'senior@demo.firm', email_verified: true })
      .setProtectedHeader({ alg: 'RS256', kid: provider.privateJwk.kid })
      .setSubject('senior@demo.firm')
      .setIssuer(claims.iss)
      .setAudience(claims.aud)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(await importJWK(provider.privateJwk, 'RS256'));

  const call = async (token: string) =>
    fetch(t.stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ documentId: ME_ID }),
    });

  it('accepts the provider’s key with its issuer and audience', async () => {
    const r = await call(await forge({ iss: provider.issuer, aud: API_AUDIENCE }));
    expect(r.status).toBe(200);
    expect(((await r.json()) as { data: { me: { email: string } } }).data.me.email).toBe('senior@demo.firm');
  });

  it('refuses the same key with another issuer or another audience: 401 with WWW-Authenticate', async () => {
    for (const claims of [
      { iss: 'https://elsewhere.example', aud: API_AUDIENCE },
      { iss: provider.issuer, aud: 'https://another-api.example/' },
    ]) {
      const r = await call(await forge(claims));
      expect(r.status, JSON.stringify(claims)).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer realm="cifra", error="invalid_token"');
    }
  });

  it('refuses the local issuer’s demo tokens', async () => {
    const r = await call(t.token('senior'));
    expect(r.status).toBe(401);
  });
});
