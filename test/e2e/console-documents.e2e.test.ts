import { readConsoleDocuments, startGatewayService } from '@cifra/ops';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The console's operations as trusted documents: the gateway knows the console's manifest, people
 * may send its documents by id (the console always does), and with STAFF_TRUSTED_DOCUMENTS_ONLY
 * the firm's staff may send nothing else (docs/console.md).
 */
let t: TestStack;
const documents = readConsoleDocuments();
const meId = Object.entries(documents).find(([, text]) => text.startsWith('query ConsoleMe '))?.[0] as string;

beforeAll(async () => {
  t = await startTestStack({ perimeter: { staffTrustedDocumentsOnly: true } });
});
afterAll(() => t?.close());

interface Answer {
  data?: { me?: { email: string } } | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

const post = async (url: string, who: 'senior' | 'admin' | 'junior' | 'client', body: unknown) => {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token(who)}` },
    body: JSON.stringify(body),
  });
  return { status: r.status, ...((await r.json()) as Answer) };
};
const codeOf = (a: Answer) => a.errors?.[0]?.extensions?.code;
const byHash = (id: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: id.slice(7) } } });

describe("the console's trusted documents", () => {
  it('exist: the manifest names the operations the console sends, with their __typename', () => {
    expect(meId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(documents[meId]).toContain('__typename');
  });

  it('run for staff by id, as a persisted-query hash or a documentId', async () => {
    for (const body of [byHash(meId), { documentId: meId }]) {
      const a = await post(t.stack.gatewayUrl, 'senior', body);
      expect(a.status, JSON.stringify(a.errors)).toBe(200);
      expect(a.data?.me?.email).toBe('senior@demo.firm');
    }
  });

  it("refuse the staff's query text, even the text of a console document", async () => {
    for (const who of ['admin', 'senior', 'junior'] as const) {
      for (const query of ['{ me { email } }', documents[meId]]) {
        const a = await post(t.stack.gatewayUrl, who, { query });
        expect(a.status, who).toBe(400);
        expect(codeOf(a)).toBe('PERSISTED_DOCUMENT_REQUIRED');
      }
    }
  });

  it('leave a client user (not staff) free to send text', async () => {
    const a = await post(t.stack.gatewayUrl, 'client', { query: '{ me { email } }' });
    expect(a.status).toBe(200);
    expect(a.data?.me?.email).toBe('client@demo.firm');
  });

  it('refuse an unknown or malformed id, and an id with text', async () => {
    const unknown = await post(t.stack.gatewayUrl, 'senior', { documentId: `sha256:${'0'.repeat(64)}` });
    expect(codeOf(unknown)).toBe('PERSISTED_DOCUMENT_NOT_FOUND');
    for (const documentId of ['sha256:XYZ', '__proto__', `sha256:${meId.slice(7).toUpperCase()}`]) {
      expect(codeOf(await post(t.stack.gatewayUrl, 'senior', { documentId }))).toBe(
        'PERSISTED_DOCUMENT_NOT_FOUND',
      );
    }
    const both = await post(t.stack.gatewayUrl, 'senior', { documentId: meId, query: '{ me { email } }' });
    expect(both.status).toBe(400);
    expect(codeOf(both)).toBe('BAD_REQUEST');
  });

  it('without the setting, staff may send text and ids alike', async () => {
    const gateway = await startGatewayService({
      port: 0,
      subgraphUrls: t.stack.subgraphUrls,
      auth: { kind: 'local', publicJwk: t.stack.gatewayKeys.authPublicJwk },
      contextPrivateJwk: t.stack.gatewayKeys.contextPrivateJwk,
      control: t.stack.appControl,
      log: pino({ level: 'silent' }),
      consoleDocuments: documents,
    });
    try {
      expect((await post(gateway.url, 'senior', { query: '{ me { email } }' })).data?.me?.email).toBe(
        'senior@demo.firm',
      );
      expect((await post(gateway.url, 'senior', { documentId: meId })).data?.me?.email).toBe(
        'senior@demo.firm',
      );
    } finally {
      await gateway.close();
    }
  });

  it('cannot be required of staff by a gateway that does not know them', async () => {
    await expect(
      startGatewayService({
        port: 0,
        subgraphUrls: t.stack.subgraphUrls,
        auth: { kind: 'local', publicJwk: t.stack.gatewayKeys.authPublicJwk },
        contextPrivateJwk: t.stack.gatewayKeys.contextPrivateJwk,
        control: t.stack.appControl,
        log: pino({ level: 'silent' }),
        perimeter: { staffTrustedDocumentsOnly: true },
      }),
    ).rejects.toThrow(/needs the console's documents/);
  });
});
