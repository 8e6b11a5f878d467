import type { TenantDb } from '@cifra/db';
import { tenant } from '@cifra/db';
import { badInput } from '@cifra/domain';
import { desc, lt } from 'drizzle-orm';
import type { AuditEvent } from '../mappers.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** The largest value of the `bigint` (int8) identity column. */
const MAX_ID = 2n ** 63n - 1n;

export interface AuditEventPage {
  edges: { cursor: string; node: AuditEvent }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** An event's cursor: its id, base64url-encoded. Opaque to clients. */
export function encodeCursor(id: bigint): string {
  return Buffer.from(id.toString(), 'utf8').toString('base64url');
}

/** The id a cursor stands for, or null when the text is not a cursor this connection issued. */
export function decodeCursor(cursor: string): bigint | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  // Node's decoder skips characters it does not know: only a cursor that round-trips is ours.
  if (!/^(0|[1-9][0-9]*)$/.test(text) || Buffer.from(text, 'utf8').toString('base64url') !== cursor)
    return null;
  const id = BigInt(text);
  return id <= MAX_ID ? id : null;
}

/**
 * One page of the client's audit trail, newest first (by id, which the database assigns in
 * commit order). Fetches one row more than asked to tell whether another page follows.
 */
export async function listAuditEvents(
  db: TenantDb,
  args: { first?: number | null; after?: string | null },
): Promise<AuditEventPage> {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}`, { field: 'first' });
  }
  let afterId: bigint | null = null;
  if (args.after != null) {
    afterId = decodeCursor(args.after);
    if (afterId === null) throw badInput('after is not a cursor from this connection', { field: 'after' });
  }
  const rows = await db
    .select()
    .from(tenant.auditEvents)
    .where(afterId === null ? undefined : lt(tenant.auditEvents.id, afterId))
    .orderBy(desc(tenant.auditEvents.id))
    .limit(first + 1);
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
  };
}
