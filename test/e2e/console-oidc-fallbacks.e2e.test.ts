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
 * The console at an OpenID provider that issues no refresh tokens and has no end-session
 * endpoint (issue 15 §2's edge cases): the session lasts until the access token expires — the
 * page's clock is moved, never waited for — and then the person is asked to sign in again
 * (SESSION_EXPIRED), with no renewal attempted; Sign out ends the session in the tab and comes back
 * to the sign-in page without going to the provider.
 */
let provider: TestProvider;
let t: TestStack;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  provider = await startTestProvider(
    { 'senior@demo.firm': { name: 'Sergio Senior' } },
    { refreshTokens: false, endSession: false },
  );
  t = await startTestStack({
    console: true,
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

/** The user oidc-client-ts keeps in the tab (null when none), and the localStorage keys. */
const stored = (page: Page) =>
  page.evaluate<{
    local: string[];
    user: { access_token: string; refresh_token?: string; expires_at: number } | null;
  }>(`(() => {
    const key = Object.keys(window.sessionStorage).find((k) => k.startsWith('cifra.oidc.user:'));
    return { local: Object.keys(window.localStorage), user: key ? JSON.parse(window.sessionStorage.getItem(key)) : null };
  })()`);

const toProvider = (page: Page) =>
  page.getByRole('button', { name: 'Sign in with the firm’s identity provider' });

/** From the console's sign-in page through the provider's login (and consent, the first time). */
async function signIn(page: Page): Promise<void> {
  await toProvider(page).click();
  const login = page.locator('input[name="login"]');
  const signedIn = page.getByTestId('signed-in-as');
  await login.or(signedIn).first().waitFor(WAIT);
  if (await login.isVisible()) {
    await login.fill('senior@demo.firm');
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    const consent = page.getByRole('button', { name: 'Continue' });
    await consent.or(signedIn).first().waitFor(WAIT);
    if (await consent.isVisible()) await consent.click();
  }
  await expect.poll(() => signedIn.textContent(), WAIT).toContain('Sergio Senior');
}

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name });

describe('a provider without refresh tokens or end-session endpoint', () => {
  it('says so in its discovery document', async () => {
    const discovery = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as {
      end_session_endpoint?: string;
    };
    expect(discovery.end_session_endpoint).toBeUndefined();
  });

  it('keeps the person signed in until the token expires, then asks them to sign in again (SESSION_EXPIRED)', async () => {
    const { page, problems } = await openPage(browser);
    await page.route(/fonts\.googleapis\.com/, (r) => r.abort());
    await page.clock.install();
    await page.goto(`${origin}/exceptions`);
    await signIn(page);
    const first = await stored(page);
    expect(first.user?.access_token).toBeTruthy();
    // No refresh token was issued: only the code was exchanged.
    expect(first.user?.refresh_token).toBeUndefined();
    expect(provider.grants).toEqual(['authorization_code']);
    expect(first.local).toEqual([]);

    // Two minutes before expiry (past oidc-client-ts's "expiring" notice, a minute before it):
    // still signed in, the same token, and the screens still answer.
    const left = first.user!.expires_at * 1000 - (await page.evaluate<number>('Date.now()'));
    expect(left).toBeGreaterThan(5 * 60_000);
    await page.clock.fastForward(left - 2 * 60_000);
    await nav(page, 'Close board').click();
    await expect.poll(() => page.locator('table.board tbody tr').count(), WAIT).toBe(5);
    await page.clock.fastForward(90_000);
    expect((await stored(page)).user?.access_token).toBe(first.user!.access_token);
    await expect(page.getByTestId('signed-in-as').isVisible()).resolves.toBe(true);
    expect(provider.grants).toEqual(['authorization_code']);
    // Nor a renewal in a hidden iframe (prompt=none), which the page's CSP would block.
    expect(page.frames()).toHaveLength(1);

    // Past the expiry: back at sign-in, saying why, the stored user gone; nothing renewed.
    await page.clock.fastForward(60_000);
    await expect
      .poll(() => page.getByTestId('sign-in-notice').textContent(), WAIT)
      .toMatch(/^SESSION_EXPIRED: /);
    expect((await stored(page)).user).toBeNull();
    expect(provider.grants).toEqual(['authorization_code']);
    await expectAccessible(page, 'sign-in after the session expired');
    await shoot(page, 'oidc-04-session-expired');

    // Signing in again works.
    await signIn(page);
    expect((await stored(page)).user?.access_token).toBeTruthy();
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('signs out in the tab only: the session gone, back at sign-in, the provider never visited', async () => {
    const { page, problems } = await openPage(browser);
    await page.route(/fonts\.googleapis\.com/, (r) => r.abort());
    await page.goto(`${origin}/`);
    await signIn(page);
    expect((await stored(page)).user).not.toBeNull();

    const toTheProvider: string[] = [];
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame() && f.url().startsWith(provider.issuer)) toTheProvider.push(f.url());
    });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await toProvider(page).waitFor(WAIT);
    expect(new URL(page.url()).origin).toBe(origin);
    expect(toTheProvider).toEqual([]);
    expect(await page.getByTestId('signed-in-as').count()).toBe(0);
    expect((await stored(page)).user).toBeNull();
    // A reload stays signed out: nothing was left in the tab to sign in with.
    await page.reload();
    await toProvider(page).waitFor(WAIT);
    expect(await page.getByTestId('signed-in-as').count()).toBe(0);
    await expectAccessible(page, 'sign-in after signing out locally');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
