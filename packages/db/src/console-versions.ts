import { and, eq, isNull } from 'drizzle-orm';
import {
  consoleManifestDocuments as documents,
  consoleManifestVersions as versions,
} from './control/schema.ts';
import type { ControlDb } from './drizzle.ts';

/**
 * The console's manifest versions (docs/console.md, "versions side by side"): the gateway
 * registers the manifest of the console build it serves, and a tab of an earlier build still open
 * runs that build's documents until its version is retired.
 */

/**
 * Register a manifest version with its documents, once: registering it again changes nothing
 * (not even a retirement: a retired version stays retired). Returns whether it was new.
 */
export async function registerConsoleVersion(
  control: ControlDb,
  version: string,
  manifest: Readonly<Record<string, string>>,
): Promise<boolean> {
  return control.transaction(async (tx) => {
    const added = await tx
      .insert(versions)
      .values({ version })
      .onConflictDoNothing()
      .returning({ version: versions.version });
    if (!added.length) return false;
    const rows = Object.entries(manifest).map(([documentId, body]) => ({ version, documentId, body }));
    for (let i = 0; i < rows.length; i += 500) await tx.insert(documents).values(rows.slice(i, i + 500));
    return true;
  });
}

/** A document of a live (not retired) version, or null: unknown version, retired, or not in it. */
export async function liveConsoleDocument(
  control: ControlDb,
  version: string,
  documentId: string,
): Promise<string | null> {
  const [row] = await control
    .select({ body: documents.body })
    .from(documents)
    .innerJoin(versions, eq(versions.version, documents.version))
    .where(
      and(eq(documents.version, version), eq(documents.documentId, documentId), isNull(versions.retiredAt)),
    )
    .limit(1);
  return row?.body ?? null;
}

/** Retire a version: its documents are refused from then on. Returns whether it was live. */
export async function retireConsoleVersion(control: ControlDb, version: string): Promise<boolean> {
  const retired = await control
    .update(versions)
    .set({ retiredAt: new Date() })
    .where(and(eq(versions.version, version), isNull(versions.retiredAt)))
    .returning({ version: versions.version });
  return retired.length > 0;
}
