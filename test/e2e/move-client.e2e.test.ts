import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  type BackupStore,
  directoryBackupStore,
  dropReplacedDatabases,
  keyringFromSecrets,
  type MovedClient,
  moveClient,
  type RestoreInPlaceDeps,
} from '@cifra/backups';
import {
  appLoginRole,
  appLoginUrl,
  control,
  ensureAppRole,
  pg,
  TENANT_DB_SECRET,
  withDatabase,
  withoutCredentials,
} from '@cifra/db';
import { type EmbeddedServer, startEmbeddedPostgres } from '@cifra/db/embedded';
import { makeTestDir } from '@cifra/testing';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * `pnpm move-client <slug> --to <server>` (docs/architecture/backups.md, "Moving a client") with two
 * PostgreSQL servers: the test stack's and a second embedded one, registered as `second`. Postings
 * run through the gateway during the move; the test holds the move inside its read-only window (its
 * backup waits for the test) so that a refusal is seen there whatever the machine's speed, and
 * asserts on what happened, never on how long it took.
 */
const SLUG = 'ferreteria-colon';
let t: TestStack;
let second: EmbeddedServer;
let pgDir: string;
let backupDir: string;
let tenantId: string;
let oldName: string;
let firstServer: string;

beforeAll(async () => {
  t = await startTestStack();
  pgDir = await makeTestDir('cifra-second-pg-');
  backupDir = await makeTestDir('cifra-move-');
  second = await startEmbeddedPostgres({ dir: path.join(pgDir, 'pg'), password: 'second', durable: false });
  await ensureAppRole(second.url);
  await t.stack.control.db.insert(control.dbServers).values([
    { name: 'second', adminUrl: second.url, acceptsNewTenants: false },
    { name: 'dead', adminUrl: 'postgres://nobody:nothing@127.0.0.1:1/postgres', acceptsNewTenants: false },
  ]);
  const [tenant] = await t.stack.control.db
    .select()
    .from(control.tenants)
    .where(eq(control.tenants.slug, SLUG));
  tenantId = tenant!.id;
  oldName = tenant!.databaseName;
  const [server] = await t.stack.control.db
    .select()
    .from(control.dbServers)
    .where(eq(control.dbServers.id, tenant!.serverId));
  firstServer = server!.name;
}, 180_000);
afterAll(async () => {
  await t?.close();
  await second?.stop();
  for (const d of [pgDir, backupDir]) if (d) await rm(d, { recursive: true, force: true });
});

/** A directory store whose backups wait, once armed, until the test lets them go on. */
function gatedStore(): { store: BackupStore; arm(): { entered: Promise<void>; release(): void } } {
  const real = () => directoryBackupStore(backupDir);
  let gate: { entered: () => void; wait: Promise<void> } | null = null;
  return {
    store: {
      open: (location) => {
        const reader = real().open(location);
        if (!tamperLoad) return reader;
        const reads = new Map<string, number>();
        return {
          manifest: () => reader.manifest(),
          // The whole backup is checked first, then loaded: the load's read of the GL lines is damaged.
          part: async (file) => {
            const n = (reads.get(file) ?? 0) + 1;
            reads.set(file, n);
            const stream = await reader.part(file);
            if (!stream || n < 2 || !file.includes('gl_lines')) return stream;
            const bytes = Buffer.concat(await stream.toArray());
            bytes[10] = (bytes[10] ?? 0) ^ 0x01;
            damaged += 1;
            return Readable.from([bytes]);
          },
        };
      },
      discard: (location) => real().discard(location),
      remove: (location) => real().remove(location),
      create: async (location) => {
        const g = gate;
        gate = null;
        if (g) {
          g.entered();
          await g.wait;
        }
        return real().create(location);
      },
    },
    arm() {
      let entered = () => {};
      let release = () => {};
      const reached = new Promise<void>((r) => {
        entered = r;
      });
      const wait = new Promise<void>((r) => {
        release = r;
      });
      gate = { entered, wait };
      return { entered: reached, release };
    },
  };
}

const gated = gatedStore();
const deps = (): RestoreInPlaceDeps => ({
  control: t.stack.control.db,
  secrets: t.stack.serviceSecrets,
  keys: keyringFromSecrets(t.stack.serviceSecrets),
  store: gated.store,
  keepReplacedDays: 3,
});
const operator = { userId: null, email: 'ops@demo.firm', reason: 'operator: move a client' };

