import { type ChildProcess, spawn } from 'node:child_process';
import { access, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BACKUP_KEY,
  BACKUP_OWNER_LOCK,
  backupClient,
  directoryBackupStore,
  keyringFromSecrets,
  restoreClient,
  sweepInterruptedBackups,
} from '@cifra/backups';
import { control, pg, TENANT_DB_SECRET, type TenantRow, withDatabase } from '@cifra/db';
import { and, desc, eq, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainCode } from '../support/backups.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * A backup whose process dies leaves nothing that looks complete (docs/architecture/backups.md):
 * `pnpm backup` runs in a child process, is held mid-backup by a table lock, and is killed with
 * SIGKILL; a worker started afterwards marks its RUNNING record INTERRUPTED and removes its partial
 * directory. Ownership is the backup's advisory lock, so nothing here waits for a clock: each wait
 * is for a state of the database (a session waiting on a lock, a lock released).
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SLUG = 'panaderia-valle';
/** Read late in a backup (after several parts are written), and by nothing before the parts. */
const HELD_TABLE = 'public.documents_history';
const children: ChildProcess[] = [];

let t: TestStack;
let tenant: TenantRow;
const ACTOR = { userId: null, email: 'ops@demo.firm', reason: 'interrupted backup test' };

beforeAll(async () => {
  t = await startTestStack();
  [tenant] = (await t.stack.control.db
    .select()
    .from(control.tenants)
    .where(eq(control.tenants.slug, SLUG))) as [TenantRow];
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await t?.close();
});

const backupsDir = () => path.join(t.dataDir, 'backups');
const store = () => directoryBackupStore(backupsDir());
const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Hold `table` of the client's database in ACCESS EXCLUSIVE mode: a backup's COPY of it waits. */
async function holdTable(table: string) {
  const c = new pg.Client({ connectionString: withDatabase(t.controlAdminUrl, tenant.databaseName) });
  await c.connect();
  await c.query('BEGIN');
  await c.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  return {
    /** Someone (the backup's COPY) waits for the table (pg_locks: pg_stat_activity is a snapshot per transaction). */
    copyWaiting: async () => {
      const r = await c.query('SELECT 1 FROM pg_locks WHERE relation = $1::regclass AND NOT granted', [
        table,
      ]);
      return (r.rowCount ?? 0) > 0;
    },
    release: async () => {
      await c.query('ROLLBACK');
      await c.end();
    },
  };
}

const latestBackup = async () => {
  const [row] = await t.stack.control.db
    .select()
    .from(control.clientBackups)
    // Asked for by someone (not a scheduled backup the stack's worker may take meanwhile).
    .where(and(eq(control.clientBackups.tenantId, tenant.id), isNotNull(control.clientBackups.requestedBy)))
    .orderBy(desc(control.clientBackups.startedAt))
    .limit(1);
  return row;
};

/** Whether some session still holds backup `id`'s owner lock. */
const ownerLockHeld = async (id: string) => {
  const c = new pg.Client({ connectionString: t.controlAdminUrl });
  await c.connect();
  try {
    const r = await c.query(
      `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::int::oid
         AND objid = hashtext($2)::oid AND objsubid = 2 AND granted`,
      [BACKUP_OWNER_LOCK, id],
    );
    return r.rowCount === 1;
  } finally {
    await c.end();
  }
};

const trail = async (id: string) =>
  (
    await t.stack.control.db
      .select({ action: control.controlAuditEvents.action })
      .from(control.controlAuditEvents)
      .where(eq(control.controlAuditEvents.entityId, id))
      .orderBy(control.controlAuditEvents.id)
  ).map((e) => e.action);

