import { Writable } from 'node:stream';
import { DomainError } from '@cifra/domain';
import {
  DocumentNotServed,
  ExportLinkSigner,
  ExportLinkVerifier,
  generateExportKeys,
  streamDocuments,
} from '@cifra/exports';
import { pdfText, unzipEntries } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, postDocument } from '../src/documents/index.ts';
import { exportDocumentsArchive, renderDocument } from '../src/render/index.ts';
import type { Books } from '../src/services/books.ts';
import { createParty } from '../src/services/parties.service.ts';
import { actor, openTestBooks, type TestBooks } from './test-books.ts';

/**
 * The signed links of rendered documents and what they serve, on a real client database: the
 * archive's bound on documents (small here) refused when the link is asked for and, should the
 * range fill up after, when it is downloaded; a zip of exactly the range's posted documents.
 */
let t: TestBooks;
let books: Books;
let signer: ExportLinkSigner;
let verifier: ExportLinkVerifier;
const client = { id: '00000000-0000-4000-8000-0000000000aa', slug: 'render-test' };
const ids: string[] = [];

beforeAll(async () => {
  t = await openTestBooks();
  books = await t.books();
  const keys = await generateExportKeys();
  signer = await ExportLinkSigner.fromJwk(keys.privateJwk, () => 'http://books.test');
  verifier = await ExportLinkVerifier.fromJwk(keys.publicJwk);
  const customer = (await createParty(books, { kind: 'CUSTOMER', code: 'C1', name: 'Pingüino Azul' })).id;
  for (const day of ['05', '12', '19']) {
    const draft = await createDraft(books, 'SALES_INVOICE', {
      partyId: customer,
      documentDate: `2026-03-${day}`,
      lines: [{ accountCode: '4101', quantity: '1', unitPrice: `${day}.00`, taxCode: 'ITBMS7' }],
    });
    ids.push((await postDocument(books, draft.id, 'SALES')).id);
  }
  // A draft of the month: not in the books, not in the archive.
  await createDraft(books, 'SALES_INVOICE', {
    partyId: customer,
    documentDate: '2026-03-20',
    lines: [{ accountCode: '4101', quantity: '1', unitPrice: '1.00', taxCode: 'ITBMS7' }],
  });
});
afterAll(() => t.close());

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
};

async function download(url: string, maxDocuments?: number): Promise<Buffer> {
  const claims = await verifier.verify(url.split('/exports/')[1]);
  expect(claims).not.toBeNull();
  const chunks: Buffer[] = [];
  await streamDocuments({
    pool: t.appPool,
    claims: claims!,
    brand: { displayName: 'Pingüino', brandColor: null, logoUrl: null },
    minorUnitsOf: () => 2,
    maxDocuments,
    out: new Writable({
      write(chunk, _enc, done) {
        chunks.push(Buffer.from(chunk));
        done();
      },
    }),
  });
  return Buffer.concat(chunks);
}

describe('exportDocumentsArchive', () => {
  it('refuses a range holding more documents than an archive takes, naming to', async () => {
    const err = await refusal(
      exportDocumentsArchive(books.db, signer, actor, client, { from: '2026-03-01', to: '2026-03-31' }, 2),
    );
    expect([err.code, err.details.field, err.details.documentCount]).toEqual(['BAD_USER_INPUT', 'to', 3]);
    expect(err.message).toMatch(/^to: 3 documents .* at most 2/);
  });

  it('refuses 367 days, accepts 366', async () => {
    const err = await refusal(
      exportDocumentsArchive(books.db, signer, actor, client, { from: '2025-03-01', to: '2026-03-02' }),
    );
    expect([err.code, err.details.field]).toEqual(['BAD_USER_INPUT', 'to']);
    const ok = await exportDocumentsArchive(books.db, signer, actor, client, {
      from: '2025-03-02',
      to: '2026-03-02',
    });
    expect(ok.documentCount).toBe(0);
  });

  it('zips exactly the posted documents of the range, and refuses the download once the range holds too many', async () => {
    const link = await exportDocumentsArchive(books.db, signer, actor, client, {
      from: '2026-03-01',
      to: '2026-03-31',
    });
    expect(link.documentCount).toBe(3);
    const zip = await download(link.url);
    const files = await unzipEntries(zip);
    expect([...files.keys()]).toEqual(['INV-2026-000001.pdf', 'INV-2026-000002.pdf', 'INV-2026-000003.pdf']);
    expect(pdfText(files.get('INV-2026-000003.pdf') as Buffer)).toMatch(
      /Pingüino Azul[\s\S]*Total PAB\s+20\.33/,
    );
    const err = await download(link.url, 2).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DocumentNotServed);
    expect([(err as DocumentNotServed).status, (err as DocumentNotServed).code]).toEqual([
      422,
      'BAD_USER_INPUT',
    ]);
  });
});

describe('renderDocument', () => {
  it('signs a link naming the document, its client and its number', async () => {
    const r = await renderDocument(books.db, signer, actor, client, ids[0] as string);
    expect(r.fileName).toBe('render-test-INV-2026-000001.pdf');
    const claims = await verifier.verify(r.url.split('/exports/')[1]);
    expect(claims).toMatchObject({ format: 'DOCUMENT_PDF', documentId: ids[0], tenantId: client.id });
    expect((await download(r.url)).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
