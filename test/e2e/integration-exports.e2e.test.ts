import { pdfText } from '@cifra/testing';
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

// The demo's sample books are the three weeks up to today: this range holds them whatever the day.
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const EXPORT = `mutation { exportLedger(format: GL_CSV, from: "${day(-40)}", to: "${day(1)}") { url fileName } }`;

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

describe("an integration's rendered documents", () => {
  it('renders a posted document with GL.Read, is refused the archive without GL.Export, and not once suspended', async () => {
    const senior = harness.as('senior', 'cafe-boquete');
    const party = await senior<{ createParty: { id: string } }>(
      `mutation { createParty(input: { kind: CUSTOMER, code: "INT-R1", name: "Ñandú Café, S.A." }) { id } }`,
    );
    const draft = await senior<{ createSalesInvoice: { id: string } }>(
      `mutation($p: ID!) { createSalesInvoice(input: { partyId: $p, documentDate: "2026-06-10", lines: [{ accountCode: "4101", quantity: "2", unitPrice: "10.00", taxCode: "ITBMS7" }] }) { id } }`,
      { p: party.data!.createParty.id },
    );
    const id = draft.data!.createSalesInvoice.id;
    expect(
      codes(await senior(`mutation($id: ID!) { approveSalesInvoice(id: $id) { number } }`, { id })),
    ).toEqual([]);

    const p = await partner('Invoice Viewer', ['GL.Read']);
    const books = await p.call('cafe-boquete');
    const RENDER = `mutation($id: ID!) { renderDocument(id: $id) { url } }`;
    const r = await books<{ renderDocument: { url: string } }>(RENDER, { id });
    expect(codes(r)).toEqual([]);
    const res = await fetch(r.data!.renderDocument.url);
    expect(res.status).toBe(200);
    expect(pdfText(Buffer.from(await res.arrayBuffer()))).toMatch(
      /Ñandú Café, S\.A\.[\s\S]*Total PAB\s+21\.40/,
    );
    expect(
      codes(await books(`mutation { exportDocumentsArchive(from: "2026-06-01", to: "2026-06-30") { url } }`)),
    ).toEqual(['FORBIDDEN']);

    const pending = (await books<{ renderDocument: { url: string } }>(RENDER, { id })).data!.renderDocument
      .url;
    const suspend = await as('admin')(
      `mutation($id: ID!) { suspendIntegration(id: $id, reason: "${REASON}") { status } }`,
      { id: p.integration.id },
    );
    expect(codes(suspend)).toEqual([]);
    expect((await fetch(pending)).status).toBe(403);
  });
});
