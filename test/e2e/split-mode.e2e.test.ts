import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { generateContextKeys } from '@cifra/context';
import { TENANT_DB_SECRET, TenantRegistry } from '@cifra/db';
import { generateExportKeys } from '@cifra/exports';
import {
  type ControlPlane,
  prepareControlPlane,
  type RunningService,
  readEnv,
  SUBGRAPH_NAMES,
  seedDemoFirm,
  startService,
} from '@cifra/ops';
import { createEmptyDatabase, reservedPort, TEST_APP_PASSWORD, type TestDatabase } from '@cifra/testing';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

type KeyLike = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionedYear } from '../support/books-year.ts';
import { codes, gql, type Nodes, nodes } from '../support/client.ts';

/**
 * Split mode: each subgraph and the gateway started alone from its environment, the way
 * `pnpm serve <name>` starts them, with the gateway authenticating users through an OIDC provider
 * (a JWKS served by this test).
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ISSUER = 'https://idp.example.test/';
const AUDIENCE = 'cifra-api';
const silent = pino({ level: 'silent' });
/** What the client databases' application logins are derived from, as an operator would set it. */
const TENANT_SECRET = 'split-mode-tenant-db-secret';

let db: TestDatabase;
let controlPlane: ControlPlane;
let jwks: Server;
let idpKey: KeyLike;
let baseEnv: Record<string, string>;
const services: RunningService[] = [];
let gatewayUrl: string;

