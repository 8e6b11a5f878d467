import { randomBytes } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import {
  type BackupDeps,
  type BackupStore,
  backupClient,
  backupKeyring,
  CLIENT_BACKUP_LOCK,
  directoryBackupStore,
  restoreClient,
  sealManifest,
} from '@cifra/backups';
import {
  type Actor,
  appLoginRole,
  clientLoginRole,
  control,
  createDatabase,
  migrateTenantDatabaseTo,
  opaqueDatabaseName,
  PROVISIONING_LOCK,
  tenantMigrationJournal,
  withClient,
  withDatabase,
} from '@cifra/db';
import { makeTestDir } from '@cifra/testing';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainCode, restoreFootprint, tableDigests } from '../support/backups.ts';
import { richBooks } from '../support/books.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { wallOff } from '../support/walls.ts';

/**
 * Backups and restores of one client against the real embedded PostgreSQL
 * (docs/architecture/backups.md): what is restored equals what was backed up, table by table;
 * what is damaged is refused and leaves nothing behind.
 */
const ACTOR: Actor = { userId: null, email: 'ops@demo.firm', reason: 'backup test' };
const SLUG = 'cafe-boquete';
const newKey = () => randomBytes(32).toString('base64');

let t: TestStack;
let dir: string;
let deps: BackupDeps;
let firmId: string;
let tenantId: string;

