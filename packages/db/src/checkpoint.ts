import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { ControlDb, TenantDb } from './drizzle.ts';

/**
 * The chain head of a client, checkpointed in the control plane (control migration 0011) and
 * sealed with HMAC-SHA256 under the services' CHECKPOINT_SECRET: a superuser of the client's
 * server who rewrites the books and recomputes the whole chain consistently cannot make the event
 * at the checkpoint's position carry the checkpointed hash again, nor forge a new checkpoint
 * without the secret. Taken at every approved month close and daily by the worker.
 */
export const CHECKPOINT_SECRET = 'CHECKPOINT_SECRET';

export type CheckpointProblem = 'REWRITTEN' | 'FORGED';

export interface CheckpointVerification {
  ok: boolean;
  /** Null when the client has no checkpoint yet. */
  chainSeq: string | null;
  takenAt: Date | null;
  problem: CheckpointProblem | null;
}

const mac = (secret: string, tenantId: string, seq: string, hash: string | null) =>
  createHmac('sha256', secret)
    .update(`${tenantId}|${seq}|${hash ?? ''}`)
    .digest('hex');

/** Record the client's chain head now. */
export async function takeCheckpoint(
  control: ControlDb,
  tenantDb: TenantDb,
  tenantId: string,
  secret: string,
  reason: string,
): Promise<{ chainSeq: string; headHash: string | null }> {
  const head = (await tenantDb.execute(sql`SELECT chain_seq::text AS seq, hash FROM audit_chain_head`))
    .rows[0] as { seq: string; hash: string | null } | undefined;
  const seq = head?.seq ?? '0';
  const hash = head?.hash ?? null;
  await control.execute(sql`INSERT INTO audit_chain_checkpoints (tenant_id, chain_seq, head_hash, mac, reason)
    VALUES (${tenantId}, ${seq}::bigint, ${hash}, ${mac(secret, tenantId, seq, hash)}, ${reason})`);
  return { chainSeq: seq, headHash: hash };
}

/**
 * The client's chain against every checkpoint taken of it: each must carry the services' seal,
 * and the event at each checkpointed position must still have the checkpointed hash. Checking
 * them all (not only the last) means a checkpoint taken after a rewrite cannot excuse it. Names
 * the oldest that fails; otherwise reports the newest.
 */
export async function verifyCheckpoint(
  control: ControlDb,
  tenantDb: TenantDb,
  tenantId: string,
  secret: string,
): Promise<CheckpointVerification> {
  const checkpoints = (
    await control.execute(sql`SELECT chain_seq::text AS seq, head_hash, mac, taken_at FROM audit_chain_checkpoints
      WHERE tenant_id = ${tenantId} ORDER BY id`)
  ).rows as { seq: string; head_hash: string | null; mac: string; taken_at: Date }[];
  const last = checkpoints.at(-1);
  if (!last) return { ok: true, chainSeq: null, takenAt: null, problem: null };
  const seqs = [...new Set(checkpoints.map((c) => c.seq))];
  const events = (
    await tenantDb.execute(sql`SELECT chain_seq::text AS seq, hash FROM audit_events
      WHERE chain_seq = ANY(${`{${seqs.join(',')}}`}::bigint[])`)
  ).rows as { seq: string; hash: string }[];
  const hashAt = new Map(events.map((e) => [e.seq, e.hash]));
  for (const c of checkpoints) {
    const expected = Buffer.from(mac(secret, tenantId, c.seq, c.head_hash));
    const sealed = Buffer.from(c.mac);
    const at = { chainSeq: c.seq, takenAt: new Date(c.taken_at) };
    if (expected.length !== sealed.length || !timingSafeEqual(expected, sealed)) {
      return { ...at, ok: false, problem: 'FORGED' };
    }
    if (c.seq !== '0' && hashAt.get(c.seq) !== c.head_hash) return { ...at, ok: false, problem: 'REWRITTEN' };
  }
  return { ok: true, chainSeq: last.seq, takenAt: new Date(last.taken_at), problem: null };
}