function spawnNode(script: string, args: string[], env: Record<string, string>): ChildProcess {
  // Node itself with tsx as a loader (not the tsx launcher, which would leave its child alive on SIGKILL).
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

describe('a backup process killed mid-backup', () => {
  it('leaves a RUNNING record nothing treats as complete; a starting worker marks it INTERRUPTED and removes its files', {
    timeout: 180_000,
  }, async () => {
    const held = await holdTable(HELD_TABLE);
    // `pnpm backup <slug>` against the stack's control plane, DATA_DIR (its key) and backup directory.
    const backup = spawnNode('ops/src/cli/backup.ts', [SLUG], {
      DATA_DIR: t.dataDir,
      DATABASE_URL: t.controlAdminUrl,
    });
    await until(held.copyWaiting);
    const running = await latestBackup();
    expect(running).toMatchObject({ status: 'RUNNING', owner: `${os.hostname()}:${backup.pid}` });
    const dir = path.join(backupsDir(), path.dirname(running!.location));
    const partial = path.join(dir, `.partial-${running!.id}`);
    expect((await readdir(partial)).length).toBeGreaterThan(0);

    // While its process lives, a sweep leaves it alone, however long it has been running.
    const alive = await sweepInterruptedBackups({ control: t.stack.appControl, store: store() });
    expect(alive.running).toContain(running!.id);
    expect(alive.interrupted).not.toContain(running!.id);
    expect((await latestBackup())?.status).toBe('RUNNING');

    backup.kill('SIGKILL');
    await new Promise((resolve) => backup.once('exit', resolve));
    await held.release();
    // PostgreSQL ends the dead process's sessions, and its owner lock with them.
    await until(async () => !(await ownerLockHeld(running!.id)));
    // Dead, but not swept yet: not restorable (no manifest, not at its final place).
    expect(await store().open(running!.location).manifest()).toBeNull();
    expect(await exists(path.join(backupsDir(), running!.location))).toBe(false);

    // A worker process starting now sweeps once at start.
    const worker = spawnNode('ops/src/cli/worker.ts', [], {
      CONTROL_DATABASE_URL: t.stack.control.url,
      TENANT_DB_SECRET: t.stack.serviceSecrets[TENANT_DB_SECRET]!,
      BACKUP_KEY: t.stack.serviceSecrets[BACKUP_KEY]!,
      BACKUP_DIR: backupsDir(),
      JOB_PROCESS_EVERY_MS: '200',
    });
    await until(async () => (await latestBackup())?.status === 'INTERRUPTED');
    worker.kill('SIGTERM');
    await new Promise((resolve) => worker.once('exit', resolve));

    const swept = await latestBackup();
    expect(swept).toMatchObject({ status: 'INTERRUPTED', verifiedAt: null, sizeBytes: null });
    expect(swept!.error).toContain(`${os.hostname()}:${backup.pid}`);
    expect(swept!.finishedAt).toBeInstanceOf(Date);
    expect(await exists(partial)).toBe(false);
    expect(await trail(running!.id)).toEqual(['backup.started', 'backup.interrupted']);

    // The client's backups as the firm sees them.
    const listed = await t.as('admin')<{ backups: { id: string; status: string; error: string }[] }>(
      'query($t: String!) { backups(tenant: $t) { id status error } }',
      { t: SLUG },
    );
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.backups[0]).toMatchObject({ id: running!.id, status: 'INTERRUPTED' });

    // Final: nothing turns it back into a running or complete backup.
    await expect(
      t.stack.appControl
        .update(control.clientBackups)
        .set({ status: 'COMPLETE' })
        .where(eq(control.clientBackups.id, running!.id)),
    ).rejects.toThrow();

    const deps = {
      control: t.stack.appControl,
      secrets: t.stack.serviceSecrets,
      keys: keyringFromSecrets(t.stack.serviceSecrets),
      store: store(),
    };
    // It cannot be restored, and trying creates nothing.
    expect(
      await domainCode(restoreClient(deps, ACTOR, tenant.firmId, running!.id, 'panaderia-partial')),
    ).toBe('BACKUP_INCOMPLETE');
    // The client is backed up normally afterwards.
    const next = await backupClient(deps, ACTOR, tenant.id);
    expect(next.status).toBe('COMPLETE');
  });
});

describe('a backup whose owner session is lost while it runs', () => {
  it('is swept INTERRUPTED, and the process then fails without leaving anything that looks complete', async () => {
    const held = await holdTable(HELD_TABLE);
    const deps = {
      control: t.stack.appControl,
      secrets: t.stack.serviceSecrets,
      keys: keyringFromSecrets(t.stack.serviceSecrets),
      store: store(),
    };
    const outcome = backupClient(deps, ACTOR, tenant.id).then(
      () => 'COMPLETE',
      (err: Error) => err.message,
    );
    await until(held.copyWaiting);
    const running = await latestBackup();
    expect(running?.status).toBe('RUNNING');
    // The network drops the owner's control-plane session (here: the server ends it).
    const admin = new pg.Client({ connectionString: t.controlAdminUrl });
    await admin.connect();
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::int::oid
         AND objid = hashtext($2)::oid AND objsubid = 2`,
      [BACKUP_OWNER_LOCK, running!.id],
    );
    await admin.end();
    await until(async () => !(await ownerLockHeld(running!.id)));
    // The sweep (this one, or the stack's worker's) marks it.
    await sweepInterruptedBackups({ control: t.stack.appControl, store: store() });
    expect((await latestBackup())?.status).toBe('INTERRUPTED');

    // The process, still alive, carries on once the table is free, and must fail.
    await held.release();
    expect(await outcome).not.toBe('COMPLETE');
    const after = await latestBackup();
    expect(after).toMatchObject({ id: running!.id, status: 'INTERRUPTED', sizeBytes: null });
    expect(await store().open(running!.location).manifest()).toBeNull();
    const dir = path.join(backupsDir(), path.dirname(running!.location));
    expect((await readdir(dir)).filter((n) => n.includes(running!.id))).toEqual([]);
    expect(await trail(running!.id)).toEqual(['backup.started', 'backup.interrupted']);
  });
});

describe('two sweepers at once', () => {
  it('mark an orphaned backup once', async () => {
    // A RUNNING record no process owns (as a process killed between its insert and its first part leaves).
    const [orphan] = await t.stack.appControl
      .insert(control.clientBackups)
      .values({
        firmId: tenant.firmId,
        tenantId: tenant.id,
        tenantSlug: SLUG,
        serverName: 'default',
        location: `${tenant.firmId}/${tenant.id}/orphan-${Date.now()}`,
        keyId: 'k',
        owner: 'gone:1',
      })
      .returning();
    const deps = { control: t.stack.appControl, store: store() };
    const [a, b] = await Promise.all([sweepInterruptedBackups(deps), sweepInterruptedBackups(deps)]);
    const marked = [...a.interrupted, ...b.interrupted].filter((id) => id === orphan!.id);
    expect(marked).toHaveLength(1);
    expect(await trail(orphan!.id)).toEqual(['backup.interrupted']);
    const [row] = await t.stack.control.db
      .select()
      .from(control.clientBackups)
      .where(and(eq(control.clientBackups.id, orphan!.id), eq(control.clientBackups.status, 'INTERRUPTED')));
    expect(row?.error).toContain('gone:1');
  });
});