const post = (memo: string) =>
  t.as('senior', SLUG)<{ postJournalEntry: { id: string } }>(
    'mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id } }',
    {
      input: {
        postingDate: '2026-03-10',
        memo,
        lines: [
          { accountCode: '1110', debit: '1.00' },
          { accountCode: '4101', credit: '1.00' },
        ],
      },
    },
  );

async function sqlAt<T>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, values)).rows as T[];
  } finally {
    await c.end();
  }
}
const memosAt = async (url: string, like: string) =>
  (await sqlAt<{ memo: string }>(url, 'SELECT memo FROM journal_entries WHERE memo LIKE $1', [like])).map(
    (r) => r.memo,
  );
const oldUrl = () => withDatabase(t.controlAdminUrl, oldName);
const directory = async () =>
  (await t.stack.control.db.select().from(control.tenants).where(eq(control.tenants.id, tenantId)))[0]!;
let tamperLoad = false;
let damaged = 0;
const READ_ONLY_OR_UNAVAILABLE = ['TENANT_READ_ONLY', 'TENANT_UNAVAILABLE'];

describe('pnpm move-client --to refuses', () => {
  it('an unknown server, the server the client is on, and an unknown client, touching nothing', async () => {
    await expect(moveClient(deps(), operator, SLUG, 'nowhere')).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    const [{ name: current }] = (await t.stack.control.db
      .select({ name: control.dbServers.name })
      .from(control.dbServers)
      .where(eq(control.dbServers.id, (await directory()).serverId))) as [{ name: string }];
    await expect(moveClient(deps(), operator, SLUG, current)).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    await expect(moveClient(deps(), operator, 'no-such-client', 'second')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await post('after refused moves')).errors).toBeUndefined();
  });

  it('a target server that cannot be reached: the client stays where it was, writable, and the trail says why', async () => {
    // Held inside its read-only window while this process opens a session there: a session keeps the
    // read-only default it started with, so giving up must end it too, not only reset the database.
    const gate = gated.arm();
    const moving = moveClient(deps(), operator, SLUG, 'dead');
    await gate.entered;
    const opened = await (await t.stack.registry.pool(tenantId)).connect();
    expect(
      (await opened.query("SELECT current_setting('default_transaction_read_only') AS v")).rows[0].v,
    ).toBe('on');
    opened.release();
    gate.release();
    await expect(moving).rejects.toThrow();
    expect(await directory()).toMatchObject({ databaseName: oldName });
    const [setting] = await sqlAt<{ v: string }>(
      oldUrl(),
      "SELECT current_setting('default_transaction_read_only') AS v",
    );
    expect(setting!.v).toBe('off');
    expect((await post('after failed move')).errors).toBeUndefined();
    const failed = await t.stack.control.db
      .select()
      .from(control.controlAuditEvents)
      .where(
        and(
          eq(control.controlAuditEvents.entityId, tenantId),
          eq(control.controlAuditEvents.action, 'tenant.move_failed'),
        ),
      );
    expect(failed).toHaveLength(1);
  });

  it('a copy that fails to load on the target: the copy dropped there, the client where it was, writable', async () => {
    tamperLoad = true;
    try {
      await expect(moveClient(deps(), operator, SLUG, 'second')).rejects.toMatchObject({
        code: expect.stringMatching(/^(BACKUP_TAMPERED|RESTORE_VERIFICATION_FAILED)$/),
      });
    } finally {
      tamperLoad = false;
    }
    // The damage met the load, after the check had passed (the copy existed on the target).
    expect(damaged).toBe(1);
    expect(await directory()).toMatchObject({ databaseName: oldName });
    const copies = await sqlAt(
      withDatabase(second.url, 'postgres'),
      "SELECT datname FROM pg_database WHERE datname LIKE 'cifra_c_%'",
    );
    expect(copies).toEqual([]);
    const [setting] = await sqlAt<{ v: string }>(
      oldUrl(),
      "SELECT current_setting('default_transaction_read_only') AS v",
    );
    expect(setting!.v).toBe('off');
    expect((await post('after failed load')).errors).toBeUndefined();
  });
});

