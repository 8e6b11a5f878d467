import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dropReplacedDatabases } from '@cifra/backups';
import {
  CHECKPOINT_SECRET,
  control,
  pg,
  takeCheckpoint,
  tenantDb,
  withClient,
  withDatabase,
} from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BoardLineBase, boardLine, currentBoardLine } from '../support/board.ts';
import { gql } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Restore in place, four eyes (docs/architecture/backups.md, "Restore in place"), through the
 * gateway: requested with a reason by one firm admin, approved by another; a damaged backup is
 * refused with the live client untouched; postings attempted during the swap are either
 * acknowledged and kept, or refused and not written — never acknowledged and dropped.
 */
const SLUG = 'ferreteria-colon';
let t: TestStack;
let admin2: ReturnType<typeof gql>;
let tenantId: string;
let databaseName: string;

beforeAll(async () => {
  t = await startTestStack();
  const [tenant] = await t.stack.control.db
    .select()
    .from(control.tenants)
    .where(eq(control.tenants.slug, SLUG));
  tenantId = tenant!.id;
  databaseName = tenant!.databaseName;
  // A second firm admin: the four eyes.
  const [user] = await t.stack.control.db
    .insert(control.users)
    .values({ email: 'admin2@demo.firm', displayName: 'Second Admin' })
    .returning();
  await t.stack.control.db
    .insert(control.firmMemberships)
    .values({ firmId: tenant!.firmId, userId: user!.id, firmRole: 'FirmAdmin' });
  admin2 = gql(t.stack.gatewayUrl, await signLocalToken(t.stack.authPrivateJwk, 'admin2@demo.firm'));
});
afterAll(async () => {
  await t?.close();
});

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

async function sqlOn<T>(database: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: withDatabase(t.controlAdminUrl, database) });
  await c.connect();
  try {
    return (await c.query(text, values)).rows as T[];
  } finally {
    await c.end();
  }
}

const memos = async (database: string, like: string) =>
  (
    await sqlOn<{ memo: string }>(database, 'SELECT memo FROM journal_entries WHERE memo LIKE $1', [like])
  ).map((r) => r.memo);

const backupNow = async () => {
  const r = await t.as('admin')<{ backupClient: { id: string; status: string; location?: string } }>(
    'mutation($t: String!) { backupClient(tenant: $t) { id status } }',
    { t: SLUG },
  );
  expect(r.errors).toBeUndefined();
  return r.data!.backupClient.id;
};

type Req = {
  id: string;
  status: string;
  failureCode: string | null;
  replacedKeptUntil: string | null;
  readOnlyAt: string | null;
};
const FIELDS = 'id status failureCode replacedKeptUntil readOnlyAt';
const request = (backupId: string, reason: string) =>
  t.as('admin')<{ requestRestoreInPlace: Req }>(
    `mutation($b: ID!, $r: String!) { requestRestoreInPlace(backupId: $b, reason: $r) { ${FIELDS} } }`,
    { b: backupId, r: reason },
  );
const approve = (who: ReturnType<typeof gql>, requestId: string) =>
  who<{ approveRestoreInPlace: Req }>(
    `mutation($id: ID!) { approveRestoreInPlace(requestId: $id) { ${FIELDS} } }`,
    { id: requestId },
  );
const REASON = 'Wrong bank import on 10 March posted twice; back to the night backup';

