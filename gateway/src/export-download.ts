import type { Logger } from '@cifra/context';
import {
  type ControlDb,
  control as controlSchema,
  isArchived,
  type TenantRegistry,
  translateDbError,
} from '@cifra/db';
import {
  brandOf,
  DocumentNotServed,
  EXPORT_CONTENT,
  type ExportClaims,
  type ExportLinkVerifier,
  exportFileName,
  isDocumentFormat,
  isItbmsReturnFormat,
  isStatementFormat,
  type LinkFormat,
  streamDocuments,
  streamExport,
  streamItbmsReturn,
  streamStatements,
} from '@cifra/exports';
import { type Permission, Permissions } from '@cifra/permissions';
import type { Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import { resolveAccess, resolveIntegrationAccess } from './access.ts';
import { refuse as refuseWith } from './admission.ts';
import { type RateLimits, sourceAddress } from './rate-limits.ts';

/** What a download still needs, by link format: the permission of the mutation that made the link. */
const LINK_PERMISSION: Record<LinkFormat, Permission> = {
  GL_CSV: Permissions.GL.Export,
  DOCUMENTS_CSV: Permissions.GL.Export,
  HLEDGER: Permissions.GL.Export,
  DOCUMENTS_ZIP: Permissions.GL.Export,
  DOCUMENT_PDF: Permissions.GL.Read,
  PARTY_STATEMENTS_ZIP: Permissions.GL.Export,
  PARTY_STATEMENT_PDF: Permissions.GL.Read,
  ITBMS_RETURN_PDF: Permissions.GL.Read,
  ITBMS_RETURN_CSV: Permissions.GL.Read,
};

const ARCHIVED =
  'This client is archived: its books are read-only, and a download, recorded in its trail, cannot be; unarchive it (unarchiveClient) to download';
const SWITCHING =
  "This client's books are read-only for a moment while its database is switched: retry in a few seconds";

/** Serving export downloads: the link verifier (public key only) and the tenant registry. */
export interface ExportServing {
  verifier: ExportLinkVerifier;
  registry: TenantRegistry;
}

/**
 * A download refused because the client's books are read-only: 409 when the client is archived
 * (unarchive it to download), else 503 with Retry-After (a restore in place or a move switching
 * its database for a moment).
 */
async function refuseReadOnly(
  control: ControlDb,
  tenantId: string,
  res: Response,
  refuse: (status: number, code: string, message: string) => unknown,
) {
  if (await isArchived(control, tenantId)) return refuse(409, 'TENANT_READ_ONLY', ARCHIVED);
  res.setHeader('Retry-After', '5');
  return refuse(503, 'TENANT_READ_ONLY', SWITCHING);
}

/**
 * The rate-limit charge of a download (docs/architecture/gateway.md): a link that fails
 * verification draws from its source address's bucket, as a request without a valid token does; a
 * valid one from the download bucket of the person or integration it names, before their access is
 * looked up. An empty bucket is answered here, 429 RATE_LIMITED with Retry-After (true), as on
 * `/graphql`.
 */
async function answeredRateLimited(
  limits: RateLimits | undefined,
  req: Request,
  res: Response,
  claims: ExportClaims | null,
): Promise<boolean> {
  if (!limits) return false;
  try {
    if (!claims) await limits.chargeAddress(sourceAddress(req));
    else
      await limits.chargeDownload(claims.integration ? claims.userId : `email:${claims.email.toLowerCase()}`);
    return false;
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    refuseWith(res, err);
    return true;
  }
}

/**
 * `GET /exports/:token`: a download by its signed link (docs/architecture/posting.md). The tenant
 * comes from the link alone, and the caller's access is checked again as of now; the file is
 * streamed, and a failure mid-stream cuts the download rather than end a short valid file.
 */
export function exportDownload(
  control: ControlDb,
  exports: ExportServing | undefined,
  log: Logger,
  limits?: RateLimits,
) {
  return async (req: Request<{ token: string }>, res: Response) => {
    const refuse = (status: number, code: string, message: string) =>
      res.status(status).json({ errors: [{ message, extensions: { code } }] });
    if (!exports) return refuse(404, 'NOT_FOUND', 'Exports are not served here');
    // The tenant comes from the signed link alone: no header or query parameter is consulted.
    const claims = await exports.verifier.verify(req.params.token);
    if (await answeredRateLimited(limits, req, res, claims)) return;
    if (!claims) return refuse(401, 'UNAUTHENTICATED', 'This export link is invalid or has expired');
    // The link outlives nothing: the user must still be a member of that client with the
    // permission the link's mutation needed (GL.Export; GL.Read for one rendered document) — or the
    // integration that asked still live, its grant there still holding it.
    const client = { name: null, version: null };
    const access = await (claims.integration
      ? resolveIntegrationAccess(
          control,
          { integrationId: claims.userId, scope: null, ...claims.integration },
          claims.tenantSlug,
          client,
        )
      : resolveAccess(control, claims.email, claims.tenantSlug, client)
    ).catch(() => null);
    if (
      !access ||
      access.userId !== claims.userId ||
      access.tenant?.id !== claims.tenantId ||
      !access.permissions.includes(LINK_PERMISSION[claims.format])
    ) {
      return refuse(403, 'FORBIDDEN', 'You can no longer export this client');
    }
    try {
      const currencies = await control.select().from(controlSchema.currencies);
      const units = new Map(currencies.map((c) => [c.code, c.minorUnits]));
      const pool = await exports.registry.pool(claims.tenantId);
      const minorUnitsOf = (code: string) => {
        const u = units.get(code.trim());
        if (u === undefined) throw new Error(`Unknown currency ${code}`);
        return u;
      };
      const sendFile = (file: { contentType: string; fileName: string }) => {
        res.status(200);
        res.setHeader('Content-Type', file.contentType);
        res.setHeader('Content-Disposition', `attachment; filename="${file.fileName}"`);
        res.setHeader('Cache-Control', 'no-store');
        res.setHeader('X-Content-Type-Options', 'nosniff');
      };
      if (isItbmsReturnFormat(claims.format)) {
        const brand = await brandOf(control, claims.tenantId);
        await streamItbmsReturn({ pool, claims, brand, out: res, onStart: sendFile });
        return;
      }
      if (isDocumentFormat(claims.format) || isStatementFormat(claims.format)) {
        const serve = isDocumentFormat(claims.format) ? streamDocuments : streamStatements;
        await serve({
          pool,
          claims,
          brand: await brandOf(control, claims.tenantId),
          minorUnitsOf,
          out: res,
          onStart: sendFile,
        });
        return;
      }
      await streamExport({
        pool,
        claims,
        minorUnitsOf,
        out: res,
        onStart: () =>
          sendFile({
            contentType: EXPORT_CONTENT[claims.format].contentType,
            fileName: exportFileName(claims),
          }),
      });
    } catch (err) {
      if (err instanceof DocumentNotServed && !res.headersSent)
        return refuse(err.status, err.code, err.message);
      // A download is recorded in the client's own trail before a byte is sent: while its books
      // are read-only that write is refused, and so is the download — never as a failure.
      if (translateDbError(err)?.code === 'TENANT_READ_ONLY' && !res.headersSent)
        return refuseReadOnly(control, claims.tenantId, res, refuse);
      log.error({ err, exportId: claims.exportId }, 'export failed');
      if (!res.headersSent) return refuse(500, 'INTERNAL_SERVER_ERROR', 'The export failed');
      // Mid-stream: cut the download so the client sees an incomplete file, not a short valid one.
      res.destroy(err instanceof Error ? err : undefined);
    }
  };
}
