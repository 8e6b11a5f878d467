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

/**
 * A checkpoint of the chain as it stands (`CHECKPOINT`), or the head a restore in place rewound it
 * to (`RESTORED`, control migration 0035): the checkpoints taken before it past its position
 * describe a history the restore discarded.
 */
export type CheckpointKind = 'CHECKPOINT' | 'RESTORED';

/** The seal: a restore's kind is under it, so no checkpoint can be read as a restore's. */
const mac = (secret: string, tenantId: string, seq: string, hash: string | null, kind: CheckpointKind) =>
  createHmac('sha256', secret)
    .update(`${tenantId}|${seq}|${hash ?? ''}${kind === 'RESTORED' ? '|RESTORED' : ''}`)
    .digest('hex');

/** Record the client's chain head now (after a restore in place: `RESTORED`). */
export async function takeCheckpoint(
  control: ControlDb,
  tenantDb: TenantDb,
  tenantId: string,
  secret: string,
  reason: string,
  kind: CheckpointKind = 'CHECKPOINT',
): Promise<ChainHead> {
  const head = await chainHead(tenantDb);
  await recordCheckpoint(control, tenantId, secret, reason, kind, head);
  return head;
}

export interface ChainHead {
  chainSeq: string;
  headHash: string | null;
}

/** A client's chain head: its last event's position and hash ('0' and null before any event). */
export async function chainHead(tenantDb: TenantDb): Promise<ChainHead> {
  const head = (await tenantDb.execute(sql`SELECT chain_seq::text AS seq, hash FROM audit_chain_head`))
    .rows[0] as { seq: string; hash: string | null } | undefined;
  return { chainSeq: head?.seq ?? '0', headHash: head?.hash ?? null };
}

/** Record a head read before (a restore's: read from the restored books before they were switched in). */
export async function recordCheckpoint(
  control: ControlDb,
  tenantId: string,
  secret: string,
  reason: string,
  kind: CheckpointKind,
  { chainSeq: seq, headHash: hash }: ChainHead,
): Promise<void> {
  await control.execute(sql`INSERT INTO audit_chain_checkpoints (tenant_id, chain_seq, head_hash, mac, reason, kind)
    VALUES (${tenantId}, ${seq}::bigint, ${hash}, ${mac(secret, tenantId, seq, hash, kind)}, ${reason}, ${kind})`);
}

/**
 * The client's chain against every checkpoint taken of it: each must carry the services' seal,
 * and the event at each checkpointed position must still have the checkpointed hash. Checking
 * them all (not only the last) means a checkpoint taken after a rewrite cannot excuse it. A
 * restore in place's checkpoint (`RESTORED`, sealed as such) sets aside those taken before it past
 * its position: the restore discarded that history, with two people's approval in the firm's
 * trail. Names the oldest unsealed checkpoint (FORGED), else the oldest in force whose event
 * changed (REWRITTEN); otherwise reports the newest.
 */
export async function verifyCheckpoint(
  control: ControlDb,
  tenantDb: TenantDb,
  tenantId: string,
  secret: string,
): Promise<CheckpointVerification> {
  const checkpoints = (
    await control.execute(sql`SELECT chain_seq::text AS seq, head_hash, mac, kind, taken_at FROM audit_chain_checkpoints
      WHERE tenant_id = ${tenantId} ORDER BY id`)
  ).rows as { seq: string; head_hash: string | null; mac: string; kind: CheckpointKind; taken_at: Date }[];
  const last = checkpoints.at(-1);
  if (!last) return { ok: true, chainSeq: null, takenAt: null, problem: null };
  let inForce: typeof checkpoints = [];
  for (const c of checkpoints) {
    const expected = Buffer.from(mac(secret, tenantId, c.seq, c.head_hash, c.kind));
    const sealed = Buffer.from(c.mac);
    if (expected.length !== sealed.length || !timingSafeEqual(expected, sealed)) {
      return { chainSeq: c.seq, takenAt: new Date(c.taken_at), ok: false, problem: 'FORGED' };
    }
    if (c.kind === 'RESTORED') inForce = inForce.filter((k) => BigInt(k.seq) <= BigInt(c.seq));
    inForce.push(c);
  }
  const seqs = [...new Set(inForce.map((c) => c.seq))];
  const events = (
    await tenantDb.execute(sql`SELECT chain_seq::text AS seq, hash FROM audit_events
      WHERE chain_seq = ANY(${`{${seqs.join(',')}}`}::bigint[])`)
  ).rows as { seq: string; hash: string }[];
  const hashAt = new Map(events.map((e) => [e.seq, e.hash]));
  for (const c of inForce) {
    if (c.seq !== '0' && hashAt.get(c.seq) !== c.head_hash) {
      return { chainSeq: c.seq, takenAt: new Date(c.taken_at), ok: false, problem: 'REWRITTEN' };
    }
  }
  return { ok: true, chainSeq: last.seq, takenAt: new Date(last.taken_at), problem: null };
}