describe('a live client made read-only', () => {
  it('refuses a posting with TENANT_READ_ONLY and a retry hint, and writes nothing', async () => {
    const admin = new pg.Client({ connectionString: t.controlAdminUrl });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE "${databaseName}" SET default_transaction_read_only = on`);
      await admin.query(
        'SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [databaseName],
      );
      // A pooled connection ended by the server may answer once as unavailable; then read-only.
      let r = await post('while read-only');
      for (let i = 0; i < 8 && r.errors?.[0]?.extensions?.code === 'TENANT_UNAVAILABLE'; i++)
        r = await post('while read-only');
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'TENANT_READ_ONLY', retryAfterSeconds: 5 });
    } finally {
      await admin.query(`ALTER DATABASE "${databaseName}" RESET default_transaction_read_only`);
      await admin.query(
        'SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [databaseName],
      );
      await admin.end();
    }
    expect(await memos(databaseName, 'while read-only')).toEqual([]);
  });
});

describe('restore in place', () => {
  it('needs a reason of 20 characters, a COMPLETE backup of a client the caller manages, and a second person', async () => {
    const backupId = await backupNow();
    expect((await request(backupId, 'too short')).errors?.[0]?.extensions?.code).toBe('REASON_TOO_SHORT');
    expect(
      (await request('00000000-0000-4000-8000-000000000000', REASON)).errors?.[0]?.extensions?.code,
    ).toBe('BACKUP_NOT_FOUND');
    const senior = await t.as('senior')<{ requestRestoreInPlace: Req }>(
      'mutation($b: ID!, $r: String!) { requestRestoreInPlace(backupId: $b, reason: $r) { id } }',
      { b: backupId, r: REASON },
    );
    expect(senior.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asked = await request(backupId, REASON);
    expect(asked.errors).toBeUndefined();
    expect(asked.data!.requestRestoreInPlace).toMatchObject({ status: 'PENDING' });
    const same = await approve(t.as('admin'), asked.data!.requestRestoreInPlace.id);
    expect(same.errors?.[0]?.extensions?.code).toBe('SAME_PERSON');
    // Still pending; nothing touched.
    const [row] = await t.stack.control.db
      .select()
      .from(control.restoreInPlaceRequests)
      .where(eq(control.restoreInPlaceRequests.id, asked.data!.requestRestoreInPlace.id));
    expect(row).toMatchObject({ status: 'PENDING', approvedBy: null });
  });

  it('refuses a tampered backup and leaves the live client untouched', async () => {
    expect((await post('before tampered backup')).errors).toBeUndefined();
    const backupId = await backupNow();
    expect((await post('after tampered backup')).errors).toBeUndefined();
    const [b] = await t.stack.control.db
      .select()
      .from(control.clientBackups)
      .where(eq(control.clientBackups.id, backupId));
    const dir = path.join(t.dataDir, 'backups', b!.location);
    const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
    const gl = manifest.body.parts.find((p: { table: string }) => p.table === 'public.gl_lines');
    const bytes = await readFile(path.join(dir, gl.file));
    bytes[10] = (bytes[10] ?? 0) ^ 0x01;
    await writeFile(path.join(dir, gl.file), bytes);

    const asked = await request(backupId, REASON);
    const r = await approve(admin2, asked.data!.requestRestoreInPlace.id);
    expect(r.errors?.[0]?.extensions?.code).toBe('BACKUP_TAMPERED');
    const [row] = await t.stack.control.db
      .select()
      .from(control.restoreInPlaceRequests)
      .where(eq(control.restoreInPlaceRequests.id, asked.data!.requestRestoreInPlace.id));
    expect(row).toMatchObject({ status: 'FAILED', failureCode: 'BACKUP_TAMPERED', readOnlyAt: null });
    // The live books: same database, still writable, the posting after the backup still there.
    const [tenant] = await t.stack.control.db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.id, tenantId));
    expect(tenant!.databaseName).toBe(databaseName);
    expect(await memos(databaseName, 'after tampered backup')).toEqual(['after tampered backup']);
    expect((await post('after refused restore')).errors).toBeUndefined();
  });

  it('replaces the live books with the verified backup; postings during the swap are kept or refused, never dropped', {
    timeout: 300_000,
  }, async () => {
    expect((await post('before good backup')).errors).toBeUndefined();
    const backupId = await backupNow();
    expect((await post('after good backup')).errors).toBeUndefined();
    // A checkpoint of the chain past the backup's head: a history the restore will discard.
    const discarded = await withClient(withDatabase(t.controlAdminUrl, databaseName), (c) =>
      takeCheckpoint(
        t.stack.control.db,
        tenantDb(c),
        tenantId,
        t.stack.serviceSecrets[CHECKPOINT_SECRET] as string,
        'daily',
      ),
    );
    const asked = await request(backupId, REASON);
    const requestId = asked.data!.requestRestoreInPlace.id;

    const acknowledged: string[] = [];
    const refused: { memo: string; code: unknown }[] = [];
    let stop = false;
    let afterApproval = 0;
    let approved = false;
    let writerError: unknown = null;
    const writer = (async () => {
      for (let i = 0; !stop && i < 2000; i++) {
        const memo = `during swap ${i}`;
        const r = await post(memo);
        if (r.errors) refused.push({ memo, code: r.errors[0]?.extensions?.code });
        else {
          acknowledged.push(memo);
          if (approved) afterApproval += 1;
        }
      }
    })().catch((err: unknown) => {
      writerError = err;
    });
    while (acknowledged.length < 3 && writerError === null) await new Promise((r) => setTimeout(r, 10));
    const done = await approve(admin2, requestId);
    approved = true;
    expect(done.errors).toBeUndefined();
    expect(done.data!.approveRestoreInPlace).toMatchObject({ status: 'RESTORED', failureCode: null });
    expect(done.data!.approveRestoreInPlace.replacedKeptUntil).not.toBeNull();
    // Postings go on to the restored books once the swap is done.
    while (afterApproval < 3 && writerError === null) await new Promise((r) => setTimeout(r, 10));
    stop = true;
    await writer;
    // No posting was answered INTERNAL_SERVER_ERROR (the test client throws on one).
    expect(writerError).toBeNull();

    const [row] = await t.stack.control.db
      .select()
      .from(control.restoreInPlaceRequests)
      .where(eq(control.restoreInPlaceRequests.id, requestId));
    const replaced = row!.replacedDatabaseName!;
    expect(replaced).toMatch(/^cifra_c_[0-9a-f]{24}$/);
    // The directory did not change: the restored database took the live one's name.
    const [tenant] = await t.stack.control.db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.id, tenantId));
    expect(tenant!.databaseName).toBe(databaseName);
    // The live books are the backup's: what was posted after it is gone from them, kept in the replaced one.
    expect(await memos(databaseName, 'before good backup')).toEqual(['before good backup']);
    expect(await memos(databaseName, 'after good backup')).toEqual([]);
    expect(await memos(replaced, 'after good backup')).toEqual(['after good backup']);

    // Every refusal is a retryable refusal, and wrote nothing anywhere.
    for (const r of refused) expect(['TENANT_READ_ONLY', 'TENANT_UNAVAILABLE']).toContain(r.code);
    const live = new Set(await memos(databaseName, 'during swap %'));
    const old = new Set(await memos(replaced, 'during swap %'));
    for (const r of refused) {
      expect(live.has(r.memo)).toBe(false);
      expect(old.has(r.memo)).toBe(false);
    }
    // Every acknowledged posting is in the live books or, if acknowledged before the books went
    // read-only, in the replaced database kept for the firm; none in both, none lost.
    for (const memo of acknowledged) expect(live.has(memo) !== old.has(memo)).toBe(true);
    expect(live.size + old.size).toBe(acknowledged.length);

    // The replaced database is read-only and the client's logins may not connect to it.
    await expect(sqlOn(replaced, 'INSERT INTO numbering_prefixes DEFAULT VALUES')).rejects.toThrow(
      /read-only/,
    );
    // Its trail.
    const trail = (
      await t.stack.control.db
        .select({ action: control.controlAuditEvents.action })
        .from(control.controlAuditEvents)
        .where(eq(control.controlAuditEvents.entityId, tenantId))
        .orderBy(control.controlAuditEvents.id)
    ).map((e) => e.action);
    expect(trail.slice(-3)).toEqual([
      'tenant.restore_in_place_requested',
      'tenant.read_only',
      'tenant.restored_in_place',
    ]);
    // The books verify: the restore checkpointed the head it rewound the chain to, which sets aside
    // the checkpoint of the discarded history (new events now hold its position with other hashes).
    const verified = await t.as(
      'admin',
      SLUG,
    )<{
      verifyBooks: { ok: boolean; checkpoint: { ok: boolean; problem: string | null; chainSeq: string } };
    }>('{ verifyBooks { ok checkpoint { ok problem chainSeq } } }');
    expect(verified.errors).toBeUndefined();
    expect(verified.data!.verifyBooks).toMatchObject({ ok: true, checkpoint: { ok: true, problem: null } });
    expect(BigInt(verified.data!.verifyBooks.checkpoint.chainSeq)).toBeLessThan(BigInt(discarded.chainSeq));
    // The backup is verified; approving again is refused.
    expect((await approve(admin2, requestId)).errors?.[0]?.extensions).toMatchObject({
      code: 'RESTORE_REQUEST_NOT_PENDING',
      status: 'RESTORED',
    });

    // Kept its days, then dropped by the worker's sweep.
    expect(
      await dropReplacedDatabases({ control: t.stack.appControl, secrets: t.stack.serviceSecrets }),
    ).toEqual([]);
    const later = new Date(Date.now() + 8 * 86_400_000);
    expect(
      await dropReplacedDatabases({ control: t.stack.appControl, secrets: t.stack.serviceSecrets }, later),
    ).toEqual([requestId]);
    const gone = await sqlOn<{ n: string }>(
      'postgres',
      'SELECT count(*)::text AS n FROM pg_database WHERE datname = $1',
      [replaced],
    );
    expect(gone[0]?.n).toBe('0');
  });
});

describe('the close board after a restore in place', () => {
  type Line = BoardLineBase & { periodState: string | null };
  const june = { slug: SLUG, year: 2026, month: 6 };
  const line = () => boardLine<Line>(t.as('senior'), june, 'periodState');
  const current = () => currentBoardLine<Line>(t.as('senior'), june, 'periodState');

  it('shows the restored books: the line is behind as soon as the swap answers, then the backup’s state', {
    timeout: 300_000,
  }, async () => {
    const periods = await t.as(
      'senior',
      SLUG,
    )<{ periods: { id: string; month: number; state: string }[] }>(
      'query { periods(fiscalYear: 2026) { id month state } }',
    );
    const period = periods.data!.periods.find((p) => p.month === june.month)!;
    expect(period.state).toBe('UNLOCKED');
    const backupId = await backupNow();
    const locked = await t.as('senior', SLUG)(
      'mutation($id: ID!) { lockPeriod(periodId: $id, state: LOCK_SALES) { id } }',
      { id: period.id },
    );
    expect(locked.errors).toBeUndefined();
    expect((await current()).periodState).toBe('LOCK_SALES');

    const asked = await request(backupId, REASON);
    const done = await approve(admin2, asked.data!.requestRestoreInPlace.id);
    expect(done.data?.approveRestoreInPlace).toMatchObject({ status: 'RESTORED' });
    // Read-your-writes: once the restore has answered, the line shows the backup's month or says
    // it is behind — never the replaced books' lock as if it were current.
    const right = await line();
    expect(right?.freshness === 'BEHIND' || right?.periodState === 'UNLOCKED').toBe(true);
    expect((await current()).periodState).toBe('UNLOCKED');
  });
});

describe('an archived client restored in place', () => {
  it('keeps its books read-only in the restored database; unarchived, they take postings again', {
    timeout: 300_000,
  }, async () => {
    const lifecycle = (mutation: 'archiveClient' | 'unarchiveClient') =>
      t.as('admin')<Record<string, { archived: boolean }>>(
        `mutation($t: String!) { ${mutation}(tenant: $t, reason: "Engagement paused for the whole year") { archived } }`,
        { t: SLUG },
      );
    expect((await lifecycle('archiveClient')).data?.archiveClient).toEqual({ archived: true });
    const backupId = await backupNow();
    const asked = await request(backupId, REASON);
    const done = await approve(admin2, asked.data!.requestRestoreInPlace.id);
    expect(done.errors).toBeUndefined();
    expect(done.data?.approveRestoreInPlace).toMatchObject({ status: 'RESTORED' });
    const [setting] = await sqlOn<{ v: string }>(
      databaseName,
      "SELECT current_setting('default_transaction_read_only') AS v",
    );
    expect(setting!.v).toBe('on');
    expect((await post('archived, restored')).errors?.map((e) => e.extensions?.code)).toEqual([
      'TENANT_READ_ONLY',
    ]);
    expect((await lifecycle('unarchiveClient')).data?.unarchiveClient).toEqual({ archived: false });
    expect((await post('unarchived after the restore')).errors).toBeUndefined();
  });
});
