import { type ControlDb, control, grantedAnywhere } from '@cifra/db';
import { documentChecker } from '@cifra/permissions';
import { and, eq, isNull, ne } from 'drizzle-orm';
import { SUBGRAPH_NAMES, subgraphDefinition } from './services.ts';

export interface BrokenDocument {
  integration: string;
  integrationId: string;
  appVersion: string;
  documentId: string;
  problem: string;
}

/**
 * Every published, unretired trusted document checked against a candidate supergraph (and the
 * subgraphs' rule maps as this code has them), with the permissions its integration holds today:
 * the documents a schema change would break, by integration and application version.
 */
export async function checkTrustedDocuments(
  db: ControlDb,
  supergraphSdl: string,
): Promise<{ checked: number; broken: BrokenDocument[] }> {
  const check = documentChecker(
    () => supergraphSdl,
    () => SUBGRAPH_NAMES.map((name) => subgraphDefinition(name, { secrets: {} })),
  );
  const documents = await db
    .select({
      integrationId: control.integrations.id,
      integration: control.integrations.name,
      appVersion: control.trustedDocuments.appVersion,
      documentId: control.trustedDocuments.documentId,
      document: control.trustedDocuments.document,
    })
    .from(control.trustedDocuments)
    .innerJoin(control.integrations, eq(control.integrations.id, control.trustedDocuments.integrationId))
    .where(and(isNull(control.trustedDocuments.retiredAt), ne(control.integrations.status, 'DELETED')))
    .orderBy(
      control.integrations.name,
      control.trustedDocuments.appVersion,
      control.trustedDocuments.documentId,
    );
  const granted = await grantedAnywhere(db);
  const broken: BrokenDocument[] = [];
  for (const d of documents) {
    const [problem] = check(d.document, granted.get(d.integrationId) ?? new Set());
    if (problem) broken.push({ ...d, problem: problem.message });
  }
  return { checked: documents.length, broken };
}
