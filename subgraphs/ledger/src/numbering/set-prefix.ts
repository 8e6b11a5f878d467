import { Constraints, inTransaction, isUniqueViolation, recordAuditEvent } from '@cifra/db';
import { badInput, DomainError } from '@cifra/domain';
import type { DocumentKind } from '../documents/index.ts';
import type { Books } from '../services/books.ts';
import { otherHolderOf, prefixOf, savePrefix } from './store.ts';

const PREFIX = /^[A-Z0-9][A-Z0-9-]{0,11}$/;

/**
 * Set a document type's number prefix. Sequences that have not issued a number yet (typically a
 * fiscal year not started) take the new prefix; a year already numbering keeps its own, so the
 * numbers of one sequence stay uniform and gapless.
 * A prefix belongs to one kind (NUMBERING_PREFIX_TAKEN otherwise): two kinds numbering alike
 * would issue the same document number, and the second could never post. A prefix another kind
 * has numbered a fiscal year with stays taken too: its sequences keep that prefix, and a number
 * is only prefix, year and counter.
 */
export async function setNumberingPrefix(books: Books, kind: DocumentKind, raw: string) {
  const prefix = raw.trim().toUpperCase();
  if (!PREFIX.test(prefix)) {
    throw badInput('prefix: 1 to 12 letters, digits or hyphens, starting with a letter or digit', {
      field: 'prefix',
      value: raw,
    });
  }
  const taken = (holder: string) =>
    new DomainError('NUMBERING_PREFIX_TAKEN', `prefix: ${prefix} is already the prefix of ${holder}`, {
      field: 'prefix',
      value: prefix,
      documentKind: holder,
    });
  try {
    return await inTransaction(books.db, books.actor, async (tx) => {
      const other = await otherHolderOf(tx, prefix, kind);
      if (other) throw taken(other);
      const before = await prefixOf(tx, kind);
      await savePrefix(tx, kind, prefix);
      await recordAuditEvent(tx, books.actor, {
        action: 'numbering_prefix.set',
        entityType: 'NumberingPrefix',
        entityId: kind,
        before: before !== undefined ? { prefix: before } : null,
        after: { prefix },
      });
      return { documentKind: kind, prefix };
    });
  } catch (err) {
    // Two kinds claimed one prefix at once: the unique constraint let one through.
    if (isUniqueViolation(err, Constraints.numberingPrefixUnique)) throw taken('another document kind');
    throw err;
  }
}
