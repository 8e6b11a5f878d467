import type { ControlDb, TenantDb } from '@cifra/db';
import { sql } from 'drizzle-orm';

export type AuditChainProblem = 'HASH_MISMATCH' | 'PREVIOUS_HASH_MISMATCH' | 'SEQUENCE_GAP' | 'HEAD_MISMATCH';

export interface AuditChainVerification {
  ok: boolean;
  checked: number;
  firstBrokenLink: { chainSeq: string; eventId: string; problem: AuditChainProblem } | null;
  headSeq: string;
  headHash: string | null;
  verifiedAt: Date;
}

interface Row {
  checked: string;
  broken_seq: string | null;
  broken_id: string | null;
  problem: AuditChainProblem | null;
  head_seq: string;
  head_hash: string | null;
}

/**
 * Recompute the client's hash chain. The database does it (`cifra_verify_audit_chain()`, see
 * docs/architecture/audit.md) with the same function that computed each hash on insert.
 */
export async function verifyAuditChain(db: TenantDb | ControlDb): Promise<AuditChainVerification> {
  const result = await db.execute(sql`SELECT * FROM cifra_verify_audit_chain()`);
  const row = result.rows[0] as unknown as Row;
  return {
    ok: row.problem === null,
    checked: Number(row.checked),
    firstBrokenLink:
      row.problem === null
        ? null
        : {
            chainSeq: String(row.broken_seq ?? '0'),
            eventId: String(row.broken_id ?? '0'),
            problem: row.problem,
          },
    headSeq: String(row.head_seq),
    headHash: row.head_hash,
    verifiedAt: new Date(),
  };
}
