import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type BackupDeps,
  backupClient,
  DRILL_OWNER_LOCK,
  directoryBackupStore,
  drillBackup,
  dueDrills,
  keyringFromSecrets,
  newestCompleteBackups,
  sweepDrillDatabases,
} from '@cifra/backups';
import { control, pg, type TenantRow } from '@cifra/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Restore drills (docs/architecture/backups.md, "Restore drills"): a backup restored into a scratch
 * database, verified as a restore is, dropped whatever happens, and the outcome recorded on the
 * backup, in the firm's trail, in `backups(tenant)` and in the "no verified backup" flags.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ACTOR = { userId: null, email: 'ops@demo.firm', reason: 'restore drill test' };
const children: ChildProcess[] = [];
let t: TestStack;
let deps: BackupDeps;

beforeAll(async () => {
  t = await startTestStack();
  deps = {
    control: t.stack.appControl,
    secrets: t.stack.serviceSecrets,
    keys: keyringFromSecrets(t.stack.serviceSecrets),
    store: directoryBackupStore(path.join(t.dataDir, 'backups')),
  };
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await t?.close();
});

const tenantOf = async (slug: string) =>
  (
    await t.stack.control.db.select().from(control.tenants).where(eq(control.tenants.slug, slug))
  )[0] as TenantRow;

const backupRow = async (id: string) =>
  (await t.stack.control.db.select().from(control.clientBackups).where(eq(control.clientBackups.id, id)))[0];

const drillRow = async (id: string) =>
  (await t.stack.control.db.select().from(control.restoreDrills).where(eq(control.restoreDrills.id, id)))[0];

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: t.controlAdminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const databaseExists = (name: string) =>
  admin(async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);

const trail = async (backupId: string) =>
  (
    await t.stack.control.db
      .select({ action: control.controlAuditEvents.action, after: control.controlAuditEvents.after })
      .from(control.controlAuditEvents)
      .where(eq(control.controlAuditEvents.entityId, backupId))
      .orderBy(control.controlAuditEvents.id)
  ).map((e) => e.action);

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}

async function noVerifiedBackup(): Promise<string[]> {
  const r = await t.as('senior')<{ closeExceptions: { kind: string; client: { slug: string } }[] }>(
    '{ closeExceptions(first: 500) { kind client { slug } } }',
  );
  expect(r.errors).toBeUndefined();
  return r.data!.closeExceptions.filter((e) => e.kind === 'NO_VERIFIED_BACKUP').map((e) => e.client.slug);
}

async function board(): Promise<
  Record<string, { lastVerifiedBackupAt: string | null; noRecentVerifiedBackup: boolean }>
> {
  const r = await t.as('senior')<{
    closeBoard: {
      clients: {
        client: { slug: string };
        lastVerifiedBackupAt: string | null;
        noRecentVerifiedBackup: boolean;
      }[];
    };
  }>(
    '{ closeBoard(year: 2026, month: 3) { clients { client { slug } lastVerifiedBackupAt noRecentVerifiedBackup } } }',
  );
  expect(r.errors).toBeUndefined();
  return Object.fromEntries(r.data!.closeBoard.clients.map(({ client, ...rest }) => [client.slug, rest]));
}

const listed = async (slug: string) => {
  const r = await t.as('admin')<{
    backups: {
      id: string;
      verified: boolean;
      drilledAt: string | null;
      drillOutcome: string | null;
      drillFailureCode: string | null;
    }[];
  }>('query($t: String!) { backups(tenant: $t) { id verified drilledAt drillOutcome drillFailureCode } }', {
    t: slug,
  });
  expect(r.errors).toBeUndefined();
  return r.data!.backups;
};

