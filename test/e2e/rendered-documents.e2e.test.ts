import { execFileSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatMoney } from '@cifra/domain';
import { makeTestDir, pdfText, unzipEntries } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Rendered documents (issue 18 §5) through the gateway with real tokens: renderDocument's signed
 * link downloaded and read back with Debian's pdftotext, its numbers checked against the API's own
 * `document(id)`; exportDocumentsArchive's zip read back with yauzl.
 */
let t: TestStack;
const TENANT = 'cafe-boquete';
const OTHER = 'ferreteria-colon';
// A 1×1 PNG: a logo given as a data: URL is drawn (the renderer fetches nothing from the network).
const LOGO =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

beforeAll(async () => {
  t = await startTestStack();
  const brand = await t.as('admin')(
    `mutation($set: SettingsInput!) { updateClientSettings(tenant: "${TENANT}", set: $set) { slug } }`,
    { set: { displayName: 'Tostadores de Boquete', brandColor: '#8B4513', logoUrl: LOGO } },
  );
  expect(brand.errors, JSON.stringify(brand.errors)).toBeUndefined();
});

afterAll(async () => {
  await t?.close();
});

const as = (who: 'senior' | 'client' | 'junior' = 'senior', tenant = TENANT) => t.as(who, tenant);

/** "1234.50" (the API's Money) as the PDF prints it: "1,234.50". */
function grouped(money: string): string {
  const [whole = '', fraction] = money.split('.');
  return `${whole.replace(/\B(?=(\d{3})+$)/g, ',')}${fraction === undefined ? '' : `.${fraction}`}`;
}
const cents = (money: string) => BigInt(money.replace('.', ''));
const re = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const DOC = `id number status currency exchangeRate documentDate dueDate subtotal tax total baseTotal voided
  party { code name taxId } lines { lineNumber description quantity amount tax taxCode { code ratePercent } }`;
type Doc = {
  id: string;
  number: string;
  currency: string;
  exchangeRate: string | null;
  documentDate: string;
  dueDate: string | null;
  subtotal: string;
  tax: string;
  total: string;
  baseTotal: string | null;
  party: { code: string; name: string; taxId: string | null };
  lines: {
    description: string;
    amount: string;
    tax: string;
    taxCode: { code: string; ratePercent: string };
  }[];
};
const RENDER = `mutation($id: ID!) { renderDocument(id: $id) { url expiresAt fileName document { id number } } }`;
const ARCHIVE = `mutation($from: Date!, $to: Date!) { exportDocumentsArchive(from: $from, to: $to) { url expiresAt fileName from to documentCount } }`;

async function customer(code: string, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await as()<{ createParty: { id: string } }>(
    `mutation($input: CreatePartyInput!) { createParty(input: $input) { id } }`,
    { input: { kind: 'CUSTOMER', code, name, ...extra } },
  );
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data!.createParty.id;
}

async function invoice(input: Record<string, unknown>, post = true): Promise<Doc> {
  const draft = await as()<{ createSalesInvoice: Doc }>(
    `mutation($input: InvoiceDraftInput!) { createSalesInvoice(input: $input) { ${DOC} } }`,
    { input },
  );
  expect(draft.errors, JSON.stringify(draft.errors)).toBeUndefined();
  if (!post) return draft.data!.createSalesInvoice;
  const posted = await as()<{ approveSalesInvoice: Doc }>(
    `mutation($id: ID!) { approveSalesInvoice(id: $id) { ${DOC} } }`,
    { id: draft.data!.createSalesInvoice.id },
  );
  expect(posted.errors, JSON.stringify(posted.errors)).toBeUndefined();
  return posted.data!.approveSalesInvoice;
}

/** renderDocument's link, downloaded: the response and the PDF's text. */
async function rendered(id: string, who: 'senior' | 'client' = 'senior') {
  const r = await as(who)<{ renderDocument: { url: string; expiresAt: string; fileName: string } }>(RENDER, {
    id,
  });
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  const link = r.data!.renderDocument;
  const res = await fetch(link.url);
  expect(res.status).toBe(200);
  const pdf = Buffer.from(await res.arrayBuffer());
  return { link, res, pdf, text: pdfText(pdf) };
}

