import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { directoryBackupStore, pruneBackups } from '@cifra/backups';
import { control } from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import { type Stack, startStack } from '@cifra/ops';
import { createEmptyDatabase, makeTestDir, TEST_APP_PASSWORD, type TestDatabase } from '@cifra/testing';
import { eq, inArray } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from '../support/client.ts';
import { closeStack } from '../support/stack.ts';

/**
 * Retention and legal hold (docs/architecture/backups.md): the firm's policy (a client may override
 * it) decides which complete backups are pruned — their files removed, their records PRUNED — never
 * the newest, never the newest verified, nothing of a client under legal hold; every prune and hold
 * change is in the firm's trail. The policy itself is property-tested in
 * packages/backups/test/retention.property.test.ts; here it meets the database and the files.
 */
let db: TestDatabase;
let dataDir: string;
let stack: Stack;
let as: (who: string) => ReturnType<typeof gql>;
const NOW = new Date('2026-06-15T12:00:00Z');
const backupDir = () => path.join(dataDir, 'backups');
const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  db = await createEmptyDatabase();
  dataDir = await makeTestDir('cifra-retention-');
  stack = await startStack({
    dataDir,
    port: 0,
    databaseUrl: db.adminUrl,
    appPassword: TEST_APP_PASSWORD,
    log: pino({ level: 'silent' }),
    worker: false,
  });
  const tokens = new Map<string, string>();
  for (const who of ['admin', 'junior'])
    tokens.set(who, await signLocalToken(stack.authPrivateJwk, `${who}@demo.firm`));
  as = (who) => gql(stack.gatewayUrl, tokens.get(who) as string);
});
afterAll(async () => {
  await closeStack(stack, db);
  await rm(dataDir, { recursive: true, force: true });
});

/** A complete backup taken at `at` (a record and a sealed-looking directory), as the owner writes them. */
async function history(slug: string, at: Record<string, string>, verified: string[] = []) {
  const [tenant] = await stack.control.db
    .select()
    .from(control.tenants)
    .where(eq(control.tenants.slug, slug));
  const ids: Record<string, string> = {};
  for (const [name, when] of Object.entries(at)) {
    const location = `${tenant!.firmId}/${tenant!.id}/${name}-${slug}`;
    const [row] = await stack.control.db
      .insert(control.clientBackups)
      .values({
        firmId: tenant!.firmId,
        tenantId: tenant!.id,
        tenantSlug: slug,
        serverName: 'default',
        status: 'COMPLETE',
        location,
        keyId: 'k',
        schemaVersion: '30:x',
        sizeBytes: 1n,
        startedAt: new Date(when),
        finishedAt: new Date(when),
        verifiedAt: verified.includes(name) ? new Date(when) : null,
      })
      .returning();
    await mkdir(path.join(backupDir(), location), { recursive: true });
    await writeFile(path.join(backupDir(), location, 'manifest.json'), '{}');
    ids[name] = row!.id;
  }
  return ids;
}

const statusOf = async (ids: Record<string, string>) => {
  const rows = await stack.control.db
    .select()
    .from(control.clientBackups)
    .where(inArray(control.clientBackups.id, Object.values(ids)));
  const name = new Map(Object.entries(ids).map(([k, v]) => [v, k]));
  return Object.fromEntries(rows.map((r) => [name.get(r.id), r.status]).sort());
};

const prune = () =>
  pruneBackups({ control: stack.appControl, store: directoryBackupStore(backupDir()), now: () => NOW });

const HOLD = `mutation($t: String!, $r: String!) { setBackupLegalHold(tenant: $t, reason: $r) { id tenantSlug reason setBy active } }`;
const RELEASE = `mutation($t: String!, $r: String!) { releaseBackupLegalHold(tenant: $t, reason: $r) { id active releasedBy releaseReason } }`;

