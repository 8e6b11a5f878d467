import { decodeProtectedHeader, importJWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  CONTEXT_TTL_SECONDS,
  ContextSigner,
  ContextVerifier,
  contextAudience,
  generateContextKeys,
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

  it('refuse a key that is not an Ed25519 private key', async () => {
    const keys = await generateContextKeys();
    await expect(ContextSigner.fromJwk(keys.publicJwk)).rejects.toThrow(/Ed25519 private JWK/);
  });
});
