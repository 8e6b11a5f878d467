import { maxHeaderSize } from 'node:http';
import { ALL_PERMISSIONS } from '@cifra/permissions';
import { decodeProtectedHeader, importJWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_IDENTITY_MAX_LENGTH,
  CONTEXT_TTL_SECONDS,
  ContextSigner,
  ContextVerifier,
  contextAudience,
  generateContextKeys,
  REQUEST_ID_MAX_LENGTH,
  type RequestContext,
} from './signed-context.ts';

const USER = '0b0c2b1e-2f53-4d0a-9a53-6f1f6f0f0a01';
const context: RequestContext = {
  requestId: 'req-1',
  userId: USER,
  email: 'senior@demo.firm',
  tenant: { id: '6a3c1f1e-8b1e-4c55-9d0e-2f1a3b4c5d6e', slug: 'panaderia-valle' },
  permissions: ['GL.Read', 'GL.Post'],
  firm: { id: '1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f', role: 'Senior', permissions: ['GL.Read'] },
  client: { name: 'console', version: '1.2.3' },
};

/**
 * The gateway signs contexts with node:crypto (ContextSigner); every subgraph verifies them with
 * jose (ContextVerifier): the two must agree on the compact JWS, and nothing else may pass.
 */
describe('signed contexts', () => {
  it('are read back by the subgraph they were signed for, once, with every claim', async () => {
    const keys = await generateContextKeys();
    const signer = await ContextSigner.fromJwk(keys.privateJwk);
    const verifier = await ContextVerifier.fromJwk(keys.publicJwk);
    const token = await signer.sign(context, 'ledger');
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA' });
    expect(await verifier.verify(token, 'ledger')).toEqual(context);
    // Used once: the same header again is a replay.
    expect(await verifier.verify(token, 'ledger')).toBeNull();
  });

  it('carry an integration, a firm-level request and a fresh request id when none is given', async () => {
    const keys = await generateContextKeys();
    const signer = await ContextSigner.fromJwk(keys.privateJwk);
    const verifier = await ContextVerifier.fromJwk(keys.publicJwk);
    const integration = {
      id: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
      name: 'Payroll sync',
      clientId: 'cifra_int_ab12',
      via: 'secret' as const,
      scope: ['GL.Read'],
    };
    const { requestId: _none, ...rest } = context;
    const token = await signer.sign({ ...rest, tenant: null, integration }, 'tenancy');
    const read = await verifier.verify(token, 'tenancy');
    expect(read).toMatchObject({ tenant: null, integration, email: context.email });
    expect(read?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it(`live ${CONTEXT_TTL_SECONDS} s and name their subgraph as audience`, async () => {
    const keys = await generateContextKeys();
    const token = await (await ContextSigner.fromJwk(keys.privateJwk)).sign(context, 'period');
    const claims = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as {
      iat: number;
      exp: number;
      aud: string;
      iss: string;
    };
    expect(claims.exp - claims.iat).toBe(CONTEXT_TTL_SECONDS);
    expect(claims.aud).toBe(contextAudience('period'));
    expect(claims.iss).toBe('cifra-gateway');
  });

  it('are refused by another subgraph, under another key, when altered or expired', async () => {
    const keys = await generateContextKeys();
    const other = await generateContextKeys();
    const verifier = await ContextVerifier.fromJwk(keys.publicJwk);
    const signer = await ContextSigner.fromJwk(keys.privateJwk);
    expect(await verifier.verify(await signer.sign(context, 'ledger'), 'audit')).toBeNull();
    const forged = await (await ContextSigner.fromJwk(other.privateJwk)).sign(context, 'ledger');
    expect(await verifier.verify(forged, 'ledger')).toBeNull();
    const [header, payload, signature] = (await signer.sign(context, 'ledger')).split('.') as string[];
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString()) as { perms: string[] };
    const widened = Buffer.from(
      JSON.stringify({ ...claims, perms: [...claims.perms, 'Firm.Admin'] }),
    ).toString('base64url');
    expect(await verifier.verify(`${header}.${widened}.${signature}`, 'ledger')).toBeNull();
    // Expired beyond the verifier's 5 s tolerance (made with jose, which can set a past expiry);
    // the same claims unexpired pass, so it is the expiry that refuses it.
    const key = await importJWK(keys.privateJwk, 'EdDSA');
    const until = (exp: number) =>
      new SignJWT({ ...claims }).setProtectedHeader({ alg: 'EdDSA' }).setExpirationTime(exp).sign(key);
    const now = Math.floor(Date.now() / 1000);
    expect(await verifier.verify(await until(now - 60), 'ledger')).toBeNull();
    expect(await verifier.verify(await until(now + 60), 'ledger')).toMatchObject({ userId: USER });
  });

  it('carry no client application name or version longer than the gateway lets through', async () => {
    const keys = await generateContextKeys();
    const signer = await ContextSigner.fromJwk(keys.privateJwk);
    const verifier = await ContextVerifier.fromJwk(keys.publicJwk);
    const at = 'x'.repeat(CLIENT_IDENTITY_MAX_LENGTH);
    const within = { ...context, client: { name: at, version: at } };
    expect(await verifier.verify(await signer.sign(within, 'audit'), 'audit')).toEqual(within);
    for (const client of [
      { name: `${at}x`, version: null },
      { name: null, version: `${at}x` },
    ]) {
      expect(await verifier.verify(await signer.sign({ ...context, client }, 'audit'), 'audit')).toBeNull();
    }
    const longId = { ...context, requestId: 'r'.repeat(REQUEST_ID_MAX_LENGTH + 1) };
    expect(await verifier.verify(await signer.sign(longId, 'audit'), 'audit')).toBeNull();
  });

  it('fit well within the headers a subgraph reads, with every value at its bound', async () => {
    // What a caller names is bounded by the gateway (request id, client name and version), what
    // they are by the firm's records (an email, a slug, an integration's name and client id), and
    // the permissions and an integration's scope are each constant at most once.
    const signer = await ContextSigner.fromJwk((await generateContextKeys()).privateJwk);
    const largest = await signer.sign(
      {
        requestId: 'r'.repeat(REQUEST_ID_MAX_LENGTH),
        userId: USER,
        email: `${'e'.repeat(64)}@${'d'.repeat(251)}.pa`,
        tenant: { id: USER, slug: 's'.repeat(63) },
        permissions: [...ALL_PERMISSIONS],
        firm: { id: USER, role: 'FirmAdmin', permissions: [...ALL_PERMISSIONS] },
        client: {
          name: 'n'.repeat(CLIENT_IDENTITY_MAX_LENGTH),
          version: 'v'.repeat(CLIENT_IDENTITY_MAX_LENGTH),
        },
        integration: {
          id: USER,
          name: 'i'.repeat(200),
          clientId: 'c'.repeat(128),
          via: 'secret',
          scope: [...ALL_PERMISSIONS],
        },
      },
      'ledger',
    );
    // Half of Node's limit (a subgraph's, 16 KiB) leaves the rest to the fetch's other headers.
    expect(largest.length).toBeLessThan(maxHeaderSize / 2);
  });

  it('refuse a key that is not an Ed25519 private key', async () => {
    const keys = await generateContextKeys();
    await expect(ContextSigner.fromJwk(keys.publicJwk)).rejects.toThrow(/Ed25519 private JWK/);
  });
});
