import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { calledOrigins, consoleConnectOrigins } from '../src/console-sign-in.ts';

/**
 * The origins the console's page may call when it signs in with OIDC (`connect-src`), read from
 * the provider's discovery document: the token endpoint may be on another origin than the issuer.
 */
const quiet = { warn: () => undefined } as never;
let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** An issuer whose discovery document is whatever `answer` returns at the moment it is asked. */
async function issuerAnswering(answer: () => { status: number; body?: unknown }): Promise<string> {
  server = createServer((req, res) => {
    const { status, body } = answer();
    if (req.url !== '/.well-known/openid-configuration') return void res.writeHead(404).end();
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const oidc = (issuer: string) =>
  ({ mode: 'oidc', issuer, clientId: 'c', redirectUri: null, scopes: 'openid' }) as const;

describe('the console page’s connect origins', () => {
  it('are the issuer’s and those of the endpoints the page calls, each once, http(s) only', () => {
    expect(
      calledOrigins('https://id.example', {
        token_endpoint: 'https://tokens.example/oauth/token',
        userinfo_endpoint: 'https://id.example/userinfo',
        revocation_endpoint: 'javascript:alert(1)',
        jwks_uri: 'https://keys.example/jwks',
        end_session_endpoint: 'https://logout.example/end',
      }),
    ).toEqual(['https://id.example', 'https://tokens.example']);
    expect(
      calledOrigins('https://id.example', { token_endpoint: 42, userinfo_endpoint: 'not a url' }),
    ).toEqual(['https://id.example']);
  });

  it('are none without OIDC', async () => {
    expect(await consoleConnectOrigins({ mode: 'local' }, quiet)()).toEqual([]);
  });

  it('fall back to the issuer’s while discovery fails, and follow it once it answers', async () => {
    let answer: { status: number; body?: unknown } = { status: 503 };
    const issuer = await issuerAnswering(() => answer);
    const origins = consoleConnectOrigins(oidc(issuer), quiet);
    expect(await origins()).toEqual([issuer]);
    answer = { status: 200, body: { token_endpoint: 'https://tokens.example/token' } };
    // Within the retry delay the last known origins stand: a failing provider is not asked again
    // for every page.
    expect(await origins()).toEqual([issuer]);
  });

  it('read discovery once for pages asked at the same time', async () => {
    let reads = 0;
    const issuer = await issuerAnswering(() => {
      reads += 1;
      return { status: 200, body: { token_endpoint: 'https://tokens.example/token' } };
    });
    const origins = consoleConnectOrigins(oidc(issuer), quiet);
    const all = await Promise.all([origins(), origins(), origins()]);
    expect(all).toEqual(Array(3).fill([issuer, 'https://tokens.example']));
    expect(await origins()).toEqual([issuer, 'https://tokens.example']);
    expect(reads).toBe(1);
  });
});