beforeAll(async () => {
  t = await startTestStack();
  dir = await makeTestDir('cifra-backups-');
  deps = {
    // The services' own role on the control plane: the grants of control migration 0020 suffice.
    control: t.stack.appControl,
    secrets: t.stack.serviceSecrets,
    keys: backupKeyring(newKey()),
    store: directoryBackupStore(dir),
  };
  const [tenant] = await t.stack.control.db
    .select()
    .from(control.tenants)
    .where(eq(control.tenants.slug, SLUG));
  tenantId = tenant!.id;
  firmId = tenant!.firmId;
  await richBooks(t, SLUG);
});
afterAll(async () => {
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a backup of one client, restored as a new client', () => {
  let backupId: string;
  let location: string;

  it('writes a sealed manifest over every table of the database and a COMPLETE record', async () => {
    const before = await tableDigests(t, SLUG);
    const row = await backupClient(deps, ACTOR, tenantId);
    backupId = row.id;
    location = row.location;
    expect(row).toMatchObject({ status: 'COMPLETE', tenantSlug: SLUG, keyId: deps.keys.current.id });
    expect(row.sizeBytes).toBeGreaterThan(0n);
    const manifest = JSON.parse(await readFile(path.join(dir, location, 'manifest.json'), 'utf8'));
    const tables = manifest.body.parts.map((p: { table: string }) => p.table).sort();
    // Every table the catalog lists, nothing less: books, history, audit trail, numbering, settings, the journal.
    expect(tables).toEqual(
      Object.keys(before)
        .map((n) => n.replaceAll('"', ''))
        .sort(),
    );
    for (const t of [
      'public.gl_lines',
      'public.audit_events',
      'public.audit_chain_head',
      'public.documents_history',
      'public.number_sequences',
      'public.company',
      'drizzle.__drizzle_migrations',
    ])
      expect(tables).toContain(t);
    expect(manifest.body.schemaVersion.applied).toBeGreaterThan(20);
    expect(manifest.body.auditChainHead.hash).toMatch(/^[0-9a-f]{64}$/);
    const gl = manifest.body.parts.find((p: { table: string }) => p.table === 'public.gl_lines');
    expect(gl.rows).toBeGreaterThan(10);
    // Encrypted at rest: no part holds the books in the clear.
    const raw = await readFile(path.join(dir, location, gl.file));
    expect(raw.includes(Buffer.from('JE-2026'))).toBe(false);
    expect(
      (await readdir(path.dirname(path.join(dir, location)))).some((n) => n.startsWith('.partial')),
    ).toBe(false);
    const events = await t.stack.control.db
      .select({ action: control.controlAuditEvents.action })
      .from(control.controlAuditEvents)
      .where(eq(control.controlAuditEvents.entityId, backupId));
    expect(events.map((e) => e.action)).toEqual(['backup.started', 'backup.completed']);
  });

  it('takes one backup of a client at a time: another is refused BACKUP_IN_PROGRESS, a move’s waits', async () => {
    const count = async () =>
      (
        await t.stack.control.db
          .select()
          .from(control.clientBackups)
          .where(eq(control.clientBackups.tenantId, tenantId))
      ).length;
    // A backup of the client under way elsewhere: its lock held on a session of its own.
    await withClient(t.controlAdminUrl, async (running) => {
      await running.query('SELECT pg_advisory_lock($1, hashtext($2))', [CLIENT_BACKUP_LOCK, tenantId]);
      const before = await count();
      expect(await domainCode(backupClient(deps, ACTOR, tenantId))).toBe('BACKUP_IN_PROGRESS');
      expect(await count()).toBe(before);
      let done = false;
      const waiting = backupClient(deps, ACTOR, tenantId, { waitForRunning: true }).then((row) => {
        done = true;
        return row;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(done).toBe(false);
      await running.query('SELECT pg_advisory_unlock($1, hashtext($2))', [CLIENT_BACKUP_LOCK, tenantId]);
      expect((await waiting).status).toBe('COMPLETE');
    });
  });

  it('restores it as a new client equal to the original table by table, verified', async () => {
    const original = await tableDigests(t, SLUG);
    const restored = await restoreClient(deps, ACTOR, firmId, backupId, 'cafe-restored');
    expect(restored).toMatchObject({ slug: 'cafe-restored', status: 'ACTIVE' });
    expect(restored.databaseName).toMatch(/^cifra_c_[0-9a-f]{24}$/);
    expect(await tableDigests(t, 'cafe-restored')).toEqual(original);
    const [record] = await t.stack.control.db
      .select()
      .from(control.clientBackups)
      .where(eq(control.clientBackups.id, backupId));
    expect(record?.verifiedAt).toBeInstanceOf(Date);
    // Into the close board's read model with its books (announced; perhaps read by the worker since).
    const [projection] = await t.stack.control.db
      .select()
      .from(control.clientCloseProjections)
      .where(eq(control.clientCloseProjections.tenantId, restored.id));
    expect(projection?.changedAt ?? projection?.asOf).toBeInstanceOf(Date);
    // The guards are back on once loading ended: the books refuse a change even to their owner.
    await expect(t.tenantSql('cafe-restored', 'DELETE FROM gl_lines')).rejects.toThrow();
    await expect(t.tenantSql('cafe-restored', 'UPDATE audit_events SET action = action')).rejects.toThrow();
  });

  it('the restored client answers through the gateway as its own client, with the same trial balance', async () => {
    const tb =
      '{ trialBalance(asOf: "2026-12-31") { totalDebit totalCredit rows { accountCode debit credit } } }';
    const a = await t.as('senior', SLUG)(tb);
    const b = await t.as('senior', 'cafe-restored')(tb);
    expect(b.errors).toBeUndefined();
    expect(b.data).toEqual(a.data);
    const chain = await t.as(
      'senior',
      'cafe-restored',
    )<{ verifyAuditChain: { ok: boolean } }>('{ verifyAuditChain { ok } }');
    expect(chain.data?.verifyAuditChain.ok).toBe(true);
    const posted = await t.as('senior', 'cafe-restored')(
      'mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { number } }',
      {
        input: {
          postingDate: '2026-03-02',
          memo: 'after the restore',
          lines: [
            { accountCode: '1110', debit: '1.00' },
            { accountCode: '4101', credit: '1.00' },
          ],
        },
      },
    );
    expect(posted.errors).toBeUndefined();
  });

  describe('refusals that create nothing', () => {
    let pristine: string;
    beforeAll(async () => {
      pristine = `${dir}-pristine`;
      await cp(path.join(dir, location), pristine, { recursive: true });
    });
    afterAll(() => rm(pristine, { recursive: true, force: true }));
    const reset = async () => {
      await rm(path.join(dir, location), { recursive: true, force: true });
      await cp(pristine, path.join(dir, location), { recursive: true });
    };
    const partPath = async () => {
      const manifest = JSON.parse(await readFile(path.join(dir, location, 'manifest.json'), 'utf8'));
      const gl = manifest.body.parts.find((p: { table: string }) => p.table === 'public.gl_lines');
      return path.join(dir, location, gl.file);
    };
    const refused = async (code: string, d: BackupDeps = deps) => {
      const before = await restoreFootprint(t);
      expect(await domainCode(restoreClient(d, ACTOR, firmId, backupId, 'never-made'))).toBe(code);
      expect(await restoreFootprint(t)).toEqual(before);
    };

    it('a part with one byte changed is BACKUP_TAMPERED', async () => {
      await reset();
      const file = await partPath();
      const bytes = await readFile(file);
      const at = Math.floor(bytes.length / 2);
      bytes[at] = (bytes[at] ?? 0) ^ 0x01;
      await writeFile(file, bytes);
      await refused('BACKUP_TAMPERED');
    });

    it('a part cut short is BACKUP_INCOMPLETE', async () => {
      await reset();
      const file = await partPath();
      const bytes = await readFile(file);
      await truncate(file, bytes.length - 17);
      await refused('BACKUP_INCOMPLETE');
    });

    it('a manifest that is missing is BACKUP_INCOMPLETE, and one edited is BACKUP_TAMPERED', async () => {
      await reset();
      const manifestPath = path.join(dir, location, 'manifest.json');
      const text = await readFile(manifestPath, 'utf8');
      await rm(manifestPath);
      await refused('BACKUP_INCOMPLETE');
      await writeFile(
        manifestPath,
        text.replace(/"trialBalanceDigest":"[0-9a-f]/, '"trialBalanceDigest":"x'),
      );
      await refused('BACKUP_TAMPERED');
    });

    it('a directory where the manifest or a part should be is BACKUP_INCOMPLETE, never a failure of the store', async () => {
      await reset();
      const manifestPath = path.join(dir, location, 'manifest.json');
      const file = await partPath();
      await rm(manifestPath);
      await mkdir(manifestPath);
      await refused('BACKUP_INCOMPLETE');
      await reset();
      await rm(file);
      await mkdir(file);
      await refused('BACKUP_INCOMPLETE');
    });

    it('a backup under a key the services do not hold is BACKUP_KEY_UNKNOWN; with the old key kept it restores', async () => {
      await reset();
      const rotated = { ...deps, keys: backupKeyring(newKey()) };
      await refused('BACKUP_KEY_UNKNOWN', rotated);
      const kept = {
        ...deps,
        keys: backupKeyring(newKey(), deps.keys.current.key.toString('base64')),
      };
      expect(await restoreClient(kept, ACTOR, firmId, backupId, 'cafe-rotated')).toMatchObject({
        status: 'ACTIVE',
      });
    });

    it('a backup from a newer cifraHQ (a schema version this code does not know) is BACKUP_SCHEMA_NEWER', async () => {
      await reset();
      const manifestPath = path.join(dir, location, 'manifest.json');
      const { body } = JSON.parse(await readFile(manifestPath, 'utf8'));
      // Sealed under the firm's key, as a newer version would write it.
      body.schemaVersion = { applied: body.schemaVersion.applied + 1, tag: '9999_from_the_future' };
      await writeFile(manifestPath, sealManifest(deps.keys.current, body));
      await refused('BACKUP_SCHEMA_NEWER');
    });

    it('a slug another attempt is provisioning right now is TENANT_EXISTS, and that attempt is left alone', async () => {
      await reset();
      await withClient(t.controlAdminUrl, async (other) => {
        // Another provisioning (or restore) of the slug holds its lock for its whole attempt.
        await other.query('SELECT pg_advisory_lock($1, hashtext($2))', [PROVISIONING_LOCK, 'never-made']);
        await refused('TENANT_EXISTS');
      });
    });

    it('a finished backup record cannot be rewritten or removed by the services', async () => {
      const app = t.stack.appControl;
      await expect(
        app
          .update(control.clientBackups)
          .set({ sizeBytes: 1n })
          .where(eq(control.clientBackups.id, backupId)),
      ).rejects.toMatchObject({ cause: { message: expect.stringContaining('cannot change') } });
      await expect(
        app
          .update(control.clientBackups)
          .set({ status: 'FAILED' })
          .where(eq(control.clientBackups.id, backupId)),
      ).rejects.toMatchObject({ cause: { message: expect.stringContaining('cannot change') } });
      await expect(
        app.delete(control.clientBackups).where(eq(control.clientBackups.id, backupId)),
      ).rejects.toMatchObject({ cause: { message: expect.stringContaining('permission denied') } });
      const [row] = await app
        .select()
        .from(control.clientBackups)
        .where(eq(control.clientBackups.id, backupId));
      expect(row).toMatchObject({ status: 'COMPLETE' });
      expect(row?.sizeBytes).toBeGreaterThan(1n);
    });

    it('an unknown backup id is BACKUP_NOT_FOUND, and a slug taken is TENANT_EXISTS', async () => {
      await reset();
      const before = await restoreFootprint(t);
      expect(
        await domainCode(restoreClient(deps, ACTOR, firmId, '00000000-0000-4000-8000-000000000000', 'x-new')),
      ).toBe('BACKUP_NOT_FOUND');
      expect(await domainCode(restoreClient(deps, ACTOR, firmId, backupId, SLUG))).toBe('TENANT_EXISTS');
      expect(await domainCode(restoreClient(deps, ACTOR, firmId, backupId, 'Bad Slug!'))).toBe(
        'BAD_USER_INPUT',
      );
      expect(await restoreFootprint(t)).toEqual(before);
    });
  });
});

/**
 * `real` with the gl_lines part changed when a restore loads it: the check before reads each part
 * once and passes, and the load reads it a second time.
 */
function onGlLinesLoad(
  real: BackupStore,
  change: (read: () => Promise<Readable | null>) => Promise<Readable | null>,
): BackupStore {
  const reads = new Map<string, number>();
  return {
    ...real,
    open(location) {
      const reader = real.open(location);
      return {
        manifest: reader.manifest,
        async part(file) {
          const n = (reads.get(file) ?? 0) + 1;
          reads.set(file, n);
          const read = () => reader.part(file);
          return n === 2 && file.startsWith('public.gl_lines.') ? change(read) : read();
        },
      };
    },
  };
}

describe('a restore that fails after it began', () => {
  it('removes the database, the logins and the directory row it made; the trail keeps the attempt', async () => {
    const backup = await backupClient(deps, ACTOR, tenantId);
    // The disk fails while gl_lines is loaded.
    const flaky = onGlLinesLoad(
      directoryBackupStore(dir),
      async () =>
        new Readable({
          read() {
            this.destroy(new Error('I/O error reading the backup'));
          },
        }),
    );
    await expect(
      restoreClient({ ...deps, store: flaky }, ACTOR, firmId, backup.id, 'half-made'),
    ).rejects.toThrow('I/O error');
    const events = await t.stack.control.db
      .select()
      .from(control.controlAuditEvents)
      .where(eq(control.controlAuditEvents.action, 'tenant.restore_started'));
    const started = events.find((e) => (e.after as { slug?: string }).slug === 'half-made');
    const database = (started?.after as { database?: string } | undefined)?.database ?? '';
    expect(database).toMatch(/^cifra_c_[0-9a-f]{24}$/);
    const left = await withClient(withDatabase(t.controlAdminUrl, 'postgres'), async (c) => ({
      databases: (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount,
      roles: (
        await c.query('SELECT 1 FROM pg_roles WHERE rolname = ANY($1)', [
          [appLoginRole(database), clientLoginRole('ix', database)],
        ])
      ).rowCount,
    }));
    expect(left).toEqual({ databases: 0, roles: 0 });
    const rows = await t.stack.control.db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.slug, 'half-made'));
    expect(rows).toEqual([]);
    const failed = await t.stack.control.db
      .select()
      .from(control.controlAuditEvents)
      .where(
        and(
          eq(control.controlAuditEvents.action, 'tenant.restore_failed'),
          eq(control.controlAuditEvents.entityId, started!.entityId),
        ),
      );
    expect(failed).toHaveLength(1);
    const [record] = await t.stack.control.db
      .select()
      .from(control.clientBackups)
      .where(eq(control.clientBackups.id, backup.id));
    expect(record?.verifiedAt).toBeNull();
  });

  it('of a walled client answers its own failure, leaves no row, and the slug can be restored again', async () => {
    // A wall on the client: the restore's claim copies it onto the new client (keepWalls).
    await wallOff(t, 'reviewer@demo.firm', SLUG);
    const backup = await backupClient(deps, ACTOR, tenantId);
    const real = directoryBackupStore(dir);
    // The gl_lines part is damaged before it is loaded.
    const damaged = onGlLinesLoad(real, async (read) => {
      const bytes = await read();
      if (!bytes) return bytes;
      const whole = Buffer.concat(await bytes.toArray());
      whole[whole.length >> 1]! ^= 0xff;
      return Readable.from([whole]);
    });
    const restore = (store: BackupStore) =>
      restoreClient({ ...deps, store }, ACTOR, firmId, backup.id, 'walled-copy');
    expect(await domainCode(restore(damaged))).toBe('BACKUP_TAMPERED');
    const rows = await t.stack.control.db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.slug, 'walled-copy'));
    expect(rows).toEqual([]);
    const trail = await t.stack.control.db
      .select()
      .from(control.controlAuditEvents)
      .where(inArray(control.controlAuditEvents.action, ['tenant.restore_started', 'tenant.restore_failed']));
    const attempt = trail.find((e) => (e.after as { slug?: string } | null)?.slug === 'walled-copy');
    expect(attempt?.after).toMatchObject({ wallsKept: 1 });
    expect(
      trail.filter((e) => e.action === 'tenant.restore_failed' && e.entityId === attempt?.entityId),
    ).toEqual([expect.objectContaining({ reason: expect.stringContaining('fails authentication') })]);
    // Nothing of the attempt is left: the slug restores, walls and all.
    const copy = await restore(real);
    expect(copy).toMatchObject({ slug: 'walled-copy', status: 'ACTIVE' });
    const walls = await t.stack.control.db
      .select({ role: control.tenantRoleAssignments.role })
      .from(control.tenantRoleAssignments)
      .where(eq(control.tenantRoleAssignments.tenantId, copy.id));
    expect(walls).toEqual([{ role: 'NoAccess' }]);
    // The wall comes down again for the tests below.
    await t.stack.control.db
      .delete(control.tenantRoleAssignments)
      .where(
        and(
          eq(control.tenantRoleAssignments.tenantId, tenantId),
          eq(control.tenantRoleAssignments.role, 'NoAccess'),
        ),
      );
  });

  it('finds the claim an attempt left behind (its lock free) and removes it, as provisioning does', async () => {
    const backup = await backupClient(deps, ACTOR, tenantId);
    // What a process killed after its claim leaves: a PROVISIONING row, its database never made.
    const [source] = await t.stack.control.db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.id, tenantId));
    const [left] = await t.stack.control.db
      .insert(control.tenants)
      .values({
        firmId,
        slug: 'left-behind',
        name: 'Left behind',
        region: source!.region,
        baseCurrency: source!.baseCurrency,
        timezone: source!.timezone,
        serverId: source!.serverId,
        databaseName: opaqueDatabaseName(),
      })
      .returning();
    expect(left?.status).toBe('PROVISIONING');
    const copy = await restoreClient(deps, ACTOR, firmId, backup.id, 'left-behind');
    expect(copy).toMatchObject({ slug: 'left-behind', status: 'ACTIVE' });
    const [removed] = await t.stack.control.db
      .select()
      .from(control.controlAuditEvents)
      .where(
        and(
          eq(control.controlAuditEvents.action, 'tenant.restore_failed'),
          eq(control.controlAuditEvents.entityId, left!.id),
        ),
      );
    expect(removed?.reason).toBe('leftover of an interrupted provisioning or restore');
  });
});

