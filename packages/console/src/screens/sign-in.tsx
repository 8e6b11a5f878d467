import { useEffect, useState } from 'react';
import { Button } from 'react-aria-components';
import type { SignInConfig } from '../auth/config.ts';
import type { Session } from '../auth/local-session.ts';

interface LocalUser {
  email: string;
  displayName: string;
  role: string;
}

type Offer =
  | { kind: 'loading' }
  | { kind: 'local'; users: LocalUser[] }
  | { kind: 'oidc'; issuer: string }
  | { kind: 'none'; message: string }
  | { kind: 'error'; message: string };

/**
 * Sign-in, in the gateway's mode (`/auth/config`). With the embedded default's local issuer the
 * gateway lists the firm's people and mints a token for the one chosen (`/auth/local/*`, served
 * only in that mode). With the firm's OpenID provider, a button sends the person there (the list
 * of people is never asked for). `notice` says why the person is here again (a refused token).
 */
export function SignIn({
  config,
  notice,
  onSignedIn,
  onSignInWithProvider,
}: {
  config: SignInConfig | null;
  notice: string | null;
  onSignedIn: (session: Session) => void;
  onSignInWithProvider: () => Promise<void>;
}) {
  const [offer, setOffer] = useState<Offer>(() =>
    config === null
      ? { kind: 'error', message: notice ?? 'The gateway did not say how to sign in.' }
      : config.mode === 'oidc'
        ? { kind: 'oidc', issuer: config.issuer }
        : config.mode === 'none'
          ? { kind: 'none', message: config.message }
          : { kind: 'loading' },
  );
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    if (config?.mode !== 'local') return;
    let live = true;
    fetch('/auth/local/users', { headers: { accept: 'application/json' } })
      .then(async (r) => {
        if (!live) return;
        if (!r.ok) return setOffer({ kind: 'error', message: await describe(r) });
        const body = (await r.json()) as { users: LocalUser[] };
        setOffer({ kind: 'local', users: body.users });
      })
      .catch(
        () =>
          live && setOffer({ kind: 'error', message: 'NETWORK_ERROR: the gateway could not be reached.' }),
      );
    return () => {
      live = false;
    };
  }, [config]);

  const toProvider = async () => {
    setBusy('provider');
    setFailure(null);
    try {
      await onSignInWithProvider();
    } catch (err) {
      // Discovery failed (the provider unreachable, or its CSP origin wrong): say so, stay here.
      setFailure(`SIGN_IN_FAILED: ${err instanceof Error ? err.message : String(err)}`);
      setBusy(null);
    }
  };

  const signIn = async (email: string) => {
    setBusy(email);
    setFailure(null);
    try {
      const r = await fetch('/auth/local/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ email }),
      });
      if (!r.ok) return setFailure(await describe(r));
      const body = (await r.json()) as { access_token: string; expires_in: number };
      onSignedIn({
        accessToken: body.access_token,
        expiresAt: Math.floor(Date.now() / 1000) + body.expires_in,
      });
    } catch {
      setFailure('NETWORK_ERROR: the gateway could not be reached.');
    } finally {
      setBusy(null);
    }
  };

  return (
    <main className="sign-in" id="main">
      <h1>Sign in to cifraHQ</h1>
      {offer.kind === 'loading' && (
        <p role="status" className="loading">
          Loading sign-in…
        </p>
      )}
      {notice && config !== null && (
        <p role="alert" className="notice notice-error" data-testid="sign-in-notice">
          {notice}
        </p>
      )}
      {offer.kind === 'error' && (
        <p role="alert" className="notice notice-error">
          {offer.message}
        </p>
      )}
      {offer.kind === 'none' && <p className="notice">{offer.message}</p>}
      {offer.kind === 'oidc' && (
        <>
          <p>The firm signs people in with its identity provider ({new URL(offer.issuer).host}).</p>
          <Button className="button" onPress={toProvider} isDisabled={busy !== null}>
            Sign in with the firm’s identity provider
          </Button>
          {failure && (
            <p role="alert" className="notice notice-error">
              {failure}
            </p>
          )}
        </>
      )}
      {offer.kind === 'local' && (
        <>
          <p>
            This is the embedded demo: choose who to be. (A gateway with the firm's identity provider never
            offers this.)
          </p>
          {offer.users.length === 0 ? (
            <p className="notice">No one belongs to the firm yet.</p>
          ) : (
            <ul className="user-list" aria-label="People of the firm">
              {offer.users.map((u) => (
                <li key={u.email}>
                  <Button
                    className="button user-button"
                    onPress={() => signIn(u.email)}
                    isDisabled={busy !== null}
                  >
                    <span className="user-name">{u.displayName}</span>
                    <span className="user-email">{u.email}</span>
                    <span className="user-role">{u.role}</span>
                  </Button>
                </li>
              ))}
            </ul>
          )}
          {failure && (
            <p role="alert" className="notice notice-error">
              {failure}
            </p>
          )}
        </>
      )}
    </main>
  );
}

/** A refusal of /auth/local/*: its code and message when it sent one. */
async function describe(r: Response): Promise<string> {
  const body = (await r.json().catch(() => null)) as {
    errors?: { message?: string; extensions?: { code?: string } }[];
  } | null;
  const first = body?.errors?.[0];
  return first?.message
    ? `${first.extensions?.code ?? `HTTP_${r.status}`}: ${first.message}`
    : `HTTP_${r.status}`;
}
