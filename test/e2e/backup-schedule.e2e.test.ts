import { rm } from 'node:fs/promises';
import path from 'node:path';
import {
  type BackupStore,
  directoryBackupStore,
  dispatchDueBackups,
  keyringFromSecrets,
} from '@cifra/backups';
import { control } from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import { BACKUP_DISPATCH_JOB, backupJobs, type Stack, startStack, startWorker } from '@cifra/ops';
import { createEmptyDatabase, makeTestDir, TEST_APP_PASSWORD, type TestDatabase } from '@cifra/testing';
import { and, eq, isNull } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from '../support/client.ts';
import { closeStack } from '../support/stack.ts';

/**
 * Scheduled backups (docs/architecture/backups.md): each client's daily backup at `backupLocalTime`
 * (02:00 unless the firm or the client sets another) in its own time zone, queued once however many
 * workers tick, run by the worker with bounded concurrency. Every instant here comes from an
 * injected clock; nothing waits for a real hour.
 */
let db: TestDatabase;
let dataDir: string;
let stack: Stack;
let admin: ReturnType<typeof gql>;
const clients = new Map<string, string>();

beforeAll(async () => {
  db = await createEmptyDatabase();
  dataDir = await makeTestDir('cifra-schedule-');
  // No worker in the stack: this file starts its own, on its own clock.
  stack = await startStack({
    dataDir,
    port: 0,
    databaseUrl: db.adminUrl,
    appPassword: TEST_APP_PASSWORD,
    log: pino({ level: 'silent' }),
    worker: false,
  });
  admin = gql(stack.gatewayUrl, await signLocalToken(stack.authPrivateJwk, 'admin@demo.firm'));
  for (const t of await stack.control.db.select().from(control.tenants)) clients.set(t.slug, t.id);
  // One client keeps its books in Madrid, where 02:00 does not exist on 29 March 2026.
  await stack.control.db
    .update(control.tenants)
    .set({ timezone: 'Europe/Madrid' })
    .where(eq(control.tenants.slug, 'logistica-canal'));
});
afterAll(async () => {
  await closeStack(stack, db);
  await rm(dataDir, { recursive: true, force: true });
});

const schedule = async () =>
  new Map(
    (await stack.control.db.select().from(control.backupSchedules)).map((s) => [
      s.tenantId,
      s.nextRunAt.toISOString(),
    ]),
  );
const idOf = (slug: string) => clients.get(slug) as string;

describe('the backup time as a setting', () => {
  it('is 02:00 by default, set by the firm or overridden by a client, and validated', async () => {
    const settings = `query { tenants { slug settings { effective { backupLocalTime } } } }`;
    const before = await admin<{
      tenants: { slug: string; settings: { effective: { backupLocalTime: string } } }[];
    }>(settings);
    expect(before.errors).toBeUndefined();
    expect(new Set(before.data!.tenants.map((t) => t.settings.effective.backupLocalTime))).toEqual(
      new Set(['02:00']),
    );
    const bad = await admin(
      `mutation { updateFirmSettings(set: { backupLocalTime: "25:00" }) { backupLocalTime } }`,
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'set.backupLocalTime',
    });
    const own = await admin(
      `mutation { updateClientSettings(tenant: "cafe-boquete", set: { backupLocalTime: "23:45" }, reason: "night shift") { slug } }`,
    );
    expect(own.errors).toBeUndefined();
  });
});