describe('pnpm move-client --to second', () => {
  it('moves the books with postings in flight: nothing acknowledged lost, nothing written to the old database after the switch', {
    timeout: 300_000,
  }, async () => {
    expect((await post('before move')).errors).toBeUndefined();
    const acknowledged: string[] = [];
    const refused: { memo: string; code: unknown }[] = [];
    let stop = false;
    let writerError: unknown = null;
    const writers = [0, 1].map((w) =>
      (async () => {
        for (let i = 0; !stop && i < 5000; i++) {
          const memo = `during move ${w}-${i}`;
          const r = await post(memo);
          if (r.errors) refused.push({ memo, code: r.errors[0]?.extensions?.code });
          else acknowledged.push(memo);
        }
      })().catch((err: unknown) => {
        writerError = err;
      }),
    );
    while (acknowledged.length < 3 && writerError === null) await new Promise((r) => setTimeout(r, 10));

    // The move, held inside its read-only window until a posting has been refused there.
    const gate = gated.arm();
    const moving = moveClient(deps(), operator, SLUG, 'second');
    await gate.entered;
    let r = await post('while read-only');
    for (let i = 0; i < 8 && r.errors?.[0]?.extensions?.code === 'TENANT_UNAVAILABLE'; i++)
      r = await post('while read-only');
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'TENANT_READ_ONLY', retryAfterSeconds: 5 });
    gate.release();
    const moved = await moving;
    expect(moved).toMatchObject({ from: { database: oldName }, to: { server: 'second' } });
    const newName = moved.to.database;
    expect(newName).toMatch(/^cifra_c_[0-9a-f]{24}$/);
    const newUrl = withDatabase(second.url, newName);

    // A process still holding the old location (each process caches it for its TTL) is refused:
    // the old database is read-only, for the client's own login too.
    const secret = t.stack.serviceSecrets[TENANT_DB_SECRET]!;
    const stale = new pg.Client({
      connectionString: appLoginUrl(withoutCredentials(t.controlAdminUrl), oldName, secret),
    });
    await stale.connect();
    try {
      await expect(
        stale.query("UPDATE journal_entries SET memo = memo WHERE memo = 'before move'"),
      ).rejects.toMatchObject({ code: '25006' });
    } finally {
      await stale.end();
    }
    // This process's registry forgets the location, as its TTL lapsing would: postings go on, to the new server.
    t.stack.registry.forget(tenantId);
    const acknowledgedAtSwitch = acknowledged.length;
    while (acknowledged.length < acknowledgedAtSwitch + 3 && writerError === null)
      await new Promise((r) => setTimeout(r, 10));
    stop = true;
    await Promise.all(writers);
    expect(writerError).toBeNull();

    const inNew = new Set(await memosAt(newUrl, 'during move %'));
    const inOld = await memosAt(oldUrl(), 'during move %');
    // Nothing acknowledged is lost: every acknowledged posting is in the new database.
    expect(acknowledged.filter((m) => !inNew.has(m))).toEqual([]);
    // Nothing lands in the old database after the switch: all it holds was copied.
    expect(inOld.filter((m) => !inNew.has(m))).toEqual([]);
    expect(inOld.length).toBeLessThan(inNew.size);
    // A refused posting wrote nothing anywhere, and was refused as read-only or unavailable.
    for (const { memo, code } of refused) {
      expect(READ_ONLY_OR_UNAVAILABLE).toContain(code);
      expect(inNew.has(memo)).toBe(false);
    }
    expect(await memosAt(newUrl, 'while read-only')).toEqual([]);
    expect(await memosAt(newUrl, 'before move')).toEqual(['before move']);

    // The directory names the new server and database; the trail has the move; the new books are writable.
    const [server] = await t.stack.control.db
      .select()
      .from(control.dbServers)
      .where(eq(control.dbServers.name, 'second'));
    expect(await directory()).toMatchObject({
      serverId: server!.id,
      databaseName: newName,
      status: 'ACTIVE',
    });
    const trail = await t.stack.control.db
      .select()
      .from(control.controlAuditEvents)
      .where(
        and(
          eq(control.controlAuditEvents.entityId, tenantId),
          eq(control.controlAuditEvents.action, 'tenant.moved'),
        ),
      );
    expect(trail).toHaveLength(1);
    expect((await post('after move')).errors).toBeUndefined();
    expect(await memosAt(newUrl, 'after move')).toEqual(['after move']);
    const [backup] = await t.stack.control.db
      .select()
      .from(control.clientBackups)
      .where(eq(control.clientBackups.id, moved.backupId));
    expect(backup!.verifiedAt).not.toBeNull();

    // The old database is kept read-only for its days, then dropped with its logins by the sweep.
    const [setting] = await sqlAt<{ v: string }>(
      oldUrl(),
      "SELECT current_setting('default_transaction_read_only') AS v",
    );
    expect(setting!.v).toBe('on');
    expect(await dropReplacedDatabases(deps(), new Date())).toEqual([]);
    const dropped = await dropReplacedDatabases(deps(), new Date(Date.now() + 4 * 86_400_000));
    expect(dropped).toHaveLength(1);
    const left = await sqlAt(
      withDatabase(t.controlAdminUrl, 'postgres'),
      'SELECT 1 FROM pg_database WHERE datname = $1 UNION ALL SELECT 1 FROM pg_roles WHERE rolname = $2',
      [oldName, appLoginRole(oldName)],
    );
    expect(left).toEqual([]);
    expect((await post('after old dropped')).errors).toBeUndefined();
  });
});

