import { and, asc, count, eq, isNull } from 'drizzle-orm';
import {
  consoleManifestDocuments as documents,
  consoleManifestVersions as versions,
} from './control/schema.ts';
import type { ControlDb } from './drizzle.ts';

/**
 * The console's manifest versions (docs/console.md, "versions side by side"): the gateway
 * registers the manifest of the console build it serves, and a tab of an earlier build still open
 * runs that build's documents until its version is retired (`pnpm console-versions retire`,
 * `retireConsoleVersion` in ops/src/operator.ts).
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

export interface ConsoleVersionRow {
  version: string;
  registeredAt: Date;
  retiredAt: Date | null;
  documents: number;
}

/** Every registered version, oldest first, with how many documents it holds. */
export async function listConsoleVersions(control: ControlDb): Promise<ConsoleVersionRow[]> {
  const rows = await control
    .select({
      version: versions.version,
      registeredAt: versions.registeredAt,
      retiredAt: versions.retiredAt,
      documents: count(documents.documentId),
    })
    .from(versions)
    .leftJoin(documents, eq(documents.version, versions.version))
    .groupBy(versions.version)
    .orderBy(asc(versions.registeredAt), asc(versions.version));
  return rows;
}
