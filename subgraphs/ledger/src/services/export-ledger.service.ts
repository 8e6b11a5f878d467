import { type Actor, inTransaction, recordAuditEvent, type TenantDb } from '@cifra/db';
import { badInput, parseIsoDate } from '@cifra/domain';
import { type ExportFormat, type ExportLinkSigner, exportFileName } from '@cifra/exports';

export interface ExportLedgerResult {
  url: string;
  expiresAt: Date;
  format: ExportFormat;
  from: string;
  to: string;
  fileName: string;
}

/**
 * A signed download link for the caller's own client: the tenant in the link is the one of the
 * gateway-signed request context, never an argument. The request is recorded in the client's
 * audit trail (who, what format, what range) before the link is handed out.
 */
export async function exportLedger(
  db: TenantDb,
  signer: ExportLinkSigner | undefined,
  actor: Actor & { integration?: { clientId: string; via: 'secret' | 'oidc' } | null },
  tenant: { id: string; slug: string },
  args: { format: ExportFormat; from: string; to: string },
): Promise<ExportLedgerResult> {
  const from = parseIsoDate(args.from, 'from');
  const to = parseIsoDate(args.to, 'to');
  if (from > to) throw badInput('from: must not be after to', { field: 'from' });
  if (!signer || !actor.userId) {
    // A deployment error, not the caller's: reaches the client as INTERNAL_SERVER_ERROR.
    throw new Error('Exports are not configured on this server: no export signing key');
  }
  const link = await signer.sign({
    tenantId: tenant.id,
    tenantSlug: tenant.slug,
    format: args.format,
    from,
    to,
    userId: actor.userId,
    email: actor.email ?? '',
    integration: actor.integration ?? null,
  });
  await inTransaction(db, actor, (tx) =>
    recordAuditEvent(tx, actor, {
      action: 'ledger.exported',
      entityType: 'Export',
      entityId: link.exportId,
      after: { format: args.format, from, to, expiresAt: link.expiresAt.toISOString() },
    }),
  );
  return {
    url: link.url,
    expiresAt: link.expiresAt,
    format: args.format,
    from,
    to,
    fileName: exportFileName({ tenantSlug: tenant.slug, format: args.format, from, to }),
  };
}
