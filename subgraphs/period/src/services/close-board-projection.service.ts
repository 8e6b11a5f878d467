import { type ControlDb, type FanOutOptions, fanOut, type TenantRegistry, tenant } from '@cifra/db';
import { inArray } from 'drizzle-orm';
import type { ClientPeriodPort } from './client-period.port.ts';
import {
  type ClaimFrom,
  changeSeqOf,
  claimBehind,
  type RetryBackoff,
  saveProjection,
  saveUnavailable,
} from './close-board-store.ts';

/**
 * The close board's projector (docs/architecture/close-board.md, "The read model"): reads a client's
 * months from its own database in one snapshot and writes them to the control plane. Run by the
 * worker for clients that announced a change, by the sweep for clients whose outbox holds rows no
 * announcement covered, and by the period subgraph on demand (`refreshCloseBoardClient`, and for a
 * client with no summary yet).
 */
export interface ProjectionDeps {
  control: ControlDb;
  registry: TenantRegistry;
  port: ClientPeriodPort;
  /** Clients read at once and the per-client time limit (the firm views' fan-out settings). */
  fanOut: FanOutOptions;
}

/**
 * After a client's database failed to answer, when the projector tries it again: 10 s after the
 * first failure, then after as long as it has been down, at most 5 minutes. The sweep still asks it
 * every minute, and one that answers the sweep is projected at once.
 */
export const UNAVAILABLE_RETRY: RetryBackoff = { minMs: 10_000, maxMs: 300_000 };

export interface ProjectOutcome {
  tenantId: string;
  ok: boolean;
}

/**
 * Project each client now. `seqs` gives the change count each projection covers (a claim's); by
 * default the count read just before the client's snapshot, so a change announced after it keeps
 * the client behind. A client whose database does not answer is marked UNAVAILABLE, its last rows
 * kept. Holds at most the fan-out's concurrency of tenant connections.
 */
export async function projectClients(
  deps: ProjectionDeps,
  tenantIds: readonly string[],
  seqs?: ReadonlyMap<string, number>,
): Promise<ProjectOutcome[]> {
  const seen = new Map<string, number>();
  const results = await fanOut(
    deps.registry,
    tenantIds,
    async (db, tenantId) => {
      seen.set(tenantId, seqs?.get(tenantId) ?? (await changeSeqOf(deps.control, tenantId)));
      return deps.port.readClientMonths(db);
    },
    deps.fanOut,
  );
  const outcomes: ProjectOutcome[] = [];
  for (const r of results) {
    if (!r.ok) {
      await saveUnavailable(deps.control, r.tenantId, r, UNAVAILABLE_RETRY);
      outcomes.push({ tenantId: r.tenantId, ok: false });
      continue;
    }
    await saveProjection(deps.control, r.tenantId, seen.get(r.tenantId) ?? 0, r.value);
    outcomes.push({ tenantId: r.tenantId, ok: true });
    if (r.value.changes.length > 0) await forgetChanges(deps, r.tenantId, r.value.changes);
  }
  return outcomes;
}

/**
 * Delete the outbox rows a saved projection covered. Best effort: rows left behind only make the
 * next sweep project the client once more (a projection is idempotent).
 */
async function forgetChanges(deps: ProjectionDeps, tenantId: string, txids: bigint[]): Promise<void> {
  try {
    const db = await deps.registry.db(tenantId);
    await db.delete(tenant.closeBoardChanges).where(inArray(tenant.closeBoardChanges.txid, txids));
  } catch {
    // The client's database went away between the read and now: the sweep will see the rows.
  }
}

/**
 * One pass of the projector: claim up to `limit` clients that are behind (of those `from` says,
 * answering ones first) and project them.
 */
export async function projectBehind(
  deps: ProjectionDeps,
  opts: { limit: number; leaseMs: number; from?: ClaimFrom },
): Promise<number> {
  const claimed = await claimBehind(deps.control, opts.limit, opts.leaseMs, opts.from);
  if (claimed.length === 0) return 0;
  await projectClients(
    deps,
    claimed.map((c) => c.tenantId),
    new Map(claimed.map((c) => [c.tenantId, c.seq])),
  );
  return claimed.length;
}
