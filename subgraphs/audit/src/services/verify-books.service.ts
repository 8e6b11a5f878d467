import {
  CHECKPOINT_SECRET,
  type CheckpointVerification,
  type ControlDb,
  type TenantDb,
  type TenantRegistry,
  verifyCheckpoint,
} from '@cifra/db';
import { sql } from 'drizzle-orm';

export type BooksProblem = 'CHANGED' | 'UNRECORDED' | 'MISSING';

export interface BooksVerification {
  ok: boolean;
  checked: number;
  firstMismatch: { entryId: string; number: string | null; problem: BooksProblem } | null;
  checkpoint: CheckpointVerification;
  verifiedAt: Date;
}

/**
 * Every entry against the digest its posting event recorded. The database does it
 * (`cifra_verify_books()`, tenant migration 0023) with the same function that computed each
 * digest when the entry was posted.
 */
export async function verifyBooks(
  db: TenantDb,
  checkpoints: { control: ControlDb; registry: TenantRegistry; tenantId: string },
): Promise<BooksVerification> {
  const secret = checkpoints.registry.secret(CHECKPOINT_SECRET);
  const checkpoint: CheckpointVerification = secret
    ? await verifyCheckpoint(checkpoints.control, db, checkpoints.tenantId, secret)
    : { ok: true, chainSeq: null, takenAt: null, problem: null };
  const result = await db.execute(sql`SELECT * FROM cifra_verify_books()`);
  const row = result.rows[0] as {
    checked: string;
    entry_id: string | null;
    number: string | null;
    problem: BooksProblem | null;
  };
  return {
    ok: row.problem === null && checkpoint.ok,
    checkpoint,
    checked: Number(row.checked),
    firstMismatch:
      row.problem === null
        ? null
        : { entryId: String(row.entry_id), number: row.number, problem: row.problem },
    verifiedAt: new Date(),
  };
}
