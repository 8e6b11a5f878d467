import { createHash } from 'node:crypto';
import { control, listConsoleVersions, registerConsoleVersion } from '@cifra/db';
import { readConsoleManifest, retireConsoleVersion } from '@cifra/ops';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The console's manifest versions side by side (docs/console.md): the gateway registers the
 * manifest it serves at start; another version (a console built from other sources, still open
 * in a tab) runs its own documents by naming its version, until retired; an id of one version sent
 * as another is refused PERSISTED_DOCUMENT_NOT_FOUND, the partners' code. Through HTTP, with a real
 * token, and with STAFF_TRUSTED_DOCUMENTS_ONLY on, as production runs the console.
 */
let t: TestStack;
const served = readConsoleManifest();
const ME_A = Object.entries(served.documents).find(([, q]) => q.startsWith('query ConsoleMe '))![0];

// Version B: another build's manifest, whose one document version A does not have.
const B_TEXT = 'query ConsoleVersionB { me { id email } }';
const ME_B = `sha256:${createHash('sha256').update(B_TEXT).digest('hex')}`;
const manifestB = { [ME_B]: B_TEXT };
const VERSION_B = createHash('sha256').update(JSON.stringify(manifestB)).digest('hex');

beforeAll(async () => {
  t = await startTestStack({ perimeter: { staffTrustedDocumentsOnly: true } });
  expect(await registerConsoleVersion(t.stack.appControl, VERSION_B, manifestB)).toBe(true);
});

afterAll(() => t?.close());

/** `documentId` sent as the console sends it, naming `version` (none: no version header). */
async function run(documentId: string, version?: string) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    authorization: `Bearer ${t.token('senior')}`,
    'apollographql-client-name': 'cifra-console',
  };
  if (version) headers['apollographql-client-version'] = version;
  const r = await fetch(t.stack.gatewayUrl, {
    method: 'POST',
    headers,
    body: JSON.stringify({ documentId }),
  });
  const body = (await r.json()) as {
    data?: { me: { email: string } };
    errors?: { extensions?: { code?: string } }[];
  };
  return { email: body.data?.me.email, codes: (body.errors ?? []).map((e) => e.extensions?.code) };
}

const NOT_FOUND = { email: undefined, codes: ['PERSISTED_DOCUMENT_NOT_FOUND'] };

describe("the console's manifest versions", () => {
  it('registered the version it serves in the control plane, with every document of it', async () => {
    const rows = await t.stack.control.pool.query(
      `SELECT v.retired_at, count(d.*)::int AS n FROM console_manifest_versions v
       JOIN console_manifest_documents d USING (version) WHERE v.version = $1 GROUP BY v.retired_at`,
      [served.version],
    );
    expect(rows.rows).toEqual([{ retired_at: null, n: Object.keys(served.documents).length }]);
  });

  it('runs both versions side by side, each with its own documents', async () => {
    expect(await run(ME_A, served.version)).toEqual({ email: 'senior@demo.firm', codes: [] });
    expect(await run(ME_B, VERSION_B)).toEqual({ email: 'senior@demo.firm', codes: [] });
    // Without a version: the manifest the gateway serves.
    expect(await run(ME_A)).toEqual({ email: 'senior@demo.firm', codes: [] });
  });

  it("refuses an id of version A sent as version B, and B's as A (or as no version)", async () => {
    expect(await run(ME_A, VERSION_B)).toEqual(NOT_FOUND);
    expect(await run(ME_B, served.version)).toEqual(NOT_FOUND);
    expect(await run(ME_B)).toEqual(NOT_FOUND);
  });

  it('refuses a version never registered, or not a version at all', async () => {
    expect(await run(ME_A, 'f'.repeat(64))).toEqual(NOT_FOUND);
    expect(await run(ME_A, 'v1.2.3')).toEqual(NOT_FOUND);
  });

  it('refuses a retired version, which registering again does not bring back', async () => {
    const operator = { userId: null, email: 'ops@operator', reason: 'the build of last week is gone' };
    const retired = await retireConsoleVersion(t.stack.appControl, operator, VERSION_B);
    expect(retired.version).toBe(VERSION_B);
    const listed = await listConsoleVersions(t.stack.appControl);
    expect(listed.find((v) => v.version === VERSION_B)).toMatchObject({
      retiredAt: retired.retiredAt,
      documents: 1,
    });
    expect(listed.find((v) => v.version === served.version)).toMatchObject({ retiredAt: null });
    const [event] = await t.stack.appControl
      .select()
      .from(control.controlAuditEvents)
      .where(eq(control.controlAuditEvents.action, 'console_version.retired'));
    expect(event).toMatchObject({ entityId: VERSION_B, actorEmail: 'ops@operator' });
    // Retiring it again, or a version never registered, is refused.
    await expect(retireConsoleVersion(t.stack.appControl, operator, VERSION_B)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(retireConsoleVersion(t.stack.appControl, operator, 'f'.repeat(64))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await run(ME_B, VERSION_B)).toEqual(NOT_FOUND);
    expect(await registerConsoleVersion(t.stack.appControl, VERSION_B, manifestB)).toBe(false);
    expect(await run(ME_B, VERSION_B)).toEqual(NOT_FOUND);
    // The served version is not affected.
    expect(await run(ME_A, served.version)).toEqual({ email: 'senior@demo.firm', codes: [] });
  });
});