describe('a backup interrupted midway', () => {
  it('leaves no backup that looks complete, a FAILED record, and cannot be restored', async () => {
    const [{ n } = { n: 0 }] = await t.tenantSql<{ n: number }>(
      SLUG,
      `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
        WHERE c.relkind = 'r' AND s.nspname NOT IN ('pg_catalog', 'information_schema') AND s.nspname NOT LIKE 'pg\\_%'`,
    );
    const real = directoryBackupStore(dir);
    let parts = 0;
    // A real directory store whose disk "fills up" on the last part.
    const failing: BackupStore = {
      ...real,
      async create(location) {
        const w = await real.create(location);
        return {
          ...w,
          part(file) {
            parts += 1;
            if (parts < n) return w.part(file);
            return new Writable({ write: (_c, _e, done) => done(new Error('No space left on device')) });
          },
        };
      },
    };
    await expect(backupClient({ ...deps, store: failing }, ACTOR, tenantId)).rejects.toThrow('No space left');
    expect(parts).toBe(n);
    const [failed] = await t.stack.control.db
      .select()
      .from(control.clientBackups)
      .where(eq(control.clientBackups.status, 'FAILED'));
    expect(failed).toMatchObject({ status: 'FAILED', error: expect.stringContaining('No space left') });
    expect(await real.open(failed!.location).manifest()).toBeNull();
    const clientDir = path.dirname(path.join(dir, failed!.location));
    expect(await readdir(clientDir)).not.toContain(failed!.id);
    expect((await readdir(clientDir)).some((name) => name.includes(failed!.id))).toBe(false);
    expect(await domainCode(restoreClient(deps, ACTOR, firmId, failed!.id, 'from-failed'))).toBe(
      'BACKUP_INCOMPLETE',
    );
  });
});

