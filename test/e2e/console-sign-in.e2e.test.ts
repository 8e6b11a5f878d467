import { request } from 'node:http';
import os from 'node:os';
import { startGatewayService } from '@cifra/ops';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The console's sign-in with the embedded default's local issuer (gateway/src/local-sign-in.ts):
 * what it offers, what it mints, and where it can never be (docs/architecture/gateway.md).
 */
let t: TestStack;
let origin: string;

beforeAll(async () => {
  t = await startTestStack();
  origin = t.stack.gatewayUrl.replace(/\/graphql$/, '');
});
afterAll(() => t?.close());

interface Refusal {
  errors: { message: string; extensions: { code: string } }[];
}
const codeOf = async (r: Response) => ((await r.json()) as Refusal).errors[0]?.extensions.code;

const mint = (base: string, body: unknown, contentType = 'application/json') =>
  fetch(`${base}/auth/local/token`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/**
 * A request to the gateway on loopback naming another Host (and Origin): what a browser sends for
 * a page whose name an attacker's DNS rebinds to 127.0.0.1, which it then treats as same-origin.
 */
function asNamed(
  path: string,
  host: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; code: string | undefined }> {
  const { port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const method = body === undefined ? 'GET' : 'POST';
    const req = request(
      { host: '127.0.0.1', port, path, method, headers: { ...headers, host }, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          const refusal = text.startsWith('{"errors"') ? (JSON.parse(text) as Refusal) : undefined;
          resolve({ status: res.statusCode ?? 0, code: refusal?.errors[0]?.extensions.code });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('local sign-in in the embedded default', () => {
  it('tells the console it signs in locally', async () => {
    const r = await fetch(`${origin}/auth/config`);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(await r.json()).toEqual({ mode: 'local' });
  });

  it("lists the firm's active people with their roles, never cached", async () => {
    const r = await fetch(`${origin}/auth/local/users`);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const { users } = (await r.json()) as { users: { email: string; displayName: string; role: string }[] };
    expect(users.map((u) => u.email).sort()).toEqual(
      ['admin', 'client', 'junior', 'reviewer', 'senior'].map((u) => `${u}@demo.firm`),
    );
    expect(users.find((u) => u.email === 'senior@demo.firm')?.role).toBe('Senior');
    expect(users.find((u) => u.email === 'client@demo.firm')?.role).toBe('ClientReadOnly on cafe-boquete');
  });

  it('mints a token the gateway accepts as that person, for 8 hours', async () => {
    const r = await mint(origin, { email: 'Senior@Demo.Firm' });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const body = (await r.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(8 * 60 * 60);
    const me = await gql(
      t.stack.gatewayUrl,
      body.access_token,
    )<{ me: { email: string } }>('{ me { email } }');
    expect(me.data?.me.email).toBe('senior@demo.firm');
  });

  it('refuses someone who is not an active member, and anything but JSON', async () => {
    const stranger = await mint(origin, { email: 'stranger@elsewhere.example' });
    expect(stranger.status).toBe(404);
    expect(await codeOf(stranger)).toBe('NOT_FOUND');
    const form = await mint(origin, 'email=senior%40demo.firm', 'application/x-www-form-urlencoded');
    expect(form.status).toBe(415);
    expect(await codeOf(form)).toBe('UNSUPPORTED_MEDIA_TYPE');
    const nothing = await mint(origin, {});
    expect(nothing.status).toBe(400);
    expect(await codeOf(nothing)).toBe('BAD_USER_INPUT');
  });

  it('is served to this machine only, even when the gateway listens on the network', async () => {
    const address = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && !i.internal && i.family === 'IPv4')?.address;
    // The test needs an address that is not loopback: CI machines and this one have one.
    expect(address, 'a non-loopback IPv4 interface').toBeTruthy();
    const gateway = await startGatewayService({
      port: 0,
      host: '0.0.0.0',
      subgraphUrls: t.stack.subgraphUrls,
      auth: { kind: 'local', publicJwk: t.stack.gatewayKeys.authPublicJwk },
      contextPrivateJwk: t.stack.gatewayKeys.contextPrivateJwk,
      control: t.stack.appControl,
      log: pino({ level: 'silent' }),
      localSignIn: { privateJwk: t.stack.authPrivateJwk },
    });
    try {
      const remote = `http://${address}:${gateway.port}`;
      const users = await fetch(`${remote}/auth/local/users`);
      expect(users.status).toBe(403);
      expect(await codeOf(users)).toBe('FORBIDDEN');
      const token = await mint(remote, { email: 'admin@demo.firm' });
      expect(token.status).toBe(403);
      // The same gateway on loopback answers: the refusal is about where the caller is.
      expect((await fetch(`http://127.0.0.1:${gateway.port}/auth/local/users`)).status).toBe(200);
    } finally {
      await gateway.close();
    }
  });
});

describe('a page whose name rebinds to this machine', () => {
  const port = () => new URL(origin).port;
  const json = { 'content-type': 'application/json' };
  const admin = JSON.stringify({ email: 'admin@demo.firm' });

  it('gets no sign-in: only a loopback Host and Origin are this machine', async () => {
    const rebound = `rebind.attacker.example:${port()}`;
    const forbidden = { status: 403, code: 'FORBIDDEN' };
    expect(await asNamed('/auth/local/users', rebound)).toEqual(forbidden);
    expect(
      await asNamed('/auth/local/token', rebound, { ...json, origin: `http://${rebound}` }, admin),
    ).toEqual(forbidden);
    // The name alone is enough to refuse, and so is another site's Origin on a loopback Host.
    expect(await asNamed('/auth/local/token', rebound, json, admin)).toEqual(forbidden);
    expect(
      await asNamed(
        '/auth/local/token',
        `localhost:${port()}`,
        { ...json, origin: 'http://evil.example' },
        admin,
      ),
    ).toEqual(forbidden);
    expect(await asNamed('/auth/local/users', `localhost:${port()}`, { origin: 'null' })).toEqual(forbidden);
    expect(await asNamed('/auth/local/users', `127.0.0.2:${port()}`)).toEqual(forbidden);
  });

  it('still signs in on every loopback name, on any port', async () => {
    for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`, `[::1]:${port()}`, 'LOCALHOST']) {
      expect((await asNamed('/auth/local/users', host)).status, host).toBe(200);
    }
    const local = `http://localhost:${port()}`;
    const minted = await asNamed(
      '/auth/local/token',
      `localhost:${port()}`,
      { ...json, origin: local },
      admin,
    );
    expect(minted.status).toBe(200);
  });

  it('gets no metrics without their token either', async () => {
    const rebound = `rebind.attacker.example:${port()}`;
    expect(await asNamed('/metrics', rebound)).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(await asNamed('/metrics', rebound, { origin: `http://${rebound}` })).toEqual({
      status: 403,
      code: 'FORBIDDEN',
    });
    expect((await asNamed('/metrics', `localhost:${port()}`)).status).toBe(200);
  });
});

describe('with the firm identity provider (AUTH_ISSUER)', () => {
  const oidc = {
    kind: 'oidc' as const,
    jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json',
    issuer: 'https://idp.example',
    audience: 'cifra',
  };

  it('does not exist: a gateway refuses to start with local sign-in beside an OIDC issuer', async () => {
    await expect(
      startGatewayService({
        port: 0,
        subgraphUrls: t.stack.subgraphUrls,
        auth: oidc,
        contextPrivateJwk: t.stack.gatewayKeys.contextPrivateJwk,
        control: t.stack.appControl,
        log: pino({ level: 'silent' }),
        localSignIn: { privateJwk: t.stack.authPrivateJwk },
      }),
    ).rejects.toThrow(/only by a gateway that authenticates with the local issuer/);
  });

  it('does not exist: an OIDC gateway answers /auth/local with no sign-in', async () => {
    const gateway = await startGatewayService({
      port: 0,
      subgraphUrls: t.stack.subgraphUrls,
      auth: oidc,
      contextPrivateJwk: t.stack.gatewayKeys.contextPrivateJwk,
      control: t.stack.appControl,
      log: pino({ level: 'silent' }),
    });
    try {
      const base = gateway.url.replace(/\/graphql$/, '');
      expect((await fetch(`${base}/auth/local/users`)).status).toBe(404);
      expect((await mint(base, { email: 'admin@demo.firm' })).status).toBe(404);
      // Without a console client (CONSOLE_OIDC_CLIENT_ID) the console is told it cannot sign in.
      const config = (await (await fetch(`${base}/auth/config`)).json()) as { mode: string; message: string };
      expect(config.mode).toBe('none');
      expect(config.message).toMatch(/CONSOLE_OIDC_CLIENT_ID/);
    } finally {
      await gateway.close();
    }
  });

  it('tells the console its client at the provider, when configured', async () => {
    const gateway = await startGatewayService({
      port: 0,
      subgraphUrls: t.stack.subgraphUrls,
      auth: oidc,
      consoleOidc: {
        clientId: 'cifra-console',
        redirectUri: 'https://console.example/signin-callback',
        scopes: 'openid email',
      },
      contextPrivateJwk: t.stack.gatewayKeys.contextPrivateJwk,
      control: t.stack.appControl,
      log: pino({ level: 'silent' }),
    });
    try {
      const base = gateway.url.replace(/\/graphql$/, '');
      expect(await (await fetch(`${base}/auth/config`)).json()).toEqual({
        mode: 'oidc',
        issuer: 'https://idp.example',
        clientId: 'cifra-console',
        redirectUri: 'https://console.example/signin-callback',
        scopes: 'openid email',
      });
    } finally {
      await gateway.close();
    }
  });
});
