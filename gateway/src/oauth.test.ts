import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type { JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { IntegrationTokens, scopeOf } from './oauth.ts';

const keyPair = promisify(generateKeyPair);

/**
 * An integration's scope travels in its token and, from there, in the context signed for every
 * subgraph fetch: each permission constant is in it once, however often the request repeated it.
 */
describe("an integration token's scope", () => {
  it('names each permission constant once', async () => {
    expect(scopeOf('GL.Read  GL.Post GL.Read ')).toEqual(['GL.Read', 'GL.Post']);
    const { privateKey } = await keyPair('ed25519');
    const tokens = await IntegrationTokens.fromJwk(privateKey.export({ format: 'jwk' }) as JWK);
    const repeated = Array.from({ length: 1_000 }, () => 'GL.Read').concat('GL.Post');
    const token = await tokens.sign({
      integrationId: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
      clientId: 'cifra_int_ab12',
      scope: repeated,
    });
    // A token signed with repeats (before they were taken out when issued) is read without them.
    expect((await tokens.verify(token))?.scope).toEqual(['GL.Read', 'GL.Post']);
  });
});
