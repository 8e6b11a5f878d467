import { sql } from 'drizzle-orm';
import type { ControlDb } from './drizzle.ts';

/**
 * Of the listed clients, those the close board's read model shows with no entry posted on a fallback
 * or overridden rate in any month overlapping `from`–`to`, each with when its summary was read
 * (docs/architecture/close-board.md, "Stale rates"). Only a summary that is current counts: a client
 * whose summary is behind (a change announced and not yet projected — a posting announces before it
 * answers, so the caller's own postings are never missed), marked unavailable, never projected, or
 * projected before the counts existed (null) is left out and must be read live.
 */
export async function clientsWithoutStaleRates(
  control: Pick<ControlDb, 'execute'>,
  tenantIds: readonly string[],
  from: string,
  to: string,
): Promise<Map<string, Date>> {
  if (tenantIds.length === 0) return new Map();
  const ids = sql.join(
    tenantIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const { rows } = await control.execute<{ tenant_id: string; as_of: Date | string }>(sql`
    SELECT p.tenant_id, p.as_of
      FROM client_close_projections p
     WHERE p.tenant_id IN (${ids})
       AND p.projected_seq >= p.change_seq
       AND p.unavailable_code IS NULL
       AND p.as_of IS NOT NULL
       AND NOT EXISTS (
         SELECT 1 FROM client_close_months m
          WHERE m.tenant_id = p.tenant_id
            AND make_date(m.year, m.month, 1) <= ${to}::date
            AND m.end_date >= ${from}::date
            AND (m.stale_rate_entries IS NULL OR m.stale_rate_entries > 0))`);
  return new Map(rows.map((r) => [r.tenant_id, new Date(r.as_of)]));
}