describe('the dispatcher', () => {
  it("plans each client's next backup at its local time, in its own time zone, DST included", async () => {
    const t0 = new Date('2026-03-28T12:00:00Z');
    const queued: string[] = [];
    const first = await dispatchDueBackups({
      control: stack.appControl,
      now: () => t0,
      enqueue: async (id) => void queued.push(id),
    });
    expect(queued).toEqual([]);
    expect(first.rescheduled.sort()).toEqual([...clients.values()].sort());
    const next = await schedule();
    // Panama (UTC-5): 02:00 is 07:00Z; the client's own 23:45 is 04:45Z.
    expect(next.get(idOf('ferreteria-colon'))).toBe('2026-03-29T07:00:00.000Z');
    expect(next.get(idOf('cafe-boquete'))).toBe('2026-03-29T04:45:00.000Z');
    // Madrid springs forward at 02:00 on 29 March: the backup runs at 03:00 CEST, 01:00Z.
    expect(next.get(idOf('logistica-canal'))).toBe('2026-03-29T01:00:00.000Z');

    // The firm moves its time: every client without an override follows, the override stays.
    const moved = await admin(
      `mutation { updateFirmSettings(set: { backupLocalTime: "04:00" }) { backupLocalTime } }`,
    );
    expect(moved.errors).toBeUndefined();
    await dispatchDueBackups({ control: stack.appControl, now: () => t0, enqueue: async () => undefined });
    const after = await schedule();
    expect(after.get(idOf('ferreteria-colon'))).toBe('2026-03-29T09:00:00.000Z');
    expect(after.get(idOf('cafe-boquete'))).toBe('2026-03-29T04:45:00.000Z');
    expect(after.get(idOf('logistica-canal'))).toBe('2026-03-29T02:00:00.000Z');
  });

  it('queues a due client once, however many workers tick at the same moment, and moves it to the next day', async () => {
    const t1 = new Date('2026-03-29T05:00:00Z');
    const queued: string[] = [];
    const tick = () =>
      dispatchDueBackups({
        control: stack.appControl,
        now: () => t1,
        enqueue: async (id) => void queued.push(id),
      });
    await Promise.all([tick(), tick(), tick()]);
    expect(queued.sort()).toEqual([idOf('cafe-boquete'), idOf('logistica-canal')].sort());
    const next = await schedule();
    expect(next.get(idOf('cafe-boquete'))).toBe('2026-03-30T04:45:00.000Z');
    expect(next.get(idOf('logistica-canal'))).toBe('2026-03-30T02:00:00.000Z');
    // A worker that was down for days queues one catch-up backup, not one per missed day.
    const late: string[] = [];
    await dispatchDueBackups({
      control: stack.appControl,
      now: () => new Date('2026-04-05T12:00:00Z'),
      enqueue: async (id) => void late.push(id),
    });
    expect(late.sort()).toEqual([...clients.values()].sort());
    await dispatchDueBackups({
      control: stack.appControl,
      now: () => new Date('2026-04-05T12:00:00Z'),
      enqueue: async (id) => void late.push(id),
    });
    expect(late).toHaveLength(clients.size);
  });
});

describe('the worker', () => {
  it('backs every due client up, never more than BACKUP_CONCURRENCY at once, and suspended clients not at all', async () => {
    await stack.control.db
      .update(control.tenants)
      .set({ status: 'SUSPENDED' })
      .where(eq(control.tenants.slug, 'clinica-costa'));
    const real = directoryBackupStore(path.join(dataDir, 'backups'));
    let inFlight = 0;
    let most = 0;
    const counting: BackupStore = {
      ...real,
      async create(location) {
        inFlight += 1;
        most = Math.max(most, inFlight);
        const w = await real.create(location);
        const done = () => {
          inFlight -= 1;
        };
        return {
          part: w.part,
          seal: (m) => w.seal(m).finally(done),
          abort: () => w.abort().finally(done),
        };
      },
    };
    const worker = await startWorker({
      pool: stack.control.pool,
      deps: {
        control: stack.appControl,
        registry: stack.registry,
        log: pino({ level: 'silent' }),
        clock: () => new Date('2026-04-07T12:00:00Z'),
        limits: { backupConcurrency: 2 },
        backups: {
          secrets: stack.serviceSecrets,
          keys: keyringFromSecrets(stack.serviceSecrets),
          store: counting,
        },
      },
      modules: [backupJobs],
      processEvery: 200,
    });
    try {
      await worker.agenda.now(BACKUP_DISPATCH_JOB);
      const scheduled = () =>
        stack.control.db
          .select()
          .from(control.clientBackups)
          .where(
            and(isNull(control.clientBackups.requestedBy), eq(control.clientBackups.status, 'COMPLETE')),
          );
      while ((await scheduled()).length < clients.size - 1) await new Promise((r) => setTimeout(r, 100));
      const done = await scheduled();
      expect(done.map((b) => b.tenantSlug).sort()).toEqual(
        [...clients.keys()].filter((s) => s !== 'clinica-costa').sort(),
      );
      expect(most).toBeLessThanOrEqual(2);
      expect(most).toBeGreaterThanOrEqual(1);
    } finally {
      await worker.stop();
    }
  });
});