describe('renderDocument', () => {
  const party: Record<string, string> = {};
  let pab: Doc;

  beforeAll(async () => {
    party.N = await customer('REN-N', 'Ñandú Café, S.A.', { taxId: '155-1-2026' });
    party.EUR = await customer('REN-EUR', 'Rösterei GmbH', { currency: 'EUR' });
    pab = await invoice({
      partyId: party.N,
      documentDate: '2026-06-10',
      reference: 'OC-¿77?',
      lines: [
        {
          accountCode: '4101',
          description: 'Café molido, bolsa de 1 kg',
          quantity: '4',
          unitPrice: '12.50',
          taxCode: 'ITBMS7',
        },
        {
          accountCode: '4101',
          description: 'Licor de café añejo',
          quantity: '2',
          unitPrice: '617.255',
          taxCode: 'ITBMS10',
        },
        {
          accountCode: '4101',
          description: 'Servicio exento',
          quantity: '1',
          unitPrice: '10',
          taxCode: 'EXENTO',
        },
      ],
    });
  });

  it('links a PDF of a posted invoice whose number, party, lines, taxes per rate and totals are the API’s', async () => {
    const { link, res, pdf, text } = await rendered(pab.id);
    expect(link.fileName).toBe(`${TENANT}-${pab.number}.pdf`);
    const ttl = Date.parse(link.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(200_000);
    expect(ttl).toBeLessThanOrEqual(300_000);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${link.fileName}"`);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

    const api = await as()<{ document: Doc; legalDetails: Record<string, string> }>(
      `query($id: ID!) { document(id: $id) { ${DOC} } legalDetails { legalName ruc dv address } }`,
      { id: pab.id },
    );
    const doc = api.data!.document;
    const legal = api.data!.legalDetails;
    // The white label and the client's legal details.
    expect(text).toContain('Tostadores de Boquete');
    expect(text).toContain(legal.legalName as string);
    expect(text).toContain(`RUC ${legal.ruc} DV ${legal.dv}`);
    expect(text).toContain(legal.address as string);
    // The logo: one 1×1 image on page 1.
    const file = path.join(await makeTestDir('cifra-render-'), 'doc.pdf');
    await writeFile(file, pdf);
    expect(execFileSync('pdfimages', ['-list', file]).toString()).toMatch(/\n\s+1\s+0\s+image\s+1\s+1\s/);
    await rm(path.dirname(file), { recursive: true, force: true });
    // The document, its party (Spanish letters and signs intact) and its dates.
    expect(text).toContain('FACTURA / INVOICE');
    expect(text).toContain(`No. ${doc.number}`);
    expect(text).toContain('Ñandú Café, S.A.');
    expect(text).toContain(`RUC / Tax id: ${doc.party.taxId}`);
    expect(text).toContain('Referencia / Reference: OC-¿77?');
    expect(text).toContain(`Fecha / Date: ${doc.documentDate}`);
    expect(text).toContain(`Vence / Due: ${doc.dueDate}`);
    // Every line's amount with its tax code and rate, on the line's own row.
    expect(doc.lines).toHaveLength(3);
    for (const l of doc.lines) {
      expect(text).toMatch(
        new RegExp(
          `${re(l.description)}\\s+\\S+\\s+\\S+\\s+${re(grouped(l.amount))}\\s+${l.taxCode.code} ${l.taxCode.ratePercent} %`,
        ),
      );
    }
    // Taxes per rate: the base each rate applies to and the tax it yields, summed from the API's lines.
    for (const code of ['ITBMS7', 'ITBMS10']) {
      const lines = doc.lines.filter((l) => l.taxCode.code === code);
      const sum = (f: (l: Doc['lines'][number]) => string) =>
        grouped(
          formatMoney(
            lines.reduce((s, l) => s + cents(f(l)), 0n),
            2,
          ),
        );
      const rate = lines[0]!.taxCode.ratePercent;
      expect(text).toMatch(
        new RegExp(`${rate} % sobre / on ${re(sum((l) => l.amount))}\\)\\s+${re(sum((l) => l.tax))}`),
      );
    }
    expect(text).toMatch(new RegExp(`Subtotal\\s+${re(grouped(doc.subtotal))}`));
    expect(text).toMatch(new RegExp(`Impuesto / Tax\\s+${re(grouped(doc.tax))}`));
    expect(text).toMatch(new RegExp(`Total PAB\\s+${re(grouped(doc.total))}\\n`));
    expect([doc.subtotal, doc.tax, doc.total]).toEqual(['1294.51', '126.95', '1421.46']);
    expect(text).not.toContain('ANULADO');
    expect(text).not.toContain('Tasa / Rate');
    // Who rendered what, in the client's own trail: the link made, then the file served.
    const trail = await t.tenantSql<{ action: string; actor_email: string }>(
      TENANT,
      `SELECT action, actor_email FROM audit_events WHERE entity_type = 'Document' AND entity_id = $1 AND action LIKE 'document.render%' ORDER BY id`,
      [pab.id],
    );
    expect(trail).toEqual([
      { action: 'document.rendered', actor_email: 'senior@demo.firm' },
      { action: 'document.render_downloaded', actor_email: 'senior@demo.firm' },
    ]);
  });

  it('shows a EUR invoice’s total in EUR, its base total in PAB and the rate with its date', async () => {
    const eur = await invoice({
      partyId: party.EUR,
      documentDate: '2026-06-11',
      exchangeRate: '1.10',
      lines: [
        {
          accountCode: '4101',
          description: 'Export coffee',
          quantity: '10',
          unitPrice: '100',
          taxCode: 'EXENTO',
        },
      ],
    });
    expect([eur.currency, eur.total, eur.baseTotal]).toEqual(['EUR', '1000.00', '1100.00']);
    const { text } = await rendered(eur.id);
    expect(text).toContain('Rösterei GmbH');
    expect(text).toContain('Moneda / Currency: EUR');
    expect(text).toMatch(/Total EUR\s+1,000\.00/);
    expect(text).toMatch(/Total PAB\s+1,100\.00/);
    expect(text).toMatch(/Tasa \/ Rate: 1 EUR = 1\.1 PAB \(.*2026-06-11\)/);
  });

  it('marks a voided invoice ANULADO / VOID, with the void’s date and reason', async () => {
    const doc = await invoice({
      partyId: party.N,
      documentDate: '2026-06-12',
      lines: [
        {
          accountCode: '4101',
          description: 'Pedido duplicado',
          quantity: '1',
          unitPrice: '5',
          taxCode: 'ITBMS7',
        },
      ],
    });
    const v = await as()(
      `mutation($id: ID!) { voidSalesInvoice(id: $id, reason: "Pedido duplicado por error del cajero", voidDate: "2026-06-13") { id voided } }`,
      { id: doc.id },
    );
    expect(v.errors, JSON.stringify(v.errors)).toBeUndefined();
    const { text } = await rendered(doc.id);
    expect(text).toContain('ANULADO / VOID');
    expect(text).toContain('2026-06-13: Pedido duplicado por error del cajero');
    expect(text).toMatch(/Total PAB\s+5\.35/);
  });

  it('renders a receipt with what it settles and its bank fee, and a credit note with its invoice', async () => {
    const receipt = await as()<{ createCustomerReceipt: { id: string } }>(
      `mutation($input: PaymentDraftInput!) { createCustomerReceipt(input: $input) { id } }`,
      {
        input: {
          partyId: party.N,
          documentDate: '2026-06-20',
          amount: '100.00',
          bankFee: '1.50',
          allocations: [{ invoiceId: pab.id, amount: '100.00' }],
        },
      },
    );
    expect(receipt.errors, JSON.stringify(receipt.errors)).toBeUndefined();
    const posted = await as()<{ postPayment: { id: string; number: string; total: string } }>(
      `mutation($id: ID!) { postPayment(id: $id) { id number total } }`,
      { id: receipt.data!.createCustomerReceipt.id },
    );
    expect(posted.errors, JSON.stringify(posted.errors)).toBeUndefined();
    const r = (await rendered(posted.data!.postPayment.id)).text;
    expect(r).toContain('RECIBO / RECEIPT');
    expect(r).toContain(`No. ${posted.data!.postPayment.number}`);
    expect(r).toContain('Ñandú Café, S.A.');
    expect(r).toMatch(new RegExp(`${pab.number}\\s+PAB 100\\.00`));
    expect(r).toMatch(/Cargo bancario \/ Bank fee\s+1\.50/);
    expect(r).toMatch(/Total PAB\s+100\.00/);
    expect(r).toMatch(/Neto recibido \/ Net received\s+98\.50/);

    const note = await as()<{ createCreditNote: { id: string } }>(
      `mutation($input: InvoiceDraftInput!) { createCreditNote(input: $input) { id } }`,
      {
        input: {
          partyId: party.N,
          appliesToId: pab.id,
          documentDate: '2026-06-21',
          lines: [
            {
              accountCode: '4101',
              description: 'Devolución de café',
              quantity: '1',
              unitPrice: '12.50',
              taxCode: 'ITBMS7',
            },
          ],
        },
      },
    );
    expect(note.errors, JSON.stringify(note.errors)).toBeUndefined();
    const approved = await as()<{ approveSalesInvoice: { id: string; number: string } }>(
      `mutation($id: ID!) { approveSalesInvoice(id: $id) { id number } }`,
      { id: note.data!.createCreditNote.id },
    );
    expect(approved.errors, JSON.stringify(approved.errors)).toBeUndefined();
    const n = (await rendered(approved.data!.approveSalesInvoice.id)).text;
    expect(n).toContain('NOTA DE CRÉDITO / CREDIT NOTE');
    expect(n).toContain(`Aplica a / Applies to: ${pab.number}`);
    expect(n).toMatch(/Devolución de café\s+1\s+12\.50\s+12\.50\s+ITBMS7 7 %/);
    expect(n).toMatch(/Total PAB\s+13\.38/);
  });

  it('lets a read-only user render, refuses a draft, and does not know another client’s document', async () => {
    expect((await rendered(pab.id, 'client')).text).toContain(`No. ${pab.number}`);
    const draft = await invoice(
      {
        partyId: party.N,
        documentDate: '2026-06-14',
        lines: [{ accountCode: '4101', quantity: '1', unitPrice: '1', taxCode: 'EXENTO' }],
      },
      false,
    );
    expect(codes(await as()(RENDER, { id: draft.id }))).toEqual(['DOCUMENT_NOT_POSTED']);
    expect(codes(await as('senior', OTHER)(RENDER, { id: pab.id }))).toEqual(['NOT_FOUND']);
    expect(codes(await as()(RENDER, { id: 'not-an-id' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses a download whose link was tampered with or whose user may no longer read the client', async () => {
    const r = await as()<{ renderDocument: { url: string } }>(RENDER, { id: pab.id });
    const url = r.data!.renderDocument.url;
    const [head, payload, signature] = url.split('/exports/')[1]!.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = Buffer.from(
      JSON.stringify({ ...claims, doc: '00000000-0000-4000-8000-000000000000' }),
    ).toString('base64url');
    const res = await fetch(url.replace(`${head}.${payload}.${signature}`, `${head}.${forged}.${signature}`));
    expect(res.status).toBe(401);
  });
});

describe('exportDocumentsArchive', () => {
  it('zips one PDF per document posted in the month, exactly those, each read back by number', async () => {
    const r = await as()<{
      exportDocumentsArchive: {
        url: string;
        fileName: string;
        documentCount: number;
        from: string;
        to: string;
      };
    }>(ARCHIVE, { from: '2026-06-01', to: '2026-06-30' });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    const archive = r.data!.exportDocumentsArchive;
    expect(archive.fileName).toBe(`${TENANT}-documents-2026-06-01-2026-06-30.zip`);
    const listed = await as()<{ documents: { edges: { node: { number: string; total: string } }[] } }>(
      `{ documents(filter: { status: POSTED, from: "2026-06-01", to: "2026-06-30" }, first: 500) { edges { node { number total } } } }`,
    );
    const numbers = listed.data!.documents.edges.map((e) => e.node.number).sort();
    expect(numbers.length).toBeGreaterThanOrEqual(3);
    expect(archive.documentCount).toBe(numbers.length);

    const res = await fetch(archive.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const files = await unzipEntries(Buffer.from(await res.arrayBuffer()));
    expect([...files.keys()].sort()).toEqual(numbers.map((n) => `${n}.pdf`));
    for (const { node } of listed.data!.documents.edges) {
      const text = pdfText(files.get(`${node.number}.pdf`) as Buffer);
      expect(text).toContain(`No. ${node.number}`);
      expect(text).toMatch(new RegExp(`Total \\w{3}\\s+${re(grouped(node.total))}\\n`));
    }
    // Another client's archive of the same month holds none of these.
    const other = await as('senior', OTHER)<{ exportDocumentsArchive: { url: string } }>(ARCHIVE, {
      from: '2026-06-01',
      to: '2026-06-30',
    });
    const otherFiles = await unzipEntries(
      Buffer.from(await (await fetch(other.data!.exportDocumentsArchive.url)).arrayBuffer()),
    );
    for (const n of numbers) expect(otherFiles.has(`${n}.pdf`)).toBe(false);
  });

  it('refuses a range over 366 days or backwards, naming the argument, and a user without GL.Export', async () => {
    const long = await as()(ARCHIVE, { from: '2025-06-01', to: '2026-06-02' });
    expect(codes(long)).toEqual(['BAD_USER_INPUT']);
    expect(long.errors?.[0]?.message).toMatch(/^to: /);
    expect(codes(await as()(ARCHIVE, { from: '2025-06-01', to: '2026-06-01' }))).toEqual([]);
    const backwards = await as()(ARCHIVE, { from: '2026-06-30', to: '2026-06-01' });
    expect(codes(backwards)).toEqual(['BAD_USER_INPUT']);
    expect(backwards.errors?.[0]?.message).toMatch(/^from: /);
    expect(codes(await as('client')(ARCHIVE, { from: '2026-06-01', to: '2026-06-30' }))).toEqual([
      'FORBIDDEN',
    ]);
  });
});
