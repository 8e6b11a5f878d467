import { readdirSync } from 'node:fs';
import path from 'node:path';
import { CONSOLE_DIST_DIR } from '@cifra/ops';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The gateway serves the built firm console at `/` and every API path exactly as before
 * (docs/console.md). Plain HTTP; the browser test is console.e2e.test.ts.
 */
let t: TestStack;
let origin: string;

beforeAll(async () => {
  t = await startTestStack({ console: true });
  origin = t.stack.gatewayUrl.replace(/\/graphql$/, '');
});
afterAll(() => t?.close());

const html = { accept: 'text/html,application/xhtml+xml' };

describe('the console at /', () => {
  it('serves index.html with a strict Content-Security-Policy and no caching', async () => {
    const r = await fetch(`${origin}/`, { headers: html });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r.headers.get('cache-control')).toBe('no-cache');
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    // Styles from this origin, and React Aria's two fixed stylesheets by hash: nothing else inline.
    expect(csp).toMatch(/style-src 'self'( 'sha256-[A-Za-z0-9+/]+=')*;/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    const body = await r.text();
    expect(body).toContain('<div id="root">');
    // Nothing inline and nothing from elsewhere: every script is a file of this origin.
    expect(body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(body).not.toMatch(/(src|href)="https?:/);
  });

  it('answers the console pages (client routing) with index.html', async () => {
    for (const page of ['/exceptions', '/clients/cafe-boquete/2026/03']) {
      const r = await fetch(`${origin}${page}`, { headers: html });
      expect(r.status, page).toBe(200);
      expect(await r.text()).toContain('<div id="root">');
    }
  });

  it('serves hashed assets with their content type, cached for a year', async () => {
    const assets = readdirSync(path.join(CONSOLE_DIST_DIR, 'assets'));
    const js = assets.find((f) => f.endsWith('.js'));
    const css = assets.find((f) => f.endsWith('.css'));
    expect(js && css).toBeTruthy();
    const script = await fetch(`${origin}/assets/${js}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const style = await fetch(`${origin}/assets/${css}`);
    expect(style.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('answers a missing file with 404, not the page', async () => {
    expect((await fetch(`${origin}/assets/nothing-here.js`)).status).toBe(404);
    expect((await fetch(`${origin}/favicon.ico`, { headers: html })).status).toBe(404);
  });
});

describe('the API beside it, as before', () => {
  it('answers GraphQL at /graphql', async () => {
    const r = await t.as('senior')<{ me: { email: string } }>('{ me { email } }');
    expect(r.data?.me.email).toBe('senior@demo.firm');
  });

  it('refuses a browser GET of an API path with the API, never the console', async () => {
    const r = await fetch(`${origin}/graphql?query=%7B__typename%7D`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await r.text()).not.toContain('<div id="root">');
    for (const p of ['/exports/not-a-token', '/oauth/token', '/auth/anything', '/graphql/deeper']) {
      const res = await fetch(`${origin}${p}`, { headers: html });
      expect(await res.text(), p).not.toContain('<div id="root">');
    }
    const exported = await fetch(`${origin}/exports/not-a-token`);
    expect(exported.status).toBe(401);
    expect(
      ((await exported.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
    ).toBe('UNAUTHENTICATED');
  });

  it('answers a method and path nothing serves with a JSON 404, never an HTML page', async () => {
    for (const [method, p] of [
      ['POST', '/healthz'],
      ['POST', '/metrics'],
      ['GET', '/exports/'],
      ['POST', '/exports/x'],
      ['PATCH', '/exports/x'],
      ['GET', '/oauth/'],
      ['POST', '/'],
    ] as const) {
      const r = await fetch(`${origin}${p}`, { method });
      expect(r.status, `${method} ${p}`).toBe(404);
      expect(r.headers.get('content-type'), `${method} ${p}`).toMatch(/^application\/json/);
      const body = (await r.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0]?.extensions.code).toBe('NOT_FOUND');
    }
  });

  it('keeps /healthz and /metrics', async () => {
    const health = await fetch(`${origin}/healthz`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('ok');
    const metrics = await fetch(`${origin}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('cifra_gateway_requests_total');
  });

  it('keeps POST /oauth/token (a bad client is refused as before)', async () => {
    const r = await fetch(`${origin}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=nobody&client_secret=nothing',
    });
    expect(r.status).toBe(401);
    expect(r.headers.get('content-security-policy')).toBeNull();
  });
});
