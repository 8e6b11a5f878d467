import { type ControlDb, control, grantedAnywhere, inTransaction, recordAuditEvent } from '@cifra/db';
import { badInput, DomainError, requireReason } from '@cifra/domain';
import { type DocumentProblem, documentIdOf } from '@cifra/permissions';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { requireHoldsGrants } from './integration-powers.ts';
import { integrationEvent, lockIntegration } from './integrations.service.ts';
import type { Manager } from './members.service.ts';

/**
 * Trusted documents per integration (docs/partners.md): the operations an integration may run,
 * published per application version as a manifest (GraphQL Code Generator's client preset shape,
 * `{ "sha256:<hex>": "<document>" }`), each checked against the current supergraph and the
 * integration's grants before anything is written, and retired with their version.
 */
export type DocumentChecker = (document: string, granted: ReadonlySet<string>) => DocumentProblem[];

const MAX_DOCUMENTS = 1_000;
const MAX_DOCUMENT_LENGTH = 100_000;
const APP_VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;
const KEY = /^(?:sha256:)?([0-9a-f]{64})$/;

export interface TrustedDocumentVersion {
  appVersion: string;
  documents: number;
  publishedAt: Date;
  retiredAt: Date | null;
}

/** The manifest as `documentId → document`, every hash checked against its text. */
function readManifest(manifest: unknown): Map<string, string> {
  if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest))
    throw badInput('manifest: an object of "sha256:<hex>": "<document>"', { field: 'manifest' });
  const entries = Object.entries(manifest as Record<string, unknown>);
  if (entries.length === 0 || entries.length > MAX_DOCUMENTS)
    throw badInput(`manifest: 1 to ${MAX_DOCUMENTS} documents`, { field: 'manifest' });
  const out = new Map<string, string>();
  for (const [key, document] of entries) {
    const hex = KEY.exec(key)?.[1];
    if (!hex)
      throw badInput(`manifest: ${key.slice(0, 80)} is not a sha256 document id`, { field: 'manifest' });
    if (typeof document !== 'string' || document.length > MAX_DOCUMENT_LENGTH)
      throw badInput(
        `manifest: the document of ${key} must be text of at most ${MAX_DOCUMENT_LENGTH} characters`,
        {
          field: 'manifest',
        },
      );
    const id = `sha256:${hex}`;
    if (documentIdOf(document) !== id)
      throw badInput(`manifest: ${id} is not the SHA-256 of its document`, {
        field: 'manifest',
        documentId: id,
      });
    out.set(id, document);
  }
  return out;
}

export async function publishTrustedDocuments(
  db: ControlDb,
  m: Manager,
  check: DocumentChecker,
  input: { integrationId: string; appVersion: string; manifest: unknown },
): Promise<TrustedDocumentVersion> {
  if (!APP_VERSION.test(input.appVersion))
    throw badInput('appVersion: letters, digits and . _ + - (at most 64)', { field: 'appVersion' });
  const documents = readManifest(input.manifest);
  return inTransaction(db, m.actor, async (tx) => {
    const integration = await lockIntegration(tx, m, input.integrationId);
    await requireHoldsGrants(db, tx, m, integration);
    const [existing] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(control.trustedDocuments)
      .where(
        and(
          eq(control.trustedDocuments.integrationId, integration.id),
          eq(control.trustedDocuments.appVersion, input.appVersion),
        ),
      );
    if ((existing?.n ?? 0) > 0)
      throw new DomainError(
        'CONFLICT',
        `Version ${input.appVersion} is already published: publish a new version`,
        {
          field: 'appVersion',
        },
      );
    const granted = (await grantedAnywhere(tx, integration.id)).get(integration.id) ?? new Set<string>();
    for (const [documentId, document] of documents) {
      const [problem] = check(document, granted);
      if (problem)
        throw new DomainError(
          problem.permissions ? 'DOCUMENT_NOT_PERMITTED' : 'BAD_USER_INPUT',
          `${documentId}: ${problem.message}`,
          {
            documentId,
            field: problem.field,
            ...(problem.permissions ? { permissions: problem.permissions } : {}),
          },
        );
    }
    const publishedAt = new Date();
    await tx.insert(control.trustedDocuments).values(
      [...documents].map(([documentId, document]) => ({
        integrationId: integration.id,
        appVersion: input.appVersion,
        documentId,
        document,
        publishedBy: m.userId,
        publishedAt,
      })),
    );
    await recordAuditEvent(
      tx,
      m.actor,
      integrationEvent(m, integration, 'integration.documents_published', {
        after: { appVersion: input.appVersion, documents: [...documents.keys()] },
      }),
    );
    return { appVersion: input.appVersion, documents: documents.size, publishedAt, retiredAt: null };
  });
}

