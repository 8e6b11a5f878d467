import { tenant } from '@cifra/db';
import type { TenantTx } from '@cifra/engine';
import { and, between, count, eq } from 'drizzle-orm';

/** Rendered documents' only door to the database: which document, which period. */

type Reader = Pick<TenantTx, 'select'>;
const d = tenant.documents;

export async function documentToRender(db: Reader, id: string): Promise<typeof d.$inferSelect | undefined> {
  const [row] = await db.select().from(d).where(eq(d.id, id));
  return row;
}

export async function postedCount(db: Reader, from: string, to: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(d)
    .where(and(eq(d.status, 'POSTED'), between(d.postingDate, from, to)));
  return row?.n ?? 0;
}
