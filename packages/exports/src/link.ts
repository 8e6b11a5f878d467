import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { type ItbmsClaim, itbmsClaimSchema } from './tax-return/itbms-figures.ts';

/** The download formats; the GraphQL enum ExportFormat mirrors it. */
export const ExportFormats = ['GL_CSV', 'DOCUMENTS_CSV', 'HLEDGER'] as const;
export type ExportFormat = (typeof ExportFormats)[number];
/**
 * What a signed link may serve: a ledger export, one rendered document (`renderDocument`), a
 * period's rendered documents as one zip (`exportDocumentsArchive`), one party's statement
 * (`renderPartyStatement`), every customer's or vendor's statement as one zip
 * (`exportPartyStatementsArchive`) or a month's ITBMS return as a PDF or a CSV file
 * (`renderItbmsReturn`).
 */
export const LinkFormats = [
  ...ExportFormats,
  'DOCUMENT_PDF',
  'DOCUMENTS_ZIP',
  'PARTY_STATEMENT_PDF',
  'PARTY_STATEMENTS_ZIP',
  'ITBMS_RETURN_PDF',
  'ITBMS_RETURN_CSV',
] as const;
export type LinkFormat = (typeof LinkFormats)[number];
export const isDocumentFormat = (f: LinkFormat): f is 'DOCUMENT_PDF' | 'DOCUMENTS_ZIP' =>
  f === 'DOCUMENT_PDF' || f === 'DOCUMENTS_ZIP';
export const isItbmsReturnFormat = (f: LinkFormat): f is 'ITBMS_RETURN_PDF' | 'ITBMS_RETURN_CSV' =>
  f === 'ITBMS_RETURN_PDF' || f === 'ITBMS_RETURN_CSV';
export const isStatementFormat = (f: LinkFormat): f is 'PARTY_STATEMENT_PDF' | 'PARTY_STATEMENTS_ZIP' =>
  f === 'PARTY_STATEMENT_PDF' || f === 'PARTY_STATEMENTS_ZIP';

const ISSUER = 'cifra-ledger';
/** A distinct audience: an export link is never a request context, nor the other way round. */
const AUDIENCE = 'cifra-exports';
const ALG = 'EdDSA';
export const EXPORT_LINK_TTL_SECONDS = 300;
type Key = Awaited<ReturnType<typeof importJWK>>;

/** What a signed export link grants: one client's books, one format, one date range, for one user. */
export interface ExportClaims {
  tenantId: string;
  tenantSlug: string;
  format: LinkFormat;
  from: string;
  to: string;
  /** DOCUMENT_PDF: the one document rendered (its posting date is `from` and `to`). */
  documentId?: string | null;
  /** PARTY_STATEMENT_PDF: the party stated. */
  partyId?: string | null;
  /** PARTY_STATEMENTS_ZIP: customers' or vendors' statements. */
  partyKind?: 'CUSTOMER' | 'VENDOR' | null;
  /** The name the file is saved as, when the signer knows it (a rendered document's number). */
  fileName?: string | null;
  /** ITBMS_RETURN_PDF and ITBMS_RETURN_CSV: the return's figures, computed when the link was made (tax-return/). */
  itbms?: ItbmsClaim | null;
  userId: string;
  email: string;
  /**
   * When a partner integration asked (then `userId` is its id): the client id its token came from
   * and how, so the download checks that the integration may still export this client.
   */
  integration?: { clientId: string; via: 'secret' | 'oidc' } | null;
  /** The export's id, as recorded in the audit trail. */
  exportId: string;
  expiresAt: Date;
}

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const claimsSchema = z.object({
  sub: z.string().uuid(),
  jti: z.string().uuid(),
  exp: z.number(),
  tid: z.string().uuid(),
  slug: z.string().min(1),
  fmt: z.enum(LinkFormats),
  doc: z.string().uuid().optional(),
  pty: z.string().uuid().optional(),
  pk: z.enum(['CUSTOMER', 'VENDOR']).optional(),
  fn: z.string().max(200).optional(),
  itb: itbmsClaimSchema.optional(),
  from: isoDate,
  to: isoDate,
  email: z.string(),
  int: z.object({ cid: z.string().min(1), via: z.enum(['secret', 'oidc']) }).optional(),
});

export interface ExportKeyPair {
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function generateExportKeys(): Promise<ExportKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true });
  return { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
}

/**
 * Held by the ledger subgraph, which decides who may export (GL.Export on the signed request
 * context). The link it signs names the tenant itself, so whoever serves it never has to be told
 * which client's books to read.
 */
export class ExportLinkSigner {
  private constructor(
    private readonly key: Key,
    /** Where the gateway answers, as clients reach it (e.g. `https://books.example.com`). */
    private readonly publicUrl: () => string,
    private readonly ttlSeconds: number,
  ) {}

  static async fromJwk(
    privateJwk: JWK,
    publicUrl: () => string,
    ttlSeconds = EXPORT_LINK_TTL_SECONDS,
  ): Promise<ExportLinkSigner> {
    return new ExportLinkSigner(await importJWK(privateJwk, ALG), publicUrl, ttlSeconds);
  }

  async sign(
    c: Omit<ExportClaims, 'expiresAt' | 'exportId'> & { exportId?: string },
  ): Promise<{ url: string; token: string; expiresAt: Date; exportId: string }> {
    const exportId = c.exportId ?? randomUUID();
    const expiresAt = new Date((Math.floor(Date.now() / 1000) + this.ttlSeconds) * 1000);
    const token = await new SignJWT({
      tid: c.tenantId,
      slug: c.tenantSlug,
      fmt: c.format,
      from: c.from,
      to: c.to,
      email: c.email,
      ...(c.documentId ? { doc: c.documentId } : {}),
      ...(c.partyId ? { pty: c.partyId } : {}),
      ...(c.partyKind ? { pk: c.partyKind } : {}),
      ...(c.fileName ? { fn: c.fileName } : {}),
      ...(c.itbms ? { itb: c.itbms } : {}),
      ...(c.integration ? { int: { cid: c.integration.clientId, via: c.integration.via } } : {}),
    })
      .setProtectedHeader({ alg: ALG })
      .setSubject(c.userId)
      .setJti(exportId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
    const base = this.publicUrl().replace(/\/+$/, '');
    return { url: `${base}/exports/${token}`, token, expiresAt, exportId };
  }
}

/** Held by the gateway: the public key only. */
export class ExportLinkVerifier {
  private constructor(private readonly key: Key) {}

  static async fromJwk(publicJwk: JWK): Promise<ExportLinkVerifier> {
    return new ExportLinkVerifier(await importJWK(publicJwk, ALG));
  }

  /** The link's claims, or null when it is forged, tampered with, expired or malformed. */
  async verify(token: string | undefined): Promise<ExportClaims | null> {
    if (!token) return null;
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: [ALG],
        // None: the link's own expiresAt is what the API promised (exp is whole seconds, and
        // expiresAt is that second, so a link answers until then and never after).
        clockTolerance: 0,
      });
      const c = claimsSchema.parse(payload);
      return {
        tenantId: c.tid,
        tenantSlug: c.slug,
        format: c.fmt,
        from: c.from,
        to: c.to,
        userId: c.sub,
        email: c.email,
        documentId: c.doc ?? null,
        partyId: c.pty ?? null,
        partyKind: c.pk ?? null,
        fileName: c.fn ?? null,
        itbms: c.itb ?? null,
        integration: c.int ? { clientId: c.int.cid, via: c.int.via } : null,
        exportId: c.jti,
        expiresAt: new Date(c.exp * 1000),
      };
    } catch {
      return null;
    }
  }
}
