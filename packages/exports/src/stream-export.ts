import { pipeline, type Writable } from 'node:stream';
import { promisify } from 'node:util';
import { type Actor, type pg, recordAuditEvent, tenantDb } from '@cifra/db';
import { balancesAsOf } from '@cifra/engine';
import QueryStream from 'pg-query-stream';
import {
  type Books,
  DOCUMENTS_CSV_HEADER,
  documentCsvLine,
  GL_CSV_HEADER,
  glCsvLine,
  hledgerOpening,
  hledgerPreamble,
  hledgerTransform,
  lineTransform,
  type MinorUnitsOf,
} from './formats.ts';
import {
  type ExportClaims,
  isDocumentFormat,
  isItbmsReturnFormat,
  isStatementFormat,
  type LinkFormat,
} from './link.ts';

const pipe = promisify(pipeline);

/** Rows fetched from the server per round trip: memory stays flat whatever the range. */
const BATCH_SIZE = 1000;

export const EXPORT_CONTENT: Record<LinkFormat, { contentType: string; extension: string; name: string }> = {
  GL_CSV: { contentType: 'text/csv; charset=utf-8', extension: 'csv', name: 'general-ledger' },
  DOCUMENTS_CSV: { contentType: 'text/csv; charset=utf-8', extension: 'csv', name: 'documents' },
  HLEDGER: { contentType: 'text/plain; charset=utf-8', extension: 'journal', name: 'journal' },
  DOCUMENT_PDF: { contentType: 'application/pdf', extension: 'pdf', name: 'document' },
  DOCUMENTS_ZIP: { contentType: 'application/zip', extension: 'zip', name: 'documents' },
  PARTY_STATEMENT_PDF: { contentType: 'application/pdf', extension: 'pdf', name: 'statement' },
  PARTY_STATEMENTS_ZIP: { contentType: 'application/zip', extension: 'zip', name: 'statements' },
  ITBMS_RETURN_PDF: { contentType: 'application/pdf', extension: 'pdf', name: 'itbms' },
  ITBMS_RETURN_CSV: { contentType: 'text/csv; charset=utf-8', extension: 'csv', name: 'itbms' },
};

/** Safe in a Content-Disposition header and on any file system: letters, digits, dashes. */
export const fileSafe = (text: string) => text.replace(/[^a-z0-9-]/gi, '');

export function exportFileName(
  c: Pick<ExportClaims, 'tenantSlug' | 'format' | 'from' | 'to'> & { fileName?: string | null },
): string {
  const f = EXPORT_CONTENT[c.format];
  if (c.fileName) return `${fileSafe(c.fileName)}.${f.extension}`;
  return `${fileSafe(c.tenantSlug)}-${f.name}-${c.from}-${c.to}.${f.extension}`;
}

/** GL lines of a date range in the ledger's order (posting date, entry number, line). */
const GL_LINES = `
  SELECT l.posting_date::text AS posting_date, e.number AS entry_number, l.line_number,
         a.code AS account_code, a.name AS account_name, a.type::text AS account_type,
         l.amount_minor::text AS amount_minor, l.original_currency,
         l.original_amount_minor::text AS original_amount_minor,
         p.code AS party_code, p.name AS party_name, e.memo AS entry_memo, l.memo AS line_memo,
         e.source_kind::text AS source_kind, e.actual_posting_date,
         r.rate::text AS rate, r.rate_date::text AS rate_date, r.source AS rate_source,
         r.is_override AS rate_is_override, l.rate_is_fallback
    FROM gl_lines l
    JOIN journal_entries e ON e.id = l.entry_id
    JOIN accounts a ON a.id = l.account_id
    LEFT JOIN parties p ON p.id = l.party_id
    LEFT JOIN exchange_rates r ON r.id = l.exchange_rate_id
   WHERE l.posting_date BETWEEN $1::date AND $2::date
   ORDER BY l.posting_date, e.number, l.line_number`;

const DOCUMENTS = `
  SELECT d.number, d.kind::text AS kind, d.status::text AS status, d.document_date::text AS document_date,
         d.posting_date::text AS posting_date, d.due_date::text AS due_date,
         p.code AS party_code, p.name AS party_name, d.currency, d.exchange_rate::text AS exchange_rate,
         d.subtotal_minor::text AS subtotal_minor, d.tax_minor::text AS tax_minor,
         d.total_minor::text AS total_minor, d.base_total_minor::text AS base_total_minor,
         d.reference, d.memo, d.bank_fee_minor::text AS bank_fee_minor, e.number AS entry_number,
         r.number AS void_entry_number, r.posting_date::text AS void_date, v.reason AS void_reason
    FROM documents d JOIN parties p ON p.id = d.party_id
    JOIN journal_entries e ON e.id = d.entry_id
    LEFT JOIN voids v ON v.entry_id = d.entry_id
    LEFT JOIN journal_entries r ON r.id = v.reversal_entry_id
   -- Only posted documents: a draft (pending or discarded) is not in the books and has no number.
   -- A voided one stays listed, as posted, with its void (the reversal's date, reason and number).
   WHERE d.status = 'POSTED' AND d.posting_date BETWEEN $1::date AND $2::date
   ORDER BY d.posting_date, d.kind, d.number NULLS LAST, d.created_at, d.id`;