describe('two moves of one client at once', () => {
  it('take turns: one moves the books back, the other then finds them there; nothing is lost and the client stays writable', {
    timeout: 300_000,
  }, async () => {
    const results = await Promise.allSettled([
      moveClient(deps(), operator, SLUG, firstServer),
      moveClient(deps(), operator, SLUG, firstServer),
    ]);
    const done = results.filter((r): r is PromiseFulfilledResult<MovedClient> => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(done).toHaveLength(1);
    expect(refused.map((r) => r.reason?.code)).toEqual(['BAD_USER_INPUT']);
    const back = done[0]!.value;
    expect(back.from.server).toBe('second');
    expect(await directory()).toMatchObject({ databaseName: back.to.database });
    t.stack.registry.forget(tenantId);
    expect((await post('after two moves')).errors).toBeUndefined();
    const url = withDatabase(t.controlAdminUrl, back.to.database);
    expect(await memosAt(url, 'after two moves')).toEqual(['after two moves']);
    expect(await memosAt(url, 'after move')).toEqual(['after move']);
  });
});

describe('an archived client', () => {
  it('stays read-only when a move fails and when it succeeds; unarchived where it now lives, it is writable', {
    timeout: 300_000,
  }, async () => {
    const lifecycle = (mutation: 'archiveClient' | 'unarchiveClient') =>
      t.as('admin')<Record<string, { archived: boolean }>>(
        `mutation($t: String!) { ${mutation}(tenant: $t, reason: "Engagement paused for the whole year") { archived } }`,
        { t: SLUG },
      );
    const archived = await lifecycle('archiveClient');
    expect(archived.data?.archiveClient).toEqual({ archived: true });
    const settingOf = async (url: string) =>
      (await sqlAt<{ v: string }>(url, "SELECT current_setting('default_transaction_read_only') AS v"))[0]!.v;

    await expect(moveClient(deps(), operator, SLUG, 'dead')).rejects.toThrow();
    const before = await directory();
    const beforeUrl = withDatabase(await adminUrlOf(before.serverId), before.databaseName);
    expect(await settingOf(beforeUrl)).toBe('on');

    const target = (await directory()).serverId === (await serverId('second')) ? firstServer : 'second';
    const moved = await moveClient(deps(), operator, SLUG, target);
    const now = await directory();
    expect(now.databaseName).toBe(moved.to.database);
    expect(await settingOf(withDatabase(await adminUrlOf(now.serverId), now.databaseName))).toBe('on');
    t.stack.registry.forget(tenantId);
    const refused = await post('while archived, moved');
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['TENANT_READ_ONLY']);

    expect((await lifecycle('unarchiveClient')).data?.unarchiveClient).toEqual({ archived: false });
    expect(await settingOf(withDatabase(await adminUrlOf(now.serverId), now.databaseName))).toBe('off');
    expect((await post('unarchived after the move')).errors).toBeUndefined();
  });
});

const serverId = async (name: string) =>
  (await t.stack.control.db.select().from(control.dbServers).where(eq(control.dbServers.name, name)))[0]!.id;
const adminUrlOf = async (id: string) => {
  const [s] = await t.stack.control.db.select().from(control.dbServers).where(eq(control.dbServers.id, id));
  return s!.name === 'second' ? second.url : t.controlAdminUrl;
};
