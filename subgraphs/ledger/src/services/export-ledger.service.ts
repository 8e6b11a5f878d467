import { type Actor, inTransaction, recordAuditEvent, type TenantDb } from '@cifra/db';
import { badInput, parseIsoDate } from '@cifra/domain';
import { type ExportClaims, type ExportFormat, type ExportLinkSigner, exportFileName } from '@cifra/exports';

/** Who asks for a link: a person, or an integration acting through its own identity. */
export type ExportCaller = Actor & { integration?: { clientId: string; via: 'secret' | 'oidc' } | null };

/**
 * A link signed for the caller: the claims plus who asked (the download re-checks them). No
 * signer is a deployment error, not the caller's: it reaches the client as INTERNAL_SERVER_ERROR.
 */
export function signExportLink(
  signer: ExportLinkSigner | undefined,
  actor: ExportCaller,
  claims: Omit<ExportClaims, 'expiresAt' | 'exportId' | 'userId' | 'email' | 'integration'>,
) {
  if (!signer || !actor.userId) {
    throw new Error('Exports are not configured on this server: no export signing key');
  }
  return signer.sign({
    ...claims,
    userId: actor.userId,
    email: actor.email ?? '',
    integration: actor.integration ?? null,
  });
}

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
  actor: ExportCaller,
  tenant: { id: string; slug: string },
  args: { format: ExportFormat; from: string; to: string },
): Promise<ExportLedgerResult> {
  const from = parseIsoDate(args.from, 'from');
  const to = parseIsoDate(args.to, 'to');
  if (from > to) throw badInput('from: must not be after to', { field: 'from' });
  const link = await signExportLink(signer, actor, {
    tenantId: tenant.id,
    tenantSlug: tenant.slug,
    format: args.format,
    from,
    to,
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