describe('retention and legal hold', () => {
  let ids: Record<string, string>;

  it('a legal hold is set with a reason by who may manage the client, once', async () => {
    // Panama (UTC-5); the firm keeps 7 days, 3 months and 2 years.
    const policy = await as('admin')(
      `mutation { updateFirmSettings(set: { backupKeepDailyDays: 7, backupKeepMonthlyMonths: 3, backupKeepYearlyYears: 2 }) { backupKeepDailyDays } }`,
    );
    expect(policy.errors).toBeUndefined();
    ids = await history(
      'ferreteria-colon',
      {
        today: '2026-06-15T07:00:00Z',
        yesterday: '2026-06-14T07:00:00Z',
        yesterdayEarlier: '2026-06-14T06:00:00Z',
        juneFirst: '2026-06-01T07:00:00Z',
        mayLast: '2026-05-31T07:00:00Z',
        mayMid: '2026-05-10T07:00:00Z',
        marchVerified: '2026-03-31T07:00:00Z',
        yearEnd2025: '2025-12-31T07:00:00Z',
        june2025: '2025-06-01T07:00:00Z',
        yearEnd2024: '2024-12-31T07:00:00Z',
      },
      ['marchVerified'],
    );
    const short = await as('admin')(HOLD, { t: 'ferreteria-colon', r: 'audit' });
    expect(short.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    // Characters that show nothing are no reason, however many.
    const invisible = await as('admin')(HOLD, { t: 'ferreteria-colon', r: '\u200b'.repeat(12) });
    expect(invisible.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'reason',
      length: 0,
    });
    const junior = await as('junior')(HOLD, { t: 'ferreteria-colon', r: 'tax inspection 2026-17' });
    expect(junior.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|NOT_FOUND/);
    const set = await as('admin')(HOLD, { t: 'ferreteria-colon', r: 'tax inspection 2026-17' });
    expect(set.errors).toBeUndefined();
    expect(set.data).toMatchObject({
      setBackupLegalHold: { tenantSlug: 'ferreteria-colon', setBy: 'admin@demo.firm', active: true },
    });
    const again = await as('admin')(HOLD, { t: 'ferreteria-colon', r: 'another matter entirely' });
    expect(again.errors?.[0]?.extensions?.code).toBe('LEGAL_HOLD_EXISTS');
  });

  it('while held, nothing of the client is pruned', async () => {
    const result = await prune();
    expect(result.pruned).toEqual([]);
    expect(result.held).toHaveLength(1);
    expect(new Set(Object.values(await statusOf(ids)))).toEqual(new Set(['COMPLETE']));
  });

  it('once released, retention prunes what the policy does not keep, records and files, and keeps the rest', async () => {
    const noHold = await as('admin')(RELEASE, { t: 'clinica-costa', r: 'there is nothing to release' });
    expect(noHold.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const released = await as('admin')(RELEASE, {
      t: 'ferreteria-colon',
      r: 'inspection closed, file 2026-17',
    });
    expect(released.errors).toBeUndefined();
    expect(released.data).toMatchObject({
      releaseBackupLegalHold: { active: false, releasedBy: 'admin@demo.firm' },
    });
    const current = await as('admin')(`{ backupLegalHold(tenant: "ferreteria-colon") { id } }`);
    expect(current.data).toEqual({ backupLegalHold: null });

    const result = await prune();
    expect(result.pruned).toHaveLength(5);
    expect(await statusOf(ids)).toEqual({
      today: 'COMPLETE', // the newest, and today's
      yesterday: 'COMPLETE', // the newest of a day within 7
      yesterdayEarlier: 'PRUNED',
      juneFirst: 'PRUNED',
      mayLast: 'COMPLETE', // the newest of May, within 3 months
      mayMid: 'PRUNED',
      marchVerified: 'COMPLETE', // outside every window, but the newest verified
      yearEnd2025: 'COMPLETE', // the newest of 2025, within 2 years
      june2025: 'PRUNED',
      yearEnd2024: 'PRUNED',
    });
    const rows = await stack.control.db
      .select()
      .from(control.clientBackups)
      .where(inArray(control.clientBackups.id, Object.values(ids)));
    for (const r of rows) {
      expect(await exists(path.join(backupDir(), r.location))).toBe(r.status === 'COMPLETE');
      expect(r.prunedAt === null).toBe(r.status === 'COMPLETE');
    }
    // Pruning again changes nothing.
    expect((await prune()).pruned).toEqual([]);
    // A pruned record stays pruned.
    await expect(
      stack.appControl
        .update(control.clientBackups)
        .set({ status: 'COMPLETE' })
        .where(eq(control.clientBackups.id, ids.june2025!)),
    ).rejects.toThrow();
    const listed = await as('admin')(
      `{ backups(tenant: "ferreteria-colon", limit: 20) { id status prunedAt } }`,
    );
    expect(listed.errors).toBeUndefined();
    const pruned = (listed.data as { backups: { status: string; prunedAt: string | null }[] }).backups.filter(
      (b) => b.status === 'PRUNED',
    );
    expect(pruned).toHaveLength(5);
    expect(pruned.every((b) => b.prunedAt !== null)).toBe(true);
  });

  it("a client's own override of the firm's policy applies to it alone", async () => {
    const own = await history('cafe-boquete', {
      newest: '2026-06-15T07:00:00Z',
      older: '2026-06-14T07:00:00Z',
      oldest: '2026-06-13T07:00:00Z',
    });
    const override = await as('admin')(
      `mutation { updateClientSettings(tenant: "cafe-boquete", set: { backupKeepDailyDays: 0, backupKeepMonthlyMonths: 0, backupKeepYearlyYears: 0 }) { slug } }`,
    );
    expect(override.errors).toBeUndefined();
    await prune();
    // Nothing kept by the policy: the newest backup stays all the same.
    expect(await statusOf(own)).toEqual({ newest: 'COMPLETE', older: 'PRUNED', oldest: 'PRUNED' });
  });

  it("every prune and hold change is in the firm's trail, with who and why", async () => {
    const events = await stack.control.db
      .select()
      .from(control.controlAuditEvents)
      .where(
        inArray(control.controlAuditEvents.action, [
          'backup.pruned',
          'backup.hold_set',
          'backup.hold_released',
        ]),
      )
      .orderBy(control.controlAuditEvents.id);
    expect(events.filter((e) => e.action === 'backup.pruned')).toHaveLength(7);
    const holds = events.filter((e) => e.action !== 'backup.pruned');
    expect(holds.map((e) => [e.action, e.actorEmail, e.reason])).toEqual([
      ['backup.hold_set', 'admin@demo.firm', 'tax inspection 2026-17'],
      ['backup.hold_released', 'admin@demo.firm', 'inspection closed, file 2026-17'],
    ]);
  });
});
