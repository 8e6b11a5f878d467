import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes } from '../support/client.ts';
import { partnerKit, REASON } from '../support/integrations.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * An integration's exports (docs/partners.md): granted GL.Export on a client, it gets a signed
 * download link like a person, and the download checks on every use that the integration is still
 * live and its grant there still holds GL.Export.
 */
let harness: TestStack;

beforeAll(async () => {
  harness = await startTestStack();
});

afterAll(() => harness?.close());

const { as, grant, partner } = partnerKit(() => harness);

const EXPORT = `mutation { exportLedger(format: GL_CSV, from: "2026-01-01", to: "2026-12-31") { url fileName } }`;

describe("an integration's ledger exports", () => {
  it('downloads with GL.Export granted, and not once the grant or the integration is gone', async () => {
    const p = await partner('BI Export', ['GL.Read', 'GL.Export']);
    const books = await p.call('cafe-boquete');
    const link = async () => {
      const r = await books<{ exportLedger: { url: string; fileName: string } }>(EXPORT);
      expect(codes(r)).toEqual([]);
      return r.data!.exportLedger.url;
    };

    const first = await fetch(await link());
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('text/csv');
    const csv = await first.text();
    expect(csv.split('\n')[0]).toContain('entry_number');
    expect(csv.split('\n').length).toBeGreaterThan(2);

    // The export is in the client's trail, attributed to the integration.
    const [event] = await harness.tenantSql<{ actor_id: string; actor_email: string }>(
      'cafe-boquete',
      `SELECT actor_id, actor_email FROM audit_events WHERE action = 'ledger.exported' ORDER BY id DESC LIMIT 1`,
    );
    expect(event?.actor_id).toBe(p.integration.id);
    expect(event?.actor_email).toBe(`integration:${p.credentials.clientId}:BI Export`);

    // A link issued, then the grant narrowed to reading only: the link no longer downloads.
    const pending = await link();
    expect(codes(await grant(p.integration.id, 'cafe-boquete', ['GL.Read']))).toEqual([]);
    expect((await fetch(pending)).status).toBe(403);
    expect(codes(await books(EXPORT))).toEqual(['FORBIDDEN']);

    // Granted again, then suspended: refused as well.
    expect(codes(await grant(p.integration.id, 'cafe-boquete', ['GL.Read', 'GL.Export']))).toEqual([]);
    const another = await link();
    const suspend = await as('admin')(
      `mutation($id: ID!) { suspendIntegration(id: $id, reason: "${REASON}") { status } }`,
      { id: p.integration.id },
    );
    expect(codes(suspend)).toEqual([]);
    expect((await fetch(another)).status).toBe(403);
  });

  it('is refused exportLedger without GL.Export', async () => {
    const p = await partner('Reader Only', ['GL.Read']);
    expect(codes(await (await p.call('cafe-boquete'))(EXPORT))).toEqual(['FORBIDDEN']);
  });
});
