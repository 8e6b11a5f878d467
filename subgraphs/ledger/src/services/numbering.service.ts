import { inTransaction, recordAuditEvent, tenant } from '@cifra/db';
import { badInput } from '@cifra/domain';
import { and, eq } from 'drizzle-orm';
import type { Books } from './books.ts';
import type { DocumentKind } from './documents.service.ts';

const PREFIX = /^[A-Z0-9][A-Z0-9-]{0,11}$/;

/**
 * Set a document type's number prefix. Sequences that have not issued a number yet (typically a
 * fiscal year not started) take the new prefix; a year already numbering keeps its own, so the
 * numbers of one sequence stay uniform and gapless.
 */
export async function setNumberingPrefix(books: Books, kind: DocumentKind, raw: string) {
  const prefix = raw.trim().toUpperCase();
  if (!PREFIX.test(prefix)) {
    throw badInput('prefix: 1 to 12 letters, digits or hyphens, starting with a letter or digit', {
      field: 'prefix',
      value: raw,
    });
  }
  return inTransaction(books.db, books.actor, async (tx) => {
    const [before] = await tx
      .select()
      .from(tenant.numberingPrefixes)
      .where(eq(tenant.numberingPrefixes.documentType, kind));
    await tx
      .insert(tenant.numberingPrefixes)
      .values({ documentType: kind, prefix })
      .onConflictDoUpdate({ target: tenant.numberingPrefixes.documentType, set: { prefix } });
    await tx
      .update(tenant.numberSequences)
      .set({ prefix })
      .where(and(eq(tenant.numberSequences.documentType, kind), eq(tenant.numberSequences.nextValue, 1)));
    await recordAuditEvent(tx, books.actor, {
      action: 'numbering_prefix.set',
      entityType: 'NumberingPrefix',
      entityId: kind,
      before: before ? { prefix: before.prefix } : null,
      after: { prefix },
    });
    return { documentKind: kind, prefix };
  });
}