async function idpToken(
  email: string,
  over: { audience?: string; issuer?: string; key?: KeyLike } = {},
): Promise<string> {
  return new SignJWT({ email })
    .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
    .setSubject(email)
    .setIssuer(over.issuer ?? ISSUER)
    .setAudience(over.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(over.key ?? idpKey);
}

beforeAll(async () => {
  db = await createEmptyDatabase();
  // What `pnpm migrate` and provisioning leave behind: a migrated control plane with the demo firm.
  controlPlane = await prepareControlPlane({
    serverUrl: db.adminUrl,
    controlUrl: db.adminUrl,
    serverName: 'primary',
    controlAppPassword: TEST_APP_PASSWORD,
  });
  const secrets = { [TENANT_DB_SECRET]: TENANT_SECRET, ...controlPlane.serverSecrets };
  const registry = new TenantRegistry({ control: controlPlane.db, secrets });
  await seedDemoFirm({ control: controlPlane.db, registry, secrets });
  await registry.close();

  // The firm's identity provider: an RS256 key published as a JWKS.
  const pair = await generateKeyPair('RS256');
  idpKey = pair.privateKey;
  const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
  jwks = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;

  const context = await generateContextKeys();
  const exportKeys = await generateExportKeys();
  // The gateway's address must be known before it starts: the ledger signs export links to it.
  const gatewayPort = await reservedPort();
  const publicUrl = `http://127.0.0.1:${gatewayPort}`;
  // The services connect as cifra_control_app, which owns nothing (control migration 0007).
  // The tenant directory names the server's admin password as ${DB_ADMIN_PASSWORD}: provisioning
  // (tenancy) reads it from its environment.
  baseEnv = {
    ...controlPlane.serverSecrets,
    CONTROL_DATABASE_URL: controlPlane.appUrl,
    TENANT_DB_SECRET: TENANT_SECRET,
    CONTEXT_PUBLIC_JWK: JSON.stringify(context.publicJwk),
    PORT: '0',
    LOG_LEVEL: 'silent',
  };
  const urls: string[] = [];
  for (const name of SUBGRAPH_NAMES) {
    const env =
      name === 'ledger'
        ? { ...baseEnv, EXPORT_PRIVATE_JWK: JSON.stringify(exportKeys.privateJwk), PUBLIC_URL: publicUrl }
        : baseEnv;
    const service = await startService(name, readEnv(env), silent);
    services.push(service);
    urls.push(`${name}=${service.url}`);
  }
  const gateway = await startService(
    'gateway',
    readEnv({
      CONTROL_DATABASE_URL: controlPlane.appUrl,
      CONTEXT_PRIVATE_JWK: JSON.stringify(context.privateJwk),
      AUTH_JWKS_URL: jwksUrl,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      SUBGRAPH_URLS: urls.join(','),
      EXPORT_PUBLIC_JWK: JSON.stringify(exportKeys.publicJwk),
      TENANT_DB_SECRET: TENANT_SECRET,
      PORT: String(gatewayPort),
    }),
    silent,
  );
  services.push(gateway);
  gatewayUrl = gateway.url!;
});

afterAll(async () => {
  for (const service of services.reverse()) await service.close();
  await controlPlane?.pool.end();
  await new Promise((resolve) => jwks?.close(resolve));
  await db?.drop();
});

describe('split mode with an OIDC identity provider', () => {
  it('answers through a gateway and subgraphs started alone, for a user signed in at the provider', async () => {
    const health = await fetch(gatewayUrl.replace(/\/graphql$/, '/healthz'));
    expect(health.status).toBe(200);
    const senior = gql(gatewayUrl, await idpToken('Senior@Demo.Firm'), 'cafe-boquete');
    const accounts = await senior<{ accounts: { code: string }[] }>('{ accounts { code name type } }');
    expect(accounts.errors).toBeUndefined();
    expect(accounts.data?.accounts.length).toBeGreaterThan(30);
    const me = await gql(
      gatewayUrl,
      await idpToken('client@demo.firm'),
    )<{
      me: { tenantsConnection: Nodes<{ slug: string }> };
    }>('{ me { email tenantsConnection { edges { node { slug } } } } }');
    expect(nodes(me.data?.me.tenantsConnection)).toEqual([{ slug: 'cafe-boquete' }]);
  });

  it('keeps no server password in the tenant directory, and provisions with the one in the environment', async () => {
    const { rows } = await controlPlane.pool.query<{ admin_url: string }>('SELECT admin_url FROM db_servers');
    const password = Object.values(controlPlane.serverSecrets)[0] as string;
    expect(password).toBeTruthy();
    expect(rows.map((r) => r.admin_url.includes(password))).toEqual([false]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the stored URL names its secret as ${NAME}, literally
    expect(rows[0]!.admin_url).toContain('${DB_ADMIN_PASSWORD}');
    const admin = gql(gatewayUrl, await idpToken('admin@demo.firm'));
    const r = await admin<{ provisionTenant: { slug: string; status: string } }>(
      'mutation { provisionTenant(input: { slug: "split-new", name: "Split New" }) { slug status } }',
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.provisionTenant).toEqual({ slug: 'split-new', status: 'ACTIVE' });
    const books = gql(gatewayUrl, await idpToken('senior@demo.firm'), 'split-new');
    expect(
      (await books<{ accounts: unknown[] }>('{ accounts { code } }')).data?.accounts.length,
    ).toBeGreaterThan(30);
  });

  it('signs export links in the ledger and streams them from the gateway', async () => {
    const senior = gql(gatewayUrl, await idpToken('senior@demo.firm'), 'cafe-boquete');
    const year = provisionedYear();
    const r = await senior<{ exportLedger: { url: string } }>(
      `mutation($from: Date!, $to: Date!) { exportLedger(format: GL_CSV, from: $from, to: $to) { url } }`,
      { from: `${year}-01-01`, to: `${year}-12-31` },
    );
    expect(r.errors).toBeUndefined();
    const url = r.data?.exportLedger.url as string;
    expect(url.startsWith(gatewayUrl.replace(/\/graphql$/, '/exports/'))).toBe(true);
    const download = await fetch(url);
    expect(download.status).toBe(200);
    const csv = await download.text();
    expect(csv.split('\n')[0]).toMatch(/^posting_date,entry_number,/);
    // The demo books have postings this year: more than the header came back.
    expect(csv.trim().split('\n').length).toBeGreaterThan(1);
  });

  it('refuses tokens for another audience or issuer, signed by another key, or for an unknown user', async () => {
    const other = (await generateKeyPair('RS256')).privateKey;
    const refused = [
      await idpToken('senior@demo.firm', { audience: 'someone-else' }),
      await idpToken('senior@demo.firm', { issuer: 'https://evil.example.test/' }),
      await idpToken('senior@demo.firm', { key: other }),
      await idpToken('stranger@example.com'),
    ];
    for (const token of refused) {
      const r = await gql(gatewayUrl, token, 'cafe-boquete')('{ accounts { code } }');
      expect(r.status).toBe(401);
      expect(codes(r)).toEqual(['UNAUTHENTICATED']);
    }
  });

  it("maps the provider's client-credentials tokens to a registered integration", async () => {
    const admin = gql(gatewayUrl, await idpToken('admin@demo.firm'));
    const made = await admin<{ createIntegration: { id: string; oidcClientId: string } }>(
      'mutation { createIntegration(input: { name: "ERP Sync", contact: "erp@partner.example", oidcClientId: "erp-sync" }) { id oidcClientId } }',
    );
    const id = made.data?.createIntegration.id as string;
    expect(made.errors).toBeUndefined();
    expect(made.data?.createIntegration.oidcClientId).toBe('erp-sync');
    const reason = 'Development only: the partner has no manifest yet';
    for (const m of [
      `mutation { grantIntegrationAccess(integrationId: "${id}", tenant: "cafe-boquete", permissions: ["GL.Read"]) { expiresAt } }`,
      `mutation { allowArbitraryDocuments(integrationId: "${id}", allow: true, reason: "${reason}") { id } }`,
    ])
      expect(codes(await admin(m))).toEqual([]);
    /** A client-credentials token of the provider: no email, the client in client_id or azp. */
    const clientToken = (claims: { client_id?: string; azp?: string; jti?: string }) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
        .setSubject(claims.client_id ?? claims.azp ?? 'x')
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(idpKey);
    for (const claims of [{ client_id: 'erp-sync' }, { azp: 'erp-sync' }]) {
      const erp = gql(gatewayUrl, await clientToken(claims), 'cafe-boquete');
      const r = await erp<{ accounts: unknown[] }>('{ accounts { code } }');
      expect(r.data?.accounts.length).toBeGreaterThan(30);
      expect(
        codes(await erp('mutation { createParty(input: { kind: CUSTOMER, code: "X", name: "X" }) { id } }')),
      ).toEqual(['FORBIDDEN']);
    }
    const unknown = await gql(
      gatewayUrl,
      await clientToken({ client_id: 'not-registered' }),
      'cafe-boquete',
    )('{ accounts { code } }');
    expect(unknown.status).toBe(401);
    expect(
      codes(await admin(`mutation { suspendIntegration(id: "${id}", reason: "${reason}") { status } }`)),
    ).toEqual([]);
    const suspended = await gql(
      gatewayUrl,
      await clientToken({ client_id: 'erp-sync' }),
      'cafe-boquete',
    )('{ accounts { code } }');
    expect(suspended.status).toBe(401);
    // Deleted, the client id may name another integration: the provider's tokens are the new one's.
    expect(
      codes(await admin(`mutation { deleteIntegration(id: "${id}", reason: "${reason}") { status } }`)),
    ).toEqual([]);
    const again = await admin<{ createIntegration: { id: string } }>(
      'mutation { createIntegration(input: { name: "ERP Sync 2", contact: "erp@partner.example", oidcClientId: "erp-sync" }) { id } }',
    );
    expect(again.errors).toBeUndefined();
    const second = again.data?.createIntegration.id as string;
    for (const m of [
      `mutation { grantIntegrationAccess(integrationId: "${second}", tenant: "cafe-boquete", permissions: ["GL.Read"]) { expiresAt } }`,
      `mutation { allowArbitraryDocuments(integrationId: "${second}", allow: true, reason: "${reason}") { id } }`,
    ])
      expect(codes(await admin(m))).toEqual([]);
    // A token issued since: one the gateway has seen names the deleted integration until it expires.
    const fresh = await clientToken({ client_id: 'erp-sync', jti: 'issued-after-the-deletion' });
    const erp = gql(gatewayUrl, fresh, 'cafe-boquete');
    expect(
      (await erp<{ accounts: unknown[] }>('{ accounts { code } }')).data?.accounts.length,
    ).toBeGreaterThan(30);
  });

  it('names the variables a service is missing', async () => {
    await expect(startService('gateway', readEnv({ PORT: '0' }), silent)).rejects.toThrow(
      /gateway needs CONTROL_DATABASE_URL, CONTEXT_PRIVATE_JWK, AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE, SUBGRAPH_URLS/,
    );
    await expect(
      startService('ledger', readEnv({ ...baseEnv, CONTEXT_PUBLIC_JWK: '' }), silent),
    ).rejects.toThrow(/ledger needs CONTEXT_PUBLIC_JWK/);
    await expect(
      startService('ledger', readEnv({ ...baseEnv, EXPORT_PRIVATE_JWK: '{}' }), silent),
    ).rejects.toThrow(/ledger needs PUBLIC_URL/);
  });

  it('runs as its own process with pnpm serve and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'ops/src/cli/serve.ts', 'ledger'], {
      cwd: ROOT,
      env: { ...process.env, ...baseEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d.toString();
        const m = /ledger ready at (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.stderr.on('data', (d) => {
        out += d.toString();
      });
      child.on('exit', () => reject(new Error(`pnpm serve ledger exited:\n${out}`)));
    });
    expect((await fetch(url.replace(/\/graphql$/, '/healthz'))).status).toBe(200);
    const direct = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tenant': 'cafe-boquete' },
      body: JSON.stringify({ query: '{ accounts { code } }' }),
    });
    expect(direct.status).toBe(401);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