export interface StreamExportOptions {
  /** A pool of the link's own client database: the tenant comes from the signed link, nowhere else. */
  pool: pg.Pool;
  claims: ExportClaims;
  minorUnitsOf: MinorUnitsOf;
  out: Writable;
  /** Called once the export is known to start, before the first byte (set headers here). */
  onStart?: () => void;
}

/**
 * Stream one export from a consistent snapshot (REPEATABLE READ, read only) through a server-side
 * cursor, BATCH_SIZE rows at a time, with backpressure from `out`: a year of books is never held
 * in memory. The download is recorded in the client's audit trail first.
 */
export async function streamExport(o: StreamExportOptions): Promise<void> {
  const { claims } = o;
  if (
    isDocumentFormat(claims.format) ||
    isStatementFormat(claims.format) ||
    isItbmsReturnFormat(claims.format)
  )
    throw new Error(`${claims.format} is served by streamDocuments, streamStatements or streamItbmsReturn`);
  const client = await o.pool.connect();
  let failed: unknown;
  try {
    const db = tenantDb(client);
    const actor: Actor = { userId: claims.userId, email: claims.email, requestId: claims.exportId };
    await recordAuditEvent(db, actor, {
      action: 'ledger.export_downloaded',
      entityType: 'Export',
      entityId: claims.exportId,
      after: { format: claims.format, from: claims.from, to: claims.to },
    });
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // A large export runs longer than the pool's per-statement limit for interactive queries.
    await client.query(`SET LOCAL statement_timeout = '30min'`);
    const { rows } = await client.query<{
      legal_name: string;
      base_currency: string;
      base_minor_units: number;
    }>('SELECT legal_name, base_currency, base_minor_units FROM company');
    const company = rows[0];
    if (!company) throw new Error('client database has no company row');
    const books: Books = {
      legalName: company.legal_name,
      slug: claims.tenantSlug,
      baseCurrency: company.base_currency.trim(),
      baseMinorUnits: company.base_minor_units,
    };
    o.onStart?.();
    const range = [claims.from, claims.to];
    if (claims.format === 'GL_CSV') {
      o.out.write(GL_CSV_HEADER);
      await pipe(
        client.query(new QueryStream(GL_LINES, range, { batchSize: BATCH_SIZE })),
        lineTransform((r: Parameters<typeof glCsvLine>[0]) => glCsvLine(r, books, o.minorUnitsOf)),
        o.out,
      );
    } else if (claims.format === 'DOCUMENTS_CSV') {
      o.out.write(DOCUMENTS_CSV_HEADER);
      await pipe(
        client.query(new QueryStream(DOCUMENTS, range, { batchSize: BATCH_SIZE })),
        lineTransform((r: Parameters<typeof documentCsvLine>[0]) =>
          documentCsvLine(r, books, o.minorUnitsOf),
        ),
        o.out,
      );
    } else {
      const accounts = await client.query<{ code: string; name: string; type: string }>(
        'SELECT code, name, type::text AS type FROM accounts ORDER BY code',
      );
      o.out.write(
        hledgerPreamble(
          books,
          {
            from: claims.from,
            to: claims.to,
            exportedAt: new Date(),
            email: claims.email,
            exportId: claims.exportId,
          },
          accounts.rows,
        ),
      );
      const dayBefore = await client.query<{ d: string }>('SELECT ($1::date - 1)::text AS d', [claims.from]);
      const opening = await balancesAsOf(db, dayBefore.rows[0]?.d as string);
      o.out.write(
        hledgerOpening(
          claims.from,
          opening.map((b) => ({
            code: b.accountCode,
            name: b.accountName,
            type: b.accountType,
            balanceMinor: b.balanceMinor,
          })),
          books,
        ),
      );
      await pipe(
        client.query(new QueryStream(GL_LINES, range, { batchSize: BATCH_SIZE })),
        hledgerTransform(books, o.minorUnitsOf),
        o.out,
      );
    }
    await client.query('COMMIT');
  } catch (err) {
    failed = err;
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    // A connection left mid-cursor by an aborted download is not reused.
    client.release(failed instanceof Error ? failed : undefined);
  }
}