export async function retireTrustedDocuments(
  db: ControlDb,
  m: Manager,
  input: { integrationId: string; appVersion: string; reason?: string | null },
): Promise<TrustedDocumentVersion> {
  const actor = { ...m.actor, reason: input.reason?.trim() || null };
  return inTransaction(db, actor, async (tx) => {
    const integration = await lockIntegration(tx, m, input.integrationId);
    const retired = await tx
      .update(control.trustedDocuments)
      .set({ retiredAt: new Date() })
      .where(
        and(
          eq(control.trustedDocuments.integrationId, integration.id),
          eq(control.trustedDocuments.appVersion, input.appVersion),
          isNull(control.trustedDocuments.retiredAt),
        ),
      )
      .returning();
    if (retired.length === 0)
      throw new DomainError('NOT_FOUND', `No live version ${input.appVersion} for this integration`, {});
    await recordAuditEvent(
      tx,
      actor,
      integrationEvent(m, integration, 'integration.documents_retired', {
        before: { appVersion: input.appVersion, documents: retired.length },
      }),
    );
    const first = retired[0]!;
    return {
      appVersion: input.appVersion,
      documents: retired.length,
      publishedAt: first.publishedAt,
      retiredAt: first.retiredAt,
    };
  });
}

/** Let one integration send any document its grants permit, or stop it (audited; off by default). */
export async function allowArbitraryDocuments(
  db: ControlDb,
  m: Manager,
  input: { integrationId: string; allow: boolean; reason: string },
) {
  const actor = { ...m.actor, reason: requireReason(input.reason) };
  return inTransaction(db, actor, async (tx) => {
    const before = await lockIntegration(tx, m, input.integrationId);
    if (input.allow) await requireHoldsGrants(db, tx, m, before);
    const [row] = await tx
      .update(control.integrations)
      .set({ allowArbitraryDocuments: input.allow })
      .where(eq(control.integrations.id, before.id))
      .returning();
    const action = input.allow
      ? 'integration.arbitrary_documents_allowed'
      : 'integration.arbitrary_documents_refused';
    await recordAuditEvent(
      tx,
      actor,
      integrationEvent(m, before, action, {
        before: { allowArbitraryDocuments: before.allowArbitraryDocuments },
        after: { allowArbitraryDocuments: input.allow },
      }),
    );
    return row!;
  });
}

export async function trustedDocumentVersions(
  db: ControlDb,
  integrationId: string,
): Promise<TrustedDocumentVersion[]> {
  return db
    .select({
      appVersion: control.trustedDocuments.appVersion,
      documents: sql<number>`count(*)::int`,
      publishedAt: sql<Date>`min(${control.trustedDocuments.publishedAt})`.mapWith((v) => new Date(v)),
      retiredAt: sql<Date | null>`max(${control.trustedDocuments.retiredAt})`.mapWith((v) =>
        v === null ? null : new Date(v),
      ),
    })
    .from(control.trustedDocuments)
    .where(eq(control.trustedDocuments.integrationId, integrationId))
    .groupBy(control.trustedDocuments.appVersion)
    .orderBy(asc(sql`min(${control.trustedDocuments.publishedAt})`));
}
