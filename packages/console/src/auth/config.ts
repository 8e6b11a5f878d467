/**
 * How this gateway signs people in (`GET /auth/config`, gateway/src/console-sign-in.ts): its local
 * issuer (the embedded demo), the firm's OpenID provider, or neither.
 */
export type SignInConfig =
  | { mode: 'local' }
  | { mode: 'oidc'; issuer: string; clientId: string; redirectUri: string | null; scopes: string }
  | { mode: 'none'; message: string };

/** The console's page the provider sends the browser back to (the gateway's CONSOLE_OIDC_CALLBACK_PATH). */
export const CALLBACK_PATH = '/signin-callback';

export async function fetchSignInConfig(): Promise<SignInConfig> {
  const r = await fetch('/auth/config', { headers: { accept: 'application/json' } });
  if (!r.ok) throw new Error(`HTTP_${r.status}: the gateway did not say how to sign in.`);
  const body = (await r.json()) as Partial<SignInConfig>;
  if (body.mode === 'local' || body.mode === 'oidc' || body.mode === 'none') return body as SignInConfig;
  throw new Error('The gateway answered /auth/config with something unreadable.');
}
