import os from 'node:os';
import {
  type Actor,
  type ControlDb,
  control,
  inTransaction,
  onOwnSession,
  recordAuditEvent,
} from '@cifra/db';
import { DomainError } from '@cifra/domain';
import { and, eq } from 'drizzle-orm';
import type { BackupStore } from './backup-store.ts';

/**
 * The advisory lock (namespace 'bkup', key hashtext(backup id)) the process taking a backup holds
 * on a control-plane session of its own, from before the backup's `RUNNING` row exists until it
 * ends. The lock is the backup's owner: PostgreSQL releases it when that session ends — the process
 * exited, was killed, or lost its connection — so a `RUNNING` row whose lock is free is a backup
 * nobody is writing any more, whatever the clocks say.
 */
export const BACKUP_OWNER_LOCK = 0x626b7570;

/** Which process takes a backup (recorded on its row, for the operator). */
export const backupOwnerName = () => `${os.hostname()}:${process.pid}`;

/**
 * Hold the advisory lock `(namespace, hashtext(id))` on a control-plane session of its own
 * (`onOwnSession`) while `fn` runs on that session's control plane: waiting for it, or — given
 * `busy` — refusing with `busy()` at once when it is held. Nested in another such operation (`db`
 * already one session), the lock is taken on the same session.
 */
export function asLockOwner<T>(
  db: ControlDb,
  namespace: number,
  id: string,
  fn: (db: ControlDb) => Promise<T>,
  busy?: () => Error,
): Promise<T> {
  return onOwnSession(db, async ({ session, db: own, broke }) => {
    if (!busy) await session.query('SELECT pg_advisory_lock($1, hashtext($2))', [namespace, id]);
    else {
      const { rows } = await session.query<{ held: boolean }>(
        'SELECT pg_try_advisory_lock($1, hashtext($2)) AS held',
        [namespace, id],
      );
      if (!rows[0]?.held) throw busy();
    }
    try {
      return await fn(own);
    } finally {
      // An unlock that fails (the session is gone) must not hide the work's own outcome; the
      // session is then destroyed, which releases whatever it still held.
      await session.query('SELECT pg_advisory_unlock($1, hashtext($2))', [namespace, id]).catch(broke);
    }
  });
}

/** Hold backup `backupId`'s owner lock while `fn` runs. */
export const asBackupOwner = <T>(
  db: ControlDb,
  backupId: string,
  fn: (db: ControlDb) => Promise<T>,
): Promise<T> => asLockOwner(db, BACKUP_OWNER_LOCK, backupId, fn);

/**
 * The advisory lock (namespace 'bktn', key hashtext(client id)) a backup of a client holds for
 * its whole attempt: one backup of a client at a time, each a long snapshot and a connection.
 */
export const CLIENT_BACKUP_LOCK = 0x626b746e;

/**
 * Hold client `tenantId`'s backup lock while `fn` runs: refused BACKUP_IN_PROGRESS at once while
 * another backup of it runs, or — `wait` (a move's own backup) — after it.
 */
export const asClientBackupTaker = <T>(
  db: ControlDb,
  tenantId: string,
  fn: (db: ControlDb) => Promise<T>,
  wait = false,
): Promise<T> =>
  asLockOwner(
    db,
    CLIENT_BACKUP_LOCK,
    tenantId,
    fn,
    wait
      ? undefined
      : () =>
          new DomainError('BACKUP_IN_PROGRESS', 'A backup of this client is already running', { tenantId }),
  );

/**
 * The advisory lock (namespace 'swap', key hashtext(client id)) a move or a restore in place holds
 * while it changes where a client's books live: one at a time per client.
 */
export const CLIENT_SWAP_LOCK = 0x73776170;

/** Hold client `tenantId`'s swap lock while `fn` runs (waiting for a move or restore in place under way). */
export const asClientSwapper = <T>(
  db: ControlDb,
  tenantId: string,
  fn: (db: ControlDb) => Promise<T>,
): Promise<T> => asLockOwner(db, CLIENT_SWAP_LOCK, tenantId, fn);

export interface SweepDeps {
  control: ControlDb;
  store: BackupStore;
}

export interface SweepResult {
  /** Backups marked INTERRUPTED by this sweep. */
  interrupted: string[];
  /** RUNNING backups left alone: their owner still holds them. */
  running: string[];
}

const SWEEPER: Actor = { userId: null, email: null, reason: 'interrupted backup sweep' };

/**
 * Mark every `RUNNING` backup whose owner is gone `INTERRUPTED` and remove what its store holds of
 * it (the worker runs this when it starts and every few minutes). Ownership is the owner lock, not
 * an age: a backup that runs for hours is left alone, and one whose process died a second ago is
 * swept. The sweeper holds the lock itself while it marks, and the mark is conditional on the row
 * still being `RUNNING`, so two sweepers mark a backup once.
 */
export async function sweepInterruptedBackups(deps: SweepDeps, actor: Actor = SWEEPER): Promise<SweepResult> {
  const running = await deps.control
    .select()
    .from(control.clientBackups)
    .where(eq(control.clientBackups.status, 'RUNNING'));
  const result: SweepResult = { interrupted: [], running: [] };
  if (running.length === 0) return result;
  await onOwnSession(deps.control, async ({ session, db }) => {
    for (const backup of running) {
      const got = await session.query<{ held: boolean }>(
        'SELECT pg_try_advisory_lock($1, hashtext($2)) AS held',
        [BACKUP_OWNER_LOCK, backup.id],
      );
      if (got.rows[0]?.held !== true) {
        result.running.push(backup.id);
        continue;
      }
      try {
        if (await markInterrupted(db, actor, backup)) result.interrupted.push(backup.id);
        await deps.store.discard(backup.location);
      } finally {
        await session.query('SELECT pg_advisory_unlock($1, hashtext($2))', [BACKUP_OWNER_LOCK, backup.id]);
      }
    }
  });
  return result;
}

async function markInterrupted(db: ControlDb, actor: Actor, backup: control.ClientBackupRow) {
  const why = `interrupted: the process taking it (${backup.owner ?? 'unknown'}) ended before it was sealed`;
  return inTransaction(db, actor, async (tx) => {
    const marked = await tx
      .update(control.clientBackups)
      .set({
        status: 'INTERRUPTED',
        error: why,
        finishedAt: new Date(),
        durationMs: Math.min(Date.now() - backup.startedAt.getTime(), 2 ** 31 - 1),
      })
      .where(and(eq(control.clientBackups.id, backup.id), eq(control.clientBackups.status, 'RUNNING')))
      .returning({ id: control.clientBackups.id });
    if (marked.length === 0) return false;
    await recordAuditEvent(tx, actor, {
      action: 'backup.interrupted',
      entityType: 'ClientBackup',
      entityId: backup.id,
      tenantId: backup.tenantId,
      after: { slug: backup.tenantSlug, owner: backup.owner, location: backup.location },
      reason: why,
    });
    return true;
  });
}
