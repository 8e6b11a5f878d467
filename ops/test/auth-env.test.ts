import { describe, expect, it } from 'vitest';
import { ConfigError, consoleOidcOf, externalAuthOf, readEnv } from '../src/env.ts';

describe('the identity provider `pnpm start` verifies (AUTH_ISSUER)', () => {
  const provider = {
    AUTH_ISSUER: 'https://idp.example',
    AUTH_JWKS_URL: 'https://idp.example/jwks',
    AUTH_AUDIENCE: 'https://api.cifra.example/',
  };

  it('is the local issuer when AUTH_ISSUER is not set', () => {
    expect(externalAuthOf(readEnv({}))).toBeUndefined();
  });

  it('is the firm’s provider when AUTH_ISSUER is set, with the console’s client when configured', () => {
    expect(externalAuthOf(readEnv(provider))).toEqual({
      auth: {
        kind: 'oidc',
        issuer: provider.AUTH_ISSUER,
        jwksUrl: provider.AUTH_JWKS_URL,
        audience: provider.AUTH_AUDIENCE,
      },
      consoleOidc: undefined,
    });
    const withClient = externalAuthOf(
      readEnv({
        ...provider,
        CONSOLE_OIDC_CLIENT_ID: 'cifra-console',
        CONSOLE_OIDC_REDIRECT_URI: 'https://console.example/signin-callback',
      }),
    );
    expect(withClient?.consoleOidc).toEqual({
      clientId: 'cifra-console',
      redirectUri: 'https://console.example/signin-callback',
      scopes: 'openid profile email offline_access',
    });
  });

  it('refuses half a configuration rather than falling back to the local issuer', () => {
    expect(() => externalAuthOf(readEnv({ AUTH_ISSUER: provider.AUTH_ISSUER }))).toThrow(
      new ConfigError('AUTH_ISSUER needs AUTH_JWKS_URL and AUTH_AUDIENCE'),
    );
    expect(() => externalAuthOf(readEnv({ CONSOLE_OIDC_CLIENT_ID: 'cifra-console' }))).toThrow(
      /CONSOLE_OIDC_CLIENT_ID set without AUTH_ISSUER/,
    );
    expect(() => readEnv({ ...provider, CONSOLE_OIDC_REDIRECT_URI: 'not a url' })).toThrow();
  });

  it('gives the console’s scopes as configured', () => {
    expect(
      consoleOidcOf(readEnv({ CONSOLE_OIDC_CLIENT_ID: 'c', CONSOLE_OIDC_SCOPES: 'openid email' })),
    ).toEqual({ clientId: 'c', redirectUri: undefined, scopes: 'openid email' });
  });
});