describe('postings during a backup', () => {
  it('do not break its consistency: the restore verifies against the snapshot and holds a prefix of them', async () => {
    const slug = 'ferreteria-colon';
    const [tenant] = await t.stack.control.db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.slug, slug));
    const post = (i: number) =>
      t.as('senior', slug)(
        'mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id } }',
        {
          input: {
            postingDate: '2026-03-10',
            memo: `during backup ${i}`,
            lines: [
              { accountCode: '1110', debit: `${i + 1}.00` },
              { accountCode: '4101', credit: `${i + 1}.00` },
            ],
          },
        },
      );
    let stop = false;
    let posted = 0;
    let refused: unknown = null;
    const writer = (async () => {
      for (let i = 0; !stop && i < 400; i++) {
        const r = await post(i);
        if (r.errors) {
          refused = r.errors;
          return;
        }
        posted += 1;
      }
    })();
    // Let some postings land before the snapshot, and keep posting while it is written.
    while (posted < 5 && refused === null) await new Promise((r) => setTimeout(r, 10));
    const row = await backupClient(deps, ACTOR, tenant!.id);
    stop = true;
    await writer;
    expect(refused).toBeNull();
    const restored = await restoreClient(deps, ACTOR, firmId, row.id, 'ferreteria-snap');
    expect(restored.status).toBe('ACTIVE');
    const during = `SELECT memo FROM journal_entries WHERE memo LIKE 'during backup %' ORDER BY number`;
    const inSnapshot = (await t.tenantSql<{ memo: string }>('ferreteria-snap', during)).map((r) => r.memo);
    const all = (await t.tenantSql<{ memo: string }>(slug, during)).map((r) => r.memo);
    expect(inSnapshot.length).toBeGreaterThanOrEqual(5);
    expect(all.slice(0, inSnapshot.length)).toEqual(inSnapshot);
    const [balanced] = await t.tenantSql<{ total: string }>(
      'ferreteria-snap',
      'SELECT coalesce(sum(amount_minor), 0)::text AS total FROM gl_lines',
    );
    expect(balanced?.total).toBe('0');
  });
});

