import { rm } from 'node:fs/promises';
import path from 'node:path';
import { directoryBackupStore, dueDrills, keyringFromSecrets } from '@cifra/backups';
import { control } from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import { DRILL_JOB, restoreDrillJobs, type Stack, startStack, startWorker } from '@cifra/ops';
import { createEmptyDatabase, makeTestDir, TEST_APP_PASSWORD, type TestDatabase } from '@cifra/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from '../support/client.ts';
import { closeStack } from '../support/stack.ts';

/**
 * The worker's restore drills (docs/architecture/backups.md, "Restore drills"): what `pnpm start`
 * asks on a fresh data directory (every client never backed up is backed up and drilled once at
 * start, so the demo is not flagged NO_VERIFIED_BACKUP), then the weekly round, on an injected
 * clock. Nothing waits for a real hour or week: each wait is for a state of the control plane.
 * The worker runs the drills' jobs alone: with the nightly backups' dispatcher beside them, a week
 * on the clock makes every client's nightly backup due, queued whenever its next minute comes
 * (backup-schedule tests cover that dispatcher).
 */
let db: TestDatabase;
let dataDir: string;
let stack: Stack;
let senior: ReturnType<typeof gql>;
let now = new Date();
const DAY = 86_400_000;

beforeAll(async () => {
  db = await createEmptyDatabase();
  dataDir = await makeTestDir('cifra-drills-');
  // No worker in the stack: this file starts its own, on its own clock.
  stack = await startStack({
    dataDir,
    port: 0,
    databaseUrl: db.adminUrl,
    appPassword: TEST_APP_PASSWORD,
    log: pino({ level: 'silent' }),
    worker: false,
  });
  senior = gql(stack.gatewayUrl, await signLocalToken(stack.authPrivateJwk, 'senior@demo.firm'));
});
afterAll(async () => {
  await closeStack(stack, db);
  await rm(dataDir, { recursive: true, force: true });
});

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 100));
}

const flagged = async () => {
  const r = await senior<{ closeExceptions: { kind: string; client: { slug: string } }[] }>(
    '{ closeExceptions(first: 500) { kind client { slug } } }',
  );
  expect(r.errors).toBeUndefined();
  return r.data!.closeExceptions.filter((e) => e.kind === 'NO_VERIFIED_BACKUP').map((e) => e.client.slug);
};

describe('the worker', () => {
  it('backs up and drills a fresh demo at start, then drills every client again once the interval has passed', {
    timeout: 300_000,
  }, async () => {
    const clients = await stack.control.db.select().from(control.tenants);
    expect(clients.length).toBeGreaterThan(1);
    expect((await flagged()).sort()).toEqual(clients.map((c) => c.slug).sort());

    const worker = await startWorker({
      pool: stack.control.pool,
      deps: {
        control: stack.appControl,
        registry: stack.registry,
        log: pino({ level: 'silent' }),
        clock: () => now,
        limits: { backupConcurrency: 2, firstBackupsOnStart: true, drillEveryDays: 7 },
        backups: {
          secrets: stack.serviceSecrets,
          keys: keyringFromSecrets(stack.serviceSecrets),
          store: directoryBackupStore(path.join(dataDir, 'backups')),
        },
      },
      modules: [restoreDrillJobs],
      processEvery: 200,
    });
    try {
      const drills = () => stack.control.db.select().from(control.restoreDrills);
      const backups = () => stack.control.db.select().from(control.clientBackups);
      await until(async () => (await drills()).filter((d) => d.finishedAt).length === clients.length);
      const first = await drills();
      expect(first.map((d) => d.outcome)).toEqual(clients.map(() => 'VERIFIED'));
      expect(new Set(first.map((d) => d.tenantId)).size).toBe(clients.length);
      expect(first.every((d) => d.droppedAt !== null)).toBe(true);
      expect(await flagged()).toEqual([]);
      const taken = await backups();
      expect(new Set(taken.map((b) => b.tenantId)).size).toBe(clients.length);
      expect(taken).toHaveLength(clients.length);

      // Nothing is due within the week.
      expect(await dueDrills(stack.control.db, now, 7)).toEqual([]);
      // A week and a day later, the hourly round drills every client's newest backup again.
      now = new Date(Date.now() + 8 * DAY);
      await worker.agenda.now(DRILL_JOB);
      await until(async () => (await drills()).filter((d) => d.finishedAt).length === 2 * clients.length);
      const all = await drills();
      expect(all.every((d) => d.outcome === 'VERIFIED')).toBe(true);
      for (const c of clients) expect(all.filter((d) => d.tenantId === c.id)).toHaveLength(2);
      // A drill takes no backup, and the first-backups job ran once: still one backup a client.
      expect((await backups()).map((b) => b.id).sort()).toEqual(taken.map((b) => b.id).sort());
    } finally {
      await worker.stop();
    }
  });
});
