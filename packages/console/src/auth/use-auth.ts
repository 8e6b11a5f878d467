import type { User } from 'oidc-client-ts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { markStep } from '../page-marks.ts';
import { CALLBACK_PATH, fetchSignInConfig, type SignInConfig } from './config.ts';
import { clearSession, readSession, type Session, saveSession } from './local-session.ts';
import { completeSignIn, returnPathOf, usable, userManager } from './oidc.ts';

export type AuthState =
  | { status: 'loading' }
  /** `config` null: the gateway could not say how to sign in (`notice` says why). */
  | { status: 'signed-out'; config: SignInConfig | null; notice: string | null }
  /** `who` stays the same across a silent renewal (the person), `accessToken` does not. */
  | { status: 'signed-in'; config: SignInConfig; who: string; accessToken: string };

export const REFUSED_NOTICE =
  'UNAUTHENTICATED: the gateway refused your session’s token (expired, revoked or not for this gateway). Sign in again.';
const EXPIRED_NOTICE = 'SESSION_EXPIRED: your session ended and could not be renewed. Sign in again.';

const wordsOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * With the firm's OpenID provider: its renewals replace the access token and its expiry signs out
 * (followed until `follow`'s stop is called); at the callback the sign-in is completed and the
 * address put back where the person was, else the stored user resumes if still usable.
 */
async function resumeWithProvider(
  config: Extract<SignInConfig, { mode: 'oidc' }>,
  on: {
    atCallback: boolean;
    live: () => boolean;
    set: (next: AuthState) => void;
    renew: (accessToken: string) => void;
  },
  follow: (stop: () => void) => void,
): Promise<void> {
  const m = userManager(config);
  const renewed = (user: User) => on.renew(user.access_token);
  const expired = () => {
    void m.removeUser();
    on.set({ status: 'signed-out', config, notice: EXPIRED_NOTICE });
  };
  m.events.addUserLoaded(renewed);
  m.events.addAccessTokenExpired(expired);
  follow(() => {
    m.events.removeUserLoaded(renewed);
    m.events.removeAccessTokenExpired(expired);
  });
  const signedInAs = (user: User) =>
    on.set({ status: 'signed-in', config, who: user.profile.sub, accessToken: user.access_token });
  if (on.atCallback) {
    try {
      const user = await completeSignIn(m);
      if (on.live()) window.history.replaceState(null, '', returnPathOf(user));
      return signedInAs(user);
    } catch (err) {
      if (on.live()) window.history.replaceState(null, '', '/');
      return on.set({ status: 'signed-out', config, notice: `SIGN_IN_FAILED: ${wordsOf(err)}` });
    }
  }
  const user = await m.getUser();
  if (usable(user)) return signedInAs(user);
  on.set({ status: 'signed-out', config, notice: null });
}

/**
 * Who is signed in, and how to sign in and out, in the mode the gateway gives (`/auth/config`):
 * the local issuer's token in sessionStorage (./local-session.ts), or the firm's OpenID provider
 * through oidc-client-ts (./oidc.ts), whose silent renewals replace the access token in place.
 */
export function useAuth() {
  const [state, setState] = useState<AuthState>({ status: 'loading' });
  const configRef = useRef<SignInConfig | null>(null);

  useEffect(() => {
    let live = true;
    let unsubscribe = () => {};
    // Read before anything is awaited: an earlier run of this effect (React's strict mode runs it
    // twice) must not change the address under this one.
    const atCallback = window.location.pathname === CALLBACK_PATH;
    const set = (next: AuthState) => live && setState(next);
    const renew = (accessToken: string) => {
      if (live) setState((s) => (s.status === 'signed-in' ? { ...s, accessToken } : s));
    };
    (async () => {
      let config: SignInConfig;
      try {
        config = await fetchSignInConfig();
      } catch (err) {
        return set({ status: 'signed-out', config: null, notice: wordsOf(err) });
      }
      markStep('sign-in-config');
      configRef.current = config;
      if (config.mode !== 'oidc') {
        const session = config.mode === 'local' ? readSession() : null;
        return set(
          session
            ? { status: 'signed-in', config, who: session.accessToken, accessToken: session.accessToken }
            : { status: 'signed-out', config, notice: null },
        );
      }
      await resumeWithProvider(config, { atCallback, live: () => live, set, renew }, (stop) => {
        unsubscribe = stop;
      });
    })();
    return () => {
      live = false;
      unsubscribe();
    };
  }, []);

  /** The local issuer's token, chosen on the sign-in page. */
  const signedInLocally = useCallback((session: Session) => {
    const config = configRef.current;
    if (config?.mode !== 'local') return;
    saveSession(session);
    setState({ status: 'signed-in', config, who: session.accessToken, accessToken: session.accessToken });
  }, []);

  /** Off to the provider; back at CALLBACK_PATH, then to where the person was. */
  const signInWithProvider = useCallback(async () => {
    const config = configRef.current;
    if (config?.mode !== 'oidc') return;
    await userManager(config).signinRedirect({
      state: { returnTo: window.location.pathname + window.location.search },
    });
  }, []);

  const forget = useCallback(async (notice: string | null) => {
    const config = configRef.current;
    if (config?.mode === 'oidc') await userManager(config).removeUser();
    else clearSession();
    setState({ status: 'signed-out', config, notice });
  }, []);

  /** Sign out: at the provider too when it has an end-session endpoint, else here only. */
  const signOut = useCallback(async () => {
    const config = configRef.current;
    if (config?.mode === 'oidc') {
      try {
        await userManager(config).signoutRedirect();
        return;
      } catch {
        // No end-session endpoint (or it could not be read): the session ends in this tab.
      }
    }
    await forget(null);
  }, [forget]);

  /** The gateway refused the token (401): back to sign-in, saying so. */
  const refused = useCallback(() => void forget(REFUSED_NOTICE), [forget]);

  return { state, signedInLocally, signInWithProvider, signOut, refused };
}
