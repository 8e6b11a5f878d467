import { inTransaction, recordAuditEvent, type TenantDb } from '@cifra/db';
import { badInput } from '@cifra/domain';
import {
  type ExportLinkSigner,
  exportFileName,
  MAX_ARCHIVE_STATEMENTS,
  type StatementMinorUnitsOf,
  type StatementPartyKind,
} from '@cifra/exports';
import { type ExportCaller, signExportLink } from '../services/export-ledger.service.ts';
import { partyStatement, statementParty, statementRange } from './party-statement.ts';
import { partiesToStateCount } from './store.ts';

type Client = { id: string; slug: string };

/**
 * Signed links to rendered statements, made as renderDocument's: the tenant in the link is the
 * request context's, the request is audited before the link is handed out, and the gateway draws
 * the PDF (from the same queries as `partyStatement`) when the link is used.
 */
export async function renderPartyStatement(
  db: TenantDb,
  signer: ExportLinkSigner | undefined,
  actor: ExportCaller,
  client: Client,
  args: { partyId: string; from: string; to: string },
  minorUnitsOf: StatementMinorUnitsOf,
) {
  const range = statementRange(args);
  const party = await statementParty(db, args.partyId);
  // The same refusals as the data: a statement too long to show is too long to draw.
  await partyStatement(db, { partyId: party.id, ...range }, minorUnitsOf);
  const claims = {
    tenantId: client.id,
    tenantSlug: client.slug,
    format: 'PARTY_STATEMENT_PDF' as const,
    ...range,
    partyId: party.id,
    fileName: `${client.slug}-statement-${party.code}-${range.from}-${range.to}`,
  };
  const link = await signExportLink(signer, actor, claims);
  await inTransaction(db, actor, (tx) =>
    recordAuditEvent(tx, actor, {
      action: 'party_statement.rendered',
      entityType: 'Party',
      entityId: party.id,
      after: { code: party.code, ...range, exportId: link.exportId, expiresAt: link.expiresAt.toISOString() },
    }),
  );
  return { url: link.url, expiresAt: link.expiresAt, fileName: exportFileName(claims), partyId: party.id };
}

export async function exportPartyStatementsArchive(
  db: TenantDb,
  signer: ExportLinkSigner | undefined,
  actor: ExportCaller,
  client: Client,
  args: { kind: StatementPartyKind; from: string; to: string },
  maxStatements = MAX_ARCHIVE_STATEMENTS,
) {
  const range = statementRange(args);
  const partyCount = await partiesToStateCount(db, args.kind, range.from, range.to, maxStatements + 1);
  if (partyCount > maxStatements) {
    throw badInput(
      `to: more than ${maxStatements} parties to state; an archive holds at most ${maxStatements}`,
      {
        field: 'to',
      },
    );
  }
  const claims = {
    tenantId: client.id,
    tenantSlug: client.slug,
    format: 'PARTY_STATEMENTS_ZIP' as const,
    ...range,
    partyKind: args.kind,
    fileName: `${client.slug}-statements-${args.kind.toLowerCase()}-${range.from}-${range.to}`,
  };
  const link = await signExportLink(signer, actor, claims);
  await inTransaction(db, actor, (tx) =>
    recordAuditEvent(tx, actor, {
      action: 'party_statements.archive_exported',
      entityType: 'Export',
      entityId: link.exportId,
      after: {
        format: claims.format,
        kind: args.kind,
        ...range,
        partyCount,
        expiresAt: link.expiresAt.toISOString(),
      },
    }),
  );
  return {
    url: link.url,
    expiresAt: link.expiresAt,
    fileName: exportFileName(claims),
    kind: args.kind,
    ...range,
    partyCount,
  };
}
