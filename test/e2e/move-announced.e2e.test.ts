import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import {
  directoryBackupStore,
  keyringFromSecrets,
  moveClient,
  type RestoreInPlaceDeps,
} from '@cifra/backups';
import { control, pg, withDatabase } from '@cifra/db';
import { type Stack, startStack } from '@cifra/ops';
import { makeTestDir, TEST_APP_PASSWORD } from '@cifra/testing';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * A move announced to the other processes (docs/architecture/backups.md, "Telling the other
 * processes"): two stacks share one control plane, as two processes of a split deployment do, each
 * with its own tenant registry. The operator moves a client; the stack that did nothing reads and
 * writes the new database at its very next request, not when its 30 s location cache lapses
 * (until then its writes would be refused TENANT_READ_ONLY and its reads show the old books).
 * The "other server" is the test server registered a second time: a move makes a new database
 * there all the same.
 */
const SLUG = 'ferreteria-colon';
let t: TestStack;
let other: Stack;
let backupDir: string;
let tenantId: string;

beforeAll(async () => {
  t = await startTestStack();
  // The second process: same control plane and DATA_DIR secrets, its own registry, subgraphs and gateway.
  other = await startStack({
    dataDir: t.dataDir,
    port: 0,
    databaseUrl: t.controlAdminUrl,
    appPassword: TEST_APP_PASSWORD,
    log: pino({ level: 'silent' }),
    seedDemo: false,
    worker: false,
  });
  backupDir = await makeTestDir('cifra-announce-');
  const [tenant] = await t.stack.control.db
    .select()
    .from(control.tenants)
    .where(eq(control.tenants.slug, SLUG));
  tenantId = tenant!.id;
  const [server] = await t.stack.control.db
    .select()
    .from(control.dbServers)
    .where(eq(control.dbServers.id, tenant!.serverId));
  await t.stack.control.db
    .insert(control.dbServers)
    .values({ name: 'again', adminUrl: server!.adminUrl, acceptsNewTenants: false });
}, 180_000);
afterAll(async () => {
  await other?.close();
  await t?.close();
  if (backupDir) await rm(backupDir, { recursive: true, force: true });
});

const deps = (): RestoreInPlaceDeps => ({
  control: t.stack.control.db,
  secrets: t.stack.serviceSecrets,
  keys: keyringFromSecrets(t.stack.serviceSecrets),
  store: directoryBackupStore(backupDir),
});
const operator = { userId: null, email: 'ops@demo.firm', reason: 'operator: move a client' };

const via = (stack: Stack) => gql(stack.gatewayUrl, t.token('senior'), SLUG);
const post = (stack: Stack, memo: string) =>
  via(stack)<{ postJournalEntry: { id: string } }>(
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
const entry = (stack: Stack, id: string) =>
  via(stack)<{ journalEntry: { memo: string } | null }>(
    'query($id: ID!) { journalEntry(id: $id) { memo } }',
    {
      id,
    },
  );

async function memosAt(database: string, like: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: withDatabase(t.controlAdminUrl, database) });
  await c.connect();
  try {
    return (
      await c.query<{ memo: string }>('SELECT memo FROM journal_entries WHERE memo LIKE $1', [like])
    ).rows.map((r) => r.memo);
  } finally {
    await c.end();
  }
}

describe('a client moved by the operator', () => {
  it('is read and written on its new database by another process at its next request', {
    timeout: 300_000,
  }, async () => {
    await Promise.all([t.stack.registry.listener!.ready(), other.registry.listener!.ready()]);
    // Both processes hold the client's location and a pool on its database.
    const before = await post(other, 'other before move');
    expect(before.errors).toBeUndefined();
    expect((await post(t.stack, 'first before move')).errors).toBeUndefined();
    expect(other.registry.stats().tenants).toContain(tenantId);

    const heard = Promise.all([
      once(t.stack.registry.listener!, 'change'),
      once(other.registry.listener!, 'change'),
    ]);
    const moved = await moveClient(deps(), operator, SLUG, 'again');
    expect(await heard).toEqual([[tenantId], [tenantId]]);

    // The other process writes to the new database: not refused TENANT_READ_ONLY by the old one.
    const after = await post(other, 'other after move');
    expect(after.errors).toBeUndefined();
    expect(await memosAt(moved.to.database, 'other %')).toEqual(
      expect.arrayContaining(['other before move', 'other after move']),
    );
    expect(await memosAt(moved.from.database, 'other after move')).toEqual([]);
    // And reads it: a posting made through the first process after the move is seen through the other.
    const first = await post(t.stack, 'first after move');
    expect(first.errors).toBeUndefined();
    expect((await entry(other, first.data!.postJournalEntry.id)).data?.journalEntry).toEqual({
      memo: 'first after move',
    });
  });
});
