import { pipeline } from 'node:stream/promises';
import { type Actor, recordAuditEvent, tenantDb } from '@cifra/db';
import { ZipFile } from 'yazl';
import { COMPANY, type CompanyRow, companyOf } from '../documents/document-view.ts';
import { DocumentNotServed, type StreamDocumentsOptions } from '../documents/stream-documents.ts';
import { EXPORT_CONTENT, exportFileName, fileSafe } from '../stream-export.ts';
import { renderStatementPdf, type StatementView } from './render-statement.ts';
import { loadPartyStatement } from './statement-data.ts';
import { partiesToState, type Queryable } from './statement-queries.ts';

/** The most statements one archive holds; `exportPartyStatementsArchive` refuses more. */
export const MAX_ARCHIVE_STATEMENTS = 2000;

export type StreamStatementsOptions = Omit<StreamDocumentsOptions, 'maxDocuments'> & {
  /** The most statements a PARTY_STATEMENTS_ZIP serves (MAX_ARCHIVE_STATEMENTS; smaller in tests). */
  maxStatements?: number;
};

/**
 * Serve a PARTY_STATEMENT_PDF link (one party's statement) or a PARTY_STATEMENTS_ZIP link (one PDF
 * per customer or vendor with activity in the range or a balance brought into it, `<code>.pdf`)
 * from one consistent snapshot (REPEATABLE READ, read only), as `streamDocuments` serves documents:
 * the archive draws one statement at a time, when the zip asks for it. The download is recorded in
 * the client's audit trail first.
 */
export async function streamStatements(o: StreamStatementsOptions): Promise<void> {
  const { claims } = o;
  const client = await o.pool.connect();
  let failed: unknown;
  try {
    const actor: Actor = { userId: claims.userId, email: claims.email, requestId: claims.exportId };
    const one = claims.format === 'PARTY_STATEMENT_PDF';
    await recordAuditEvent(tenantDb(client), actor, {
      action: one ? 'party_statement.render_downloaded' : 'party_statements.archive_downloaded',
      entityType: one ? 'Party' : 'Export',
      entityId: one ? (claims.partyId as string) : claims.exportId,
      after: { format: claims.format, from: claims.from, to: claims.to, exportId: claims.exportId },
    });
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SET LOCAL statement_timeout = '30min'`);
    const { rows } = await client.query<CompanyRow>(COMPANY);
    if (!rows[0]) throw new Error('client database has no company row');
    const company = companyOf(rows[0]);
    const load = async (partyId: string): Promise<StatementView> => {
      const statement = await loadPartyStatement(
        client,
        { partyId, from: claims.from, to: claims.to },
        o.minorUnitsOf,
      );
      if (!statement) throw new DocumentNotServed(404, 'NOT_FOUND', 'This party is not in these books');
      return { brand: o.brand, company, statement };
    };
    if (claims.format === 'PARTY_STATEMENT_PDF') {
      const view = await load(claims.partyId ?? '');
      o.onStart?.({
        contentType: EXPORT_CONTENT.PARTY_STATEMENT_PDF.contentType,
        fileName: exportFileName(claims),
      });
      await pipeline(renderStatementPdf(view), o.out);
    } else if (claims.format === 'PARTY_STATEMENTS_ZIP' && claims.partyKind) {
      const max = o.maxStatements ?? MAX_ARCHIVE_STATEMENTS;
      const parties = await partiesToState(client, claims.partyKind, claims.from, claims.to, max + 1);
      if (parties.length > max) {
        throw new DocumentNotServed(
          422,
          'BAD_USER_INPUT',
          `More than ${max} parties to state now: ask for a shorter range`,
        );
      }
      o.onStart?.({
        contentType: EXPORT_CONTENT.PARTY_STATEMENTS_ZIP.contentType,
        fileName: exportFileName(claims),
      });
      await pipeline(archive(parties, load), o.out);
    } else {
      throw new Error(`${claims.format} is not a statement link`);
    }
    await client.query('COMMIT');
  } catch (err) {
    failed = err;
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release(failed instanceof Error && !(failed instanceof DocumentNotServed) ? failed : undefined);
  }
}

function archive(
  parties: readonly { id: string; code: string }[],
  load: (id: string) => Promise<StatementView>,
): NodeJS.ReadableStream {
  const zip = new ZipFile();
  const used = new Set<string>();
  for (const p of parties) {
    // Codes differing only in signs a file name drops ("A.1", "A1") still get a file each.
    let name = fileSafe(p.code) || 'party';
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${fileSafe(p.code) || 'party'}-${n}`;
    used.add(name.toLowerCase());
    zip.addReadStreamLazy(`${name}.pdf`, { compress: true }, (cb) => {
      load(p.id).then(
        (view) => cb(null, renderStatementPdf(view)),
        (err: Error) => cb(err, undefined as never),
      );
    });
  }
  zip.on('error', (err: Error) => (zip.outputStream as unknown as { destroy(e: Error): void }).destroy(err));
  zip.end();
  return zip.outputStream;
}

/** How many parties an archive would state now (the ledger checks before signing). */
export async function countPartiesToState(
  client: Queryable,
  kind: 'CUSTOMER' | 'VENDOR',
  from: string,
  to: string,
  limit: number,
): Promise<number> {
  return (await partiesToState(client, kind, from, to, limit)).length;
}
