import { type User, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { CALLBACK_PATH, type SignInConfig } from './config.ts';

/**
 * Signing in at the firm's OpenID provider: authorization code + PKCE with oidc-client-ts.
 *
 * - Everything oidc-client-ts keeps — the user (access, ID and refresh tokens) and the pending
 *   sign-in's state and PKCE verifier — is in this tab's sessionStorage, never localStorage (its
 *   default for the state): a reload keeps the session, closing the tab ends it, other tabs and
 *   other sites' pages never see it. (Memory alone would lose the PKCE verifier across the
 *   redirect to the provider, and the session on every reload.)
 * - Silent renewal by refresh token (scope `offline_access`): a fetch to the token endpoint, which
 *   the page's CSP allows (the issuer's origin only). Renewal in a hidden iframe is not used: it
 *   needs the provider's session cookie in a third-party frame, which browsers now block, and a
 *   `frame-src` for the issuer. Without a refresh token the session ends when the access token
 *   expires, and the person signs in again. oidc-client-ts's own automatic renewal would fall
 *   back to that iframe when there is no refresh token (the page's CSP blocks it), so the console
 *   renews itself, and only with a refresh token (`renewWithRefreshTokenOnly`).
 * - No session-monitor iframe and no userinfo call: the tokens carry what the console needs.
 */
let manager: UserManager | undefined;

export function userManager(config: Extract<SignInConfig, { mode: 'oidc' }>): UserManager {
  if (manager) return manager;
  const origin = window.location.origin;
  manager = new UserManager({
    authority: config.issuer,
    client_id: config.clientId,
    redirect_uri: config.redirectUri ?? `${origin}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${origin}/`,
    response_type: 'code',
    scope: config.scopes,
    userStore: new WebStorageStateStore({ store: window.sessionStorage, prefix: 'cifra.oidc.' }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage, prefix: 'cifra.oidc.state.' }),
    automaticSilentRenew: false,
    monitorSession: false,
    loadUserInfo: false,
  });
  renewWithRefreshTokenOnly(manager);
  return manager;
}

/**
 * Before the access token expires (oidc-client-ts's "expiring" notice, a minute ahead), renew it
 * with the refresh token — never in an iframe: with no refresh token nothing is tried, and the
 * expiry ends the session (use-auth.ts: SESSION_EXPIRED). A refused renewal ends it the same way.
 */
function renewWithRefreshTokenOnly(m: UserManager): void {
  m.events.addAccessTokenExpiring(async () => {
    const user = await m.getUser();
    if (!user?.refresh_token) return;
    try {
      await m.signinSilent();
    } catch {
      // The provider refused the refresh token: the session ends at expiry.
    }
  });
}

/** The pending redirect's answer, handled once (React's strict mode runs effects twice). */
let callback: Promise<User> | undefined;
export function completeSignIn(m: UserManager): Promise<User> {
  callback ??= m.signinRedirectCallback();
  return callback;
}

/** Where the person was when they signed in, carried through the provider in the state. */
export function returnPathOf(user: User): string {
  const state = user.state as { returnTo?: unknown } | undefined;
  const to = typeof state?.returnTo === 'string' ? state.returnTo : '/';
  // Only a path of this console: never an absolute URL smuggled through the state.
  // A backslash after the slash is a second slash to a browser: `/\\host` goes to host.
  return /^\/(?![/\\])/.test(to) && !to.startsWith(CALLBACK_PATH) ? to : '/';
}

export const usable = (user: User | null): user is User =>
  user !== null && !user.expired && !!user.access_token;