describe('a backup taken at an older schema version', () => {
  it('is restored at that version, then migrated to the current one, and verifies', async () => {
    const journal = await tenantMigrationJournal();
    const older = journal.length - 3;
    const [server] = await t.stack.control.db.select().from(control.dbServers);
    const [firm] = await t.stack.control.db.select().from(control.firms);
    // A client whose database an older cifraHQ made and never migrated further.
    const databaseName = opaqueDatabaseName();
    await createDatabase(t.controlAdminUrl, databaseName);
    await migrateTenantDatabaseTo(withDatabase(t.controlAdminUrl, databaseName), older);
    const [client] = await t.stack.control.db
      .insert(control.tenants)
      .values({
        firmId: firm!.id,
        slug: 'old-schema',
        name: 'Old Schema SA',
        region: 'PA',
        baseCurrency: 'PAB',
        timezone: 'America/Panama',
        serverId: server!.id,
        databaseName,
        status: 'ACTIVE',
      })
      .returning();
    const backup = await backupClient(deps, ACTOR, client!.id);
    expect(backup.schemaVersion).toBe(`${older}:${journal[older - 1]?.tag}`);
    const restored = await restoreClient(deps, ACTOR, firmId, backup.id, 'old-schema-restored');
    expect(restored.status).toBe('ACTIVE');
    const applied = await t.tenantSql<{ n: number }>(
      'old-schema-restored',
      'SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations',
    );
    expect(applied[0]?.n).toBe(journal.length);
    // A function the later migrations add is there (tenant migration 0023).
    const digest = await t.tenantSql(
      'old-schema-restored',
      `SELECT to_regproc('cifra_entry_digest') IS NOT NULL AS ok`,
    );
    expect(digest[0]).toEqual({ ok: true });
  });
});