describe('a drill of a good backup', () => {
  it('verifies it, drops the scratch database, and clears NO_VERIFIED_BACKUP on the board and in closeExceptions', async () => {
    const slug = 'cafe-boquete';
    const tenant = await tenantOf(slug);
    expect(await noVerifiedBackup()).toContain(slug);
    const backup = await backupClient(deps, ACTOR, tenant.id);
    expect(await noVerifiedBackup()).toContain(slug);

    const result = await drillBackup(deps, ACTOR, backup.id);
    expect(result).toMatchObject({ outcome: 'VERIFIED', failureCode: null, dropped: true, tenantSlug: slug });
    expect(result.databaseName).toMatch(/^cifra_drill_[0-9a-f]{24}$/);
    expect(await databaseExists(result.databaseName)).toBe(false);

    const row = await backupRow(backup.id);
    expect(row).toMatchObject({ status: 'COMPLETE', drillOutcome: 'VERIFIED', drillFailureCode: null });
    expect(row!.drilledAt).toBeInstanceOf(Date);
    expect(row!.verifiedAt).toBeInstanceOf(Date);
    expect(await drillRow(result.drillId)).toMatchObject({ outcome: 'VERIFIED', backupId: backup.id });
    expect((await drillRow(result.drillId))!.droppedAt).toBeInstanceOf(Date);
    expect(await trail(backup.id)).toEqual(['backup.started', 'backup.completed', 'backup.drill_verified']);

    const [shown] = await listed(slug);
    expect(shown).toMatchObject({
      id: backup.id,
      verified: true,
      drillOutcome: 'VERIFIED',
      drillFailureCode: null,
    });
    expect(shown!.drilledAt).not.toBeNull();
    expect(await noVerifiedBackup()).not.toContain(slug);
    const b = await board();
    expect(b[slug]).toMatchObject({ noRecentVerifiedBackup: false });
    expect(b[slug]!.lastVerifiedBackupAt).not.toBeNull();
    // Another client, never drilled, is still flagged.
    expect(b['ferreteria-colon']).toMatchObject({ noRecentVerifiedBackup: true });

    // Drilled just now: not due again for a week; due once the week has passed.
    const now = new Date();
    expect((await dueDrills(t.stack.control.db, now, 7)).map((d) => d.slug)).not.toContain(slug);
    const later = new Date(now.getTime() + 8 * 86_400_000);
    expect(await dueDrills(t.stack.control.db, later, 7)).toContainEqual({
      tenantId: tenant.id,
      slug,
      backupId: backup.id,
    });
  });
});

describe('a drill of a damaged backup', () => {
  it('fails with the backup refusal code, leaves no scratch database, and the client is flagged again', async () => {
    const slug = 'clinica-costa';
    const tenant = await tenantOf(slug);
    const backup = await backupClient(deps, ACTOR, tenant.id);
    expect((await drillBackup(deps, ACTOR, backup.id)).outcome).toBe('VERIFIED');
    expect(await noVerifiedBackup()).not.toContain(slug);

    // One byte of the general ledger's part changed on disk.
    const dir = path.join(t.dataDir, 'backups', backup.location);
    const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
    const gl = manifest.body.parts.find((p: { table: string }) => p.table === 'public.gl_lines');
    const file = path.join(dir, gl.file);
    const bytes = await readFile(file);
    const at = Math.floor(bytes.length / 2);
    bytes[at] = (bytes[at] ?? 0) ^ 0x01;
    await writeFile(file, bytes);

    const result = await drillBackup(deps, ACTOR, backup.id);
    expect(result).toMatchObject({ outcome: 'FAILED', failureCode: 'BACKUP_TAMPERED', dropped: true });
    expect(await databaseExists(result.databaseName)).toBe(false);
    expect(await backupRow(backup.id)).toMatchObject({
      drillOutcome: 'FAILED',
      drillFailureCode: 'BACKUP_TAMPERED',
    });
    expect(await drillRow(result.drillId)).toMatchObject({
      outcome: 'FAILED',
      failureCode: 'BACKUP_TAMPERED',
    });
    expect(await trail(backup.id)).toEqual([
      'backup.started',
      'backup.completed',
      'backup.drill_verified',
      'backup.drill_failed',
    ]);
    const [shown] = await listed(slug);
    expect(shown).toMatchObject({
      id: backup.id,
      drillOutcome: 'FAILED',
      drillFailureCode: 'BACKUP_TAMPERED',
    });
    // Its earlier verification no longer counts: its files do not restore any more.
    expect(await noVerifiedBackup()).toContain(slug);
    expect((await board())[slug]).toMatchObject({ noRecentVerifiedBackup: true });
  });

  it('drops the scratch database when the drill fails after creating it', async () => {
    const tenant = await tenantOf('logistica-canal');
    const backup = await backupClient(deps, ACTOR, tenant.id);
    let scratch = '';
    const result = await drillBackup(deps, ACTOR, backup.id, {
      scratchCreated: async (name) => {
        scratch = name;
        expect(await databaseExists(name)).toBe(true);
        throw new Error('disk full (injected)');
      },
    });
    expect(result).toMatchObject({ outcome: 'FAILED', failureCode: 'INTERNAL_SERVER_ERROR', dropped: true });
    expect(result.error).toContain('disk full');
    expect(scratch).toBe(result.databaseName);
    expect(await databaseExists(scratch)).toBe(false);
  });

  it('refuses a backup that is not COMPLETE and records nothing', async () => {
    const before = await t.stack.control.db.select().from(control.restoreDrills);
    await expect(drillBackup(deps, ACTOR, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'BACKUP_NOT_FOUND',
    });
    await expect(drillBackup(deps, ACTOR, "x'; DROP DATABASE postgres; --")).rejects.toMatchObject({
      code: 'BACKUP_NOT_FOUND',
    });
    expect(await t.stack.control.db.select().from(control.restoreDrills)).toHaveLength(before.length);
  });
});

