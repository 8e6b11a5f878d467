import { tenant } from '@cifra/db';
import type { TenantTx } from '@cifra/engine';
import { and, asc, eq, ne } from 'drizzle-orm';
import type { DocumentKind } from '../documents/index.ts';

/** The numbering prefixes' only door to the database. */

type Reader = Pick<TenantTx, 'select'>;

/** Each document kind's prefix, by kind. */
export async function numberingPrefixes(db: Reader): Promise<{ documentType: string; prefix: string }[]> {
  return db.select().from(tenant.numberingPrefixes).orderBy(asc(tenant.numberingPrefixes.documentType));
}

/** Another kind that has `prefix`, or still numbers a fiscal year with it; undefined if none. */
export async function otherHolderOf(
  tx: Reader,
  prefix: string,
  kind: DocumentKind,
): Promise<string | undefined> {
  const [other] = [
    ...(await tx
      .select({ kind: tenant.numberingPrefixes.documentType })
      .from(tenant.numberingPrefixes)
      .where(
        and(eq(tenant.numberingPrefixes.prefix, prefix), ne(tenant.numberingPrefixes.documentType, kind)),
      )),
    ...(await tx
      .select({ kind: tenant.numberSequences.documentType })
      .from(tenant.numberSequences)
      .where(and(eq(tenant.numberSequences.prefix, prefix), ne(tenant.numberSequences.documentType, kind)))),
  ];
  return other?.kind;
}

export async function prefixOf(tx: Reader, kind: DocumentKind): Promise<string | undefined> {
  const [row] = await tx
    .select()
    .from(tenant.numberingPrefixes)
    .where(eq(tenant.numberingPrefixes.documentType, kind));
  return row?.prefix;
}

/** Store a kind's prefix, and give it to the kind's sequences that have not issued a number yet. */
export async function savePrefix(tx: TenantTx, kind: DocumentKind, prefix: string): Promise<void> {
  await tx
    .insert(tenant.numberingPrefixes)
    .values({ documentType: kind, prefix })
    .onConflictDoUpdate({ target: tenant.numberingPrefixes.documentType, set: { prefix } });
  await tx
    .update(tenant.numberSequences)
    .set({ prefix })
    .where(and(eq(tenant.numberSequences.documentType, kind), eq(tenant.numberSequences.nextValue, 1)));
}