describe('a drill whose process is killed', () => {
  it('leaves a scratch database the sweep drops once the process is gone, and never while it lives', {
    timeout: 180_000,
  }, async () => {
    const slug = 'panaderia-valle';
    const tenant = await tenantOf(slug);
    const backup = await backupClient(deps, ACTOR, tenant.id);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'test/support/drill-child.ts'), backup.id],
      {
        cwd: ROOT,
        env: { ...process.env, LOG_LEVEL: 'silent', DATA_DIR: t.dataDir, DATABASE_URL: t.controlAdminUrl },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await until(async () => out.includes('\n') || child.exitCode !== null);
    const scratch = out.trim();
    expect(scratch).toMatch(/^cifra_drill_[0-9a-f]{24}$/);
    expect(await databaseExists(scratch)).toBe(true);
    const [drill] = await t.stack.control.db
      .select()
      .from(control.restoreDrills)
      .where(eq(control.restoreDrills.databaseName, scratch));
    expect(drill).toMatchObject({ backupId: backup.id, finishedAt: null, droppedAt: null });

    // While the process lives, a sweep leaves its database alone.
    const alive = await sweepDrillDatabases(deps);
    expect(alive.running).toContain(drill!.id);
    expect(await databaseExists(scratch)).toBe(true);

    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    // PostgreSQL ends the dead process's sessions, and its owner lock with them.
    await until(() =>
      admin(
        async (c) =>
          (
            await c.query(
              `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::int::oid
                 AND objid = hashtext($2)::oid AND objsubid = 2 AND granted`,
              [DRILL_OWNER_LOCK, drill!.id],
            )
          ).rowCount === 0,
      ),
    );
    // This sweep, or the stack's worker's, drops it.
    await sweepDrillDatabases(deps);
    expect(await databaseExists(scratch)).toBe(false);
    const swept = await drillRow(drill!.id);
    expect(swept).toMatchObject({ outcome: 'FAILED', failureCode: 'RESTORE_DRILL_INTERRUPTED' });
    expect(swept!.droppedAt).toBeInstanceOf(Date);
    expect(swept!.error).toContain(`:${child.pid}`);
    // An interrupted drill says nothing about the backup.
    expect(await backupRow(backup.id)).toMatchObject({
      drillOutcome: null,
      drilledAt: null,
      verifiedAt: null,
    });
    expect(await trail(backup.id)).toEqual([
      'backup.started',
      'backup.completed',
      'backup.drill_interrupted',
    ]);
    // A second sweep finds nothing more to do.
    expect((await sweepDrillDatabases(deps)).dropped).not.toContain(drill!.id);
    // And a drill on demand then verifies the backup.
    const [newest] = await newestCompleteBackups(t.stack.control.db, { slug });
    expect(newest?.backupId).toBe(backup.id);
    expect((await drillBackup(deps, ACTOR, backup.id)).outcome).toBe('VERIFIED');
  });
});
