import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  announceClientChanges,
  appLoginRole,
  control,
  migrateTenantDatabase,
  withClient,
  withDatabase,
} from '@cifra/db';
import { todayIn } from '@cifra/domain';
import { migrateAllTenants } from '@cifra/ops';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, type GqlResult, type Nodes, nodes } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Sandbox clients, deleting a sandbox and archiving a live client (issue 18 §6;
 * docs/architecture/tenancy.md, "Sandbox and archived clients"), through the gateway with real
 * tokens: a sandbox is marked and kept out of the firm's views unless they ask for it; deleting it
 * drops its database, logins and backups and leaves the firm's trail a row; a live client is never
 * deleted, only archived (read-only, hidden unless asked for) and unarchived.
 */
let t: TestStack;
// The clients this file provisions keep Panama's clock: their year and month are today's there.
const [YEAR, MONTH] = todayIn('America/Panama').split('-').map(Number) as [number, number];

beforeAll(async () => {
  t = await startTestStack();
}, 180_000);
afterAll(async () => {
  await t?.close();
});

const PROVISION = `mutation P($input: ProvisionTenantInput!) { provisionTenant(input: $input) { slug status sandbox archived } }`;
const DELETE = `mutation D($tenant: String!, $reason: String!) {
  deleteSandboxClient(tenant: $tenant, reason: $reason) { tenantId slug deletedAt backupsDeleted } }`;
const ARCHIVE = `mutation A($tenant: String!, $reason: String!) { archiveClient(tenant: $tenant, reason: $reason) { slug archived archivedAt } }`;
const UNARCHIVE = `mutation U($tenant: String!, $reason: String!) { unarchiveClient(tenant: $tenant, reason: $reason) { slug archived archivedAt } }`;
const REASON = 'Trial run finished: the sandbox served its purpose';

type TenantNode = { slug: string; sandbox: boolean; archived: boolean };
const provision = async (slug: string, sandbox?: boolean) => {
  const r = await t.as('admin')<{ provisionTenant: TenantNode & { status: string } }>(PROVISION, {
    input: { slug, name: `${slug} S.A.`, ...(sandbox === undefined ? {} : { sandbox }) },
  });
  expect(r.errors).toBeUndefined();
  return r.data!.provisionTenant;
};
const tenantRow = async (slug: string) =>
  (await t.stack.control.db.select().from(control.tenants).where(eq(control.tenants.slug, slug)))[0]!;
const tenantById = async (id: string) =>
  (await t.stack.control.db.select().from(control.tenants).where(eq(control.tenants.id, id)))[0]!;
const serverSql = async <T>(sql: string, params: unknown[]) =>
  withClient(
    withDatabase(t.controlAdminUrl, 'postgres'),
    async (c) => (await c.query(sql, params)).rows as T[],
  );
const databaseExists = async (name: string) =>
  (await serverSql('SELECT 1 FROM pg_database WHERE datname = $1', [name])).length === 1;

const clientSlugs = async (args: string) => {
  const r = await t.as('admin')<{ tenantsConnection: Nodes<TenantNode> }>(
    `{ tenantsConnection(first: 500${args}) { edges { node { slug sandbox archived } } } }`,
  );
  expect(r.errors).toBeUndefined();
  return nodes(r.data?.tenantsConnection);
};
const board = async (args = '') => {
  const r = await t.as('admin')<{
    closeBoard: {
      stageCounts: { stage: string; count: number }[];
      clientsConnection: Nodes<{ client: TenantNode }>;
    };
  }>(
    `query($y: Int!, $m: Int!) { closeBoard(year: $y, month: $m${args}) {
      stageCounts { stage count }
      clientsConnection(first: 500) { edges { node { client { slug sandbox archived } } } } } }`,
    { y: YEAR, m: MONTH },
  );
  expect(r.errors).toBeUndefined();
  const b = r.data!.closeBoard;
  return {
    clients: nodes(b.clientsConnection).map((n) => n.client),
    counted: b.stageCounts.reduce((n, s) => n + s.count, 0),
  };
};
const exceptionSlugs = async (args = '') => {
  const r = await t.as('admin')<{ closeExceptions: { client: TenantNode }[] }>(
    `{ closeExceptions(overdueDays: 0, asOf: "${YEAR}-12-31", first: 500${args}) { client { slug sandbox archived } } }`,
  );
  expect(r.errors).toBeUndefined();
  return r.data!.closeExceptions.map((e) => e.client);
};
const staleRateSlugs = async (args = '') => {
  const r = await t.as('admin')<{
    staleRateUsage: { clientsConnection: Nodes<{ clientSlug: string; clientSandbox: boolean }> };
  }>(
    `{ staleRateUsage(from: "${YEAR}-01-01", to: "${YEAR}-12-31"${args}) {
      clientsConnection(first: 500) { edges { node { clientSlug clientSandbox } } } } }`,
  );
  expect(r.errors).toBeUndefined();
  return nodes(r.data?.staleRateUsage.clientsConnection);
};

const POST = 'mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id } }';
const post = (slug: string, memo: string) =>
  t.as('senior', slug)<{ postJournalEntry: { id: string } }>(POST, {
    input: {
      postingDate: `${YEAR}-01-15`,
      memo,
      lines: [
        { accountCode: '1110', debit: '1.00' },
        { accountCode: '4101', credit: '1.00' },
      ],
    },
  });
/**
 * A posting until its answer is not TENANT_UNAVAILABLE: a pooled connection the archive ended may
 * fail one request that way; bounded, and on the answer, never on time.
 */
const postSettled = async (slug: string, memo: string): Promise<GqlResult<unknown>> => {
  for (let attempt = 0; ; attempt++) {
    const r = await post(slug, `${memo} ${attempt}`);
    if (!codes(r).includes('TENANT_UNAVAILABLE') || attempt >= 5) return r;
  }
};

describe('a sandbox client', () => {
  it('is marked in every answer about it and kept out of the firm views unless asked for', async () => {
    const made = await provision('caja-de-arena', true);
    expect(made).toMatchObject({ status: 'ACTIVE', sandbox: true, archived: false });
    expect((await tenantRow('caja-de-arena')).sandbox).toBe(true);
    // A live client by default.
    expect(await provision('cliente-vivo')).toMatchObject({ sandbox: false });

    expect((await clientSlugs('')).map((c) => c.slug)).not.toContain('caja-de-arena');
    expect(await clientSlugs(', includeSandboxes: true')).toContainEqual({
      slug: 'caja-de-arena',
      sandbox: true,
      archived: false,
    });

    const plain = await board();
    const withSandboxes = await board(', includeSandboxes: true');
    expect(plain.clients.map((c) => c.slug)).not.toContain('caja-de-arena');
    expect(withSandboxes.clients).toContainEqual({ slug: 'caja-de-arena', sandbox: true, archived: false });
    // Its fresh month (OPEN) counts only when sandboxes are asked for.
    expect(withSandboxes.counted).toBe(plain.counted + 1);

    expect((await exceptionSlugs()).map((c) => c.slug)).not.toContain('caja-de-arena');
    const flagged = (await exceptionSlugs(', includeSandboxes: true')).filter(
      (c) => c.slug === 'caja-de-arena',
    );
    expect(flagged.length).toBeGreaterThan(0);
    expect(flagged.every((c) => c.sandbox)).toBe(true);

    expect((await staleRateSlugs()).map((c) => c.clientSlug)).not.toContain('caja-de-arena');
    expect(await staleRateSlugs(', includeSandboxes: true')).toContainEqual({
      clientSlug: 'caja-de-arena',
      clientSandbox: true,
    });

    // Its own books answer like any client's.
    expect((await post('caja-de-arena', 'a sandbox posting')).errors).toBeUndefined();
  });

  it('is deleted only with a reason of 20 characters, by whoever manages it', async () => {
    const row = await tenantRow('caja-de-arena');
    const backup = await t.as('admin')<{ backupClient: { id: string; status: string; location: string } }>(
      'mutation($t: String!) { backupClient(tenant: $t) { id status } }',
      { t: 'caja-de-arena' },
    );
    expect(backup.data?.backupClient.status).toBe('COMPLETE');
    const [record] = await t.stack.control.db
      .select()
      .from(control.clientBackups)
      .where(eq(control.clientBackups.tenantId, row.id));
    const backupDir = path.join(t.dataDir, 'backups', record!.location);
    expect(existsSync(backupDir)).toBe(true);

    // A restore in place of it waiting for its approval when it is deleted.
    const asked = await t.as('admin')<{ requestRestoreInPlace: { id: string } }>(
      'mutation($b: ID!) { requestRestoreInPlace(backupId: $b, reason: "The trial went wrong, back to the start") { id } }',
      { b: backup.data?.backupClient.id },
    );
    expect(asked.errors).toBeUndefined();

    const short = await t.as('admin')(DELETE, { tenant: 'caja-de-arena', reason: 'done' });
    expect(codes(short)).toEqual(['REASON_TOO_SHORT']);
    const junior = await t.as('junior')(DELETE, { tenant: 'caja-de-arena', reason: REASON });
    expect(codes(junior)).toEqual(['FORBIDDEN']);
    expect(await databaseExists(row.databaseName)).toBe(true);
    expect((await tenantRow('caja-de-arena')).status).toBe('ACTIVE');

    const r = await t.as('admin')<{ deleteSandboxClient: { slug: string; backupsDeleted: number } }>(DELETE, {
      tenant: 'caja-de-arena',
      reason: REASON,
    });
    expect(r.errors).toBeUndefined();
    expect(r.data?.deleteSandboxClient).toMatchObject({ slug: 'caja-de-arena', backupsDeleted: 1 });

    // Its database and logins are gone, and so are its backup's files.
    expect(await databaseExists(row.databaseName)).toBe(false);
    expect(
      await serverSql('SELECT 1 FROM pg_roles WHERE rolname = $1', [appLoginRole(row.databaseName)]),
    ).toEqual([]);
    expect(existsSync(backupDir)).toBe(false);
    const [pruned] = await t.stack.control.db
      .select()
      .from(control.clientBackups)
      .where(eq(control.clientBackups.id, record!.id));
    expect(pruned?.status).toBe('PRUNED');
    // The restore in place waiting for it is withdrawn with the deletion's reason.
    const [request] = await t.stack.control.db
      .select()
      .from(control.restoreInPlaceRequests)
      .where(eq(control.restoreInPlaceRequests.id, asked.data!.requestRestoreInPlace.id));
    expect(request).toMatchObject({
      status: 'WITHDRAWN',
      withdrawalReason: `The sandbox was deleted: ${REASON}`,
    });
    // Approving it, or restoring the pruned backup, now: the client is gone, said in words.
    for (const [m, v] of [
      ['mutation($r: ID!) { approveRestoreInPlace(requestId: $r) { id } }', { r: request!.id }],
      [
        'mutation($b: ID!) { restoreClient(backupId: $b, asSlug: "arena-vuelta") { slug } }',
        { b: record!.id },
      ],
    ] as const) {
      const gone = await t.as('admin')(m, v);
      expect(codes(gone)).toEqual(['NOT_FOUND']);
      expect(gone.errors?.[0]?.message).toBe(
        'The client this refers to does not exist any more, or you may not manage it',
      );
    }
    // Its row stays, DELETED, its slug moved aside for the tombstone its id makes.
    expect(await tenantById(row.id)).toMatchObject({
      status: 'DELETED',
      sandbox: true,
      slug: `~${row.id.replaceAll('-', '')}`,
      deletedSlug: 'caja-de-arena',
    });

    // The firm's trail keeps the deletion and its reason.
    const trail = await t.as('admin')<{
      firmAuditEvents: Nodes<{ action: string; reason: string | null }>;
    }>(
      `{ firmAuditEvents(filter: { tenant: "caja-de-arena", action: "tenant.sandbox_deleted" }, first: 5) {
        edges { node { action reason } } } }`,
    );
    expect(trail.errors).toBeUndefined();
    expect(nodes(trail.data?.firmAuditEvents)).toEqual([
      { action: 'tenant.sandbox_deleted', reason: REASON },
    ]);

    // Its board lines went with it, and a late announcement (a posting answered just before) does
    // not enrol it again for the projector to read a database that is gone.
    await announceClientChanges(t.stack.control.db, [row.id]);
    expect(
      await t.stack.control.db
        .select()
        .from(control.clientCloseProjections)
        .where(eq(control.clientCloseProjections.tenantId, row.id)),
    ).toEqual([]);

    // The slug no longer answers, and no view lists it.
    expect(codes(await post('caja-de-arena', 'after deletion'))).toEqual(['FORBIDDEN']);
    expect((await clientSlugs(', includeSandboxes: true')).map((c) => c.slug)).not.toContain('caja-de-arena');
    expect((await board(', includeSandboxes: true')).clients.map((c) => c.slug)).not.toContain(
      'caja-de-arena',
    );
    // Deleting it again: NOT_FOUND, as for any client that is not there.
    expect(codes(await t.as('admin')(DELETE, { tenant: 'caja-de-arena', reason: REASON }))).toEqual([
      'NOT_FOUND',
    ]);
  });

  it("gives its slug back: a new client takes it, and the slug's trail names both", async () => {
    const keyed = {
      slug: 'arena-reusada',
      name: 'arena-reusada S.A.',
      sandbox: true,
      idempotencyKey: 'arena-1',
    };
    const made = await t.as('admin')(PROVISION, { input: keyed });
    expect(made.errors).toBeUndefined();
    const first = await tenantRow('arena-reusada');
    expect((await t.as('admin')(DELETE, { tenant: 'arena-reusada', reason: REASON })).errors).toBeUndefined();

    // Its key replayed: never "success" with the deleted client; another input under it names the
    // slug it had, not its tombstone.
    const replay = await t.as('admin')(PROVISION, { input: keyed });
    expect(codes(replay)).toEqual(['CONFLICT']);
    expect(replay.errors?.[0]?.extensions).toMatchObject({ slug: 'arena-reusada' });
    const other = await t.as('admin')(PROVISION, { input: { ...keyed, name: 'Otra S.A.' } });
    expect(codes(other)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(other.errors?.[0]?.extensions).toMatchObject({ slug: 'arena-reusada' });

    // The same slug, now a live client: provisioned, answering, listed; not the deleted one.
    expect(await provision('arena-reusada', false)).toMatchObject({ slug: 'arena-reusada', sandbox: false });
    const second = await tenantRow('arena-reusada');
    expect(second.id).not.toBe(first.id);
    expect((await post('arena-reusada', 'the live client that took the slug')).errors).toBeUndefined();
    expect((await clientSlugs('')).map((c) => c.slug)).toContain('arena-reusada');

    // The slug's trail: the sandbox's provisioning and deletion, then the new client's provisioning.
    const trail = await t.as('admin')<{ firmAuditEvents: Nodes<{ action: string; entityId: string }> }>(
      `{ firmAuditEvents(filter: { tenant: "arena-reusada", action: "tenant." }, first: 20) {
        edges { node { action entityId } } } }`,
    );
    expect(trail.errors).toBeUndefined();
    const events = nodes(trail.data?.firmAuditEvents);
    expect(events.filter((e) => e.action === 'tenant.sandbox_deleted')).toEqual([
      { action: 'tenant.sandbox_deleted', entityId: first.id },
    ]);
    expect(new Set(events.map((e) => e.entityId))).toEqual(new Set([first.id, second.id]));
  });

  it("restores a sandbox's backup as a sandbox, never as a live client", async () => {
    await provision('arena-respaldo', true);
    expect((await post('arena-respaldo', 'trial data worth a backup')).errors).toBeUndefined();
    const backup = await t.as('admin')<{ backupClient: { id: string; status: string } }>(
      'mutation($t: String!) { backupClient(tenant: $t) { id status } }',
      { t: 'arena-respaldo' },
    );
    expect(backup.data?.backupClient.status).toBe('COMPLETE');
    const restored = await t.as('admin')<{ restoreClient: TenantNode }>(
      'mutation($b: ID!, $s: String!) { restoreClient(backupId: $b, asSlug: $s) { slug sandbox archived } }',
      { b: backup.data!.backupClient.id, s: 'arena-restaurada' },
    );
    expect(restored.errors).toBeUndefined();
    expect(restored.data?.restoreClient).toEqual({
      slug: 'arena-restaurada',
      sandbox: true,
      archived: false,
    });
    expect(await tenantRow('arena-restaurada')).toMatchObject({ status: 'ACTIVE', sandbox: true });
    // And so it is deletable, as any sandbox.
    expect(
      (await t.as('admin')(DELETE, { tenant: 'arena-restaurada', reason: REASON })).errors,
    ).toBeUndefined();
  });

  it('deleted twice at once: one deletes, the other finds nothing, never a server error', async () => {
    await provision('arena-doble', true);
    const row = await tenantRow('arena-doble');
    const answers = await Promise.all(
      [1, 2].map(() => t.as('admin')(DELETE, { tenant: 'arena-doble', reason: REASON })),
    );
    const outcomes = answers.map((a) => (a.errors ? codes(a).join() : 'DELETED')).sort();
    expect(outcomes).toEqual(['DELETED', 'NOT_FOUND']);
    expect(await databaseExists(row.databaseName)).toBe(false);
    const events = await t.stack.control.db
      .select()
      .from(control.controlAuditEvents)
      .where(
        and(
          eq(control.controlAuditEvents.action, 'tenant.sandbox_deleted'),
          eq(control.controlAuditEvents.entityId, row.id),
        ),
      );
    expect(events).toHaveLength(1);
  });
});

describe('a sandbox under legal hold', () => {
  it('is not deleted while held, and is once released', async () => {
    await provision('arena-retenida', true);
    const row = await tenantRow('arena-retenida');
    const hold = await t.as('admin')(
      'mutation($t: String!) { setBackupLegalHold(tenant: $t, reason: "Auditor asked to keep it") { id } }',
      { t: 'arena-retenida' },
    );
    expect(hold.errors).toBeUndefined();
    expect(codes(await t.as('admin')(DELETE, { tenant: 'arena-retenida', reason: REASON }))).toEqual([
      'LEGAL_HOLD_EXISTS',
    ]);
    expect(await databaseExists(row.databaseName)).toBe(true);
    expect((await tenantRow('arena-retenida')).status).toBe('ACTIVE');
    const released = await t.as('admin')(
      'mutation($t: String!) { releaseBackupLegalHold(tenant: $t, reason: "The audit is closed now") { id } }',
      { t: 'arena-retenida' },
    );
    expect(released.errors).toBeUndefined();
    expect(
      (await t.as('admin')(DELETE, { tenant: 'arena-retenida', reason: REASON })).errors,
    ).toBeUndefined();
    expect(await databaseExists(row.databaseName)).toBe(false);
  });
});

describe('a live client', () => {
  it('is never deleted: NOT_A_SANDBOX, and nothing is written', async () => {
    const row = await tenantRow('cliente-vivo');
    const r = await t.as('admin')(DELETE, { tenant: 'cliente-vivo', reason: REASON });
    expect(codes(r)).toEqual(['NOT_A_SANDBOX']);
    expect(await databaseExists(row.databaseName)).toBe(true);
    expect(await tenantRow('cliente-vivo')).toMatchObject({ status: 'ACTIVE', deletedAt: null });
    const events = await t.stack.control.db
      .select()
      .from(control.controlAuditEvents)
      .where(eq(control.controlAuditEvents.entityId, row.id));
    expect(events.map((e) => e.action)).not.toContain('tenant.sandbox_deleted');
  });

  it('is archived read-only and hidden, then unarchived writable again', async () => {
    expect(codes(await t.as('admin')(ARCHIVE, { tenant: 'cliente-vivo', reason: 'short' }))).toEqual([
      'REASON_TOO_SHORT',
    ]);
    expect(codes(await t.as('junior')(ARCHIVE, { tenant: 'cliente-vivo', reason: REASON }))).toEqual([
      'FORBIDDEN',
    ]);
    expect((await tenantRow('cliente-vivo')).archivedAt).toBeNull();

    const a = await t.as('admin')<{ archiveClient: TenantNode & { archivedAt: string } }>(ARCHIVE, {
      tenant: 'cliente-vivo',
      reason: 'Engagement ended: books kept for the retention period',
    });
    expect(a.errors).toBeUndefined();
    expect(a.data?.archiveClient).toMatchObject({ slug: 'cliente-vivo', archived: true });
    expect(a.data?.archiveClient.archivedAt).toBeTruthy();

    // Its books refuse writes with the code moves and restores use, and write nothing.
    const refused = await postSettled('cliente-vivo', 'while archived');
    expect(codes(refused)).toEqual(['TENANT_READ_ONLY']);
    // It says why, and holds out no retry: an archive is not a moment's swap.
    expect(refused.errors?.[0]?.message).toMatch(/archived/);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ archived: true });
    expect(refused.errors?.[0]?.extensions).not.toHaveProperty('retryAfterSeconds');
    const memos = await t.tenantSql<{ n: string }>(
      'cliente-vivo',
      "SELECT count(*) AS n FROM journal_entries WHERE memo LIKE 'while archived%'",
    );
    expect(Number(memos[0]!.n)).toBe(0);
    // Still readable by its slug.
    const read = await t.as(
      'senior',
      'cliente-vivo',
    )<{ tenant: TenantNode }>('{ tenant { slug sandbox archived } }');
    expect(read.data?.tenant).toEqual({ slug: 'cliente-vivo', sandbox: false, archived: true });

    // Hidden from the firm's views unless asked for.
    expect((await clientSlugs('')).map((c) => c.slug)).not.toContain('cliente-vivo');
    expect(await clientSlugs(', includeArchived: true')).toContainEqual({
      slug: 'cliente-vivo',
      sandbox: false,
      archived: true,
    });
    expect((await board()).clients.map((c) => c.slug)).not.toContain('cliente-vivo');
    expect((await board(', includeArchived: true')).clients).toContainEqual({
      slug: 'cliente-vivo',
      sandbox: false,
      archived: true,
    });
    expect((await exceptionSlugs()).map((c) => c.slug)).not.toContain('cliente-vivo');
    // No batch action is offered on it: its books take no transition.
    const offered = await t.as('senior')<{
      closeBoard: { clientsConnection: Nodes<{ client: { slug: string }; batchActions: string[] }> };
    }>(
      `query($y: Int!, $m: Int!) { closeBoard(year: $y, month: $m, includeArchived: true) {
        clientsConnection(first: 500) { edges { node { client { slug } batchActions } } } } }`,
      { y: YEAR, m: MONTH },
    );
    const actionsOf = (slug: string) =>
      nodes(offered.data?.closeBoard.clientsConnection).find((c) => c.client.slug === slug)?.batchActions;
    expect(actionsOf('cliente-vivo')).toEqual([]);
    expect(actionsOf('cafe-boquete')).toContain('LOCK_SALES');

    // A batch that would change its books says it is archived, not that its database is down.
    const started = await t.as('senior')<{ startBatchPeriodOperation: { id: string } }>(
      `mutation($input: StartBatchPeriodOperationInput!) { startBatchPeriodOperation(input: $input) { id } }`,
      {
        input: {
          tenants: ['cliente-vivo'],
          year: YEAR,
          month: MONTH,
          action: 'LOCK_SALES',
        },
      },
    );
    expect(started.errors, JSON.stringify(started.errors)).toBeUndefined();
    type Item = { status: string; failureCode: string | null; errorMessage: string | null };
    let items: Item[] = [];
    for (let done = false; !done; ) {
      const r = await t.as('senior')<{ batchOperation: { status: string; items: Item[] } }>(
        'query($id: ID!) { batchOperation(id: $id) { status items { status failureCode errorMessage } } }',
        { id: started.data!.startBatchPeriodOperation.id },
      );
      done = r.data?.batchOperation.status === 'FINISHED';
      items = r.data?.batchOperation.items ?? [];
      if (!done) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(items).toEqual([
      { status: 'FAILED', failureCode: 'TENANT_READ_ONLY', errorMessage: expect.stringMatching(/archived/) },
    ]);

    // Someone who may not investigate is told so, not that the books are read-only.
    const investigation = await t.as(
      'junior',
      'cliente-vivo',
    )('mutation { investigate(sql: "select 1") { rowCount } }');
    expect(codes(investigation)).toEqual(['FORBIDDEN']);

    // Its backups go on (a backup only reads the books).
    const backup = await t.as('admin')<{ backupClient: { status: string } }>(
      'mutation($t: String!) { backupClient(tenant: $t) { status } }',
      { t: 'cliente-vivo' },
    );
    expect(backup.data?.backupClient.status).toBe('COMPLETE');

    // Its owner still migrates it (pnpm migrate says so for an archived client); without saying so,
    // the database refuses even that.
    const books = withDatabase(t.controlAdminUrl, (await tenantRow('cliente-vivo')).databaseName);
    await expect(migrateTenantDatabase(books)).rejects.toMatchObject({ cause: { code: '25006' } });
    await expect(migrateTenantDatabase(books, { archived: true })).resolves.toBeUndefined();
    // pnpm migrate: the archived client migrated (its logins remade in it too), the deleted sandbox skipped.
    const migrated = await migrateAllTenants({
      control: t.stack.control.db,
      secrets: t.stack.serviceSecrets,
    });
    const statusOf = (slug: string) => migrated.find((m) => m.slug === slug);
    expect(statusOf('cliente-vivo')).toMatchObject({ status: 'migrated' });
    expect(statusOf('caja-de-arena')).toMatchObject({ status: 'skipped' });
    expect(migrated.filter((m) => m.status === 'failed')).toEqual([]);

    // Archiving again answers it as it is and records nothing more.
    expect((await t.as('admin')(ARCHIVE, { tenant: 'cliente-vivo', reason: REASON })).errors).toBeUndefined();
    const row = await tenantRow('cliente-vivo');
    const archivedEvents = await t.stack.control.db
      .select()
      .from(control.controlAuditEvents)
      .where(
        and(
          eq(control.controlAuditEvents.action, 'tenant.archived'),
          eq(control.controlAuditEvents.entityId, row.id),
        ),
      );
    expect(archivedEvents).toHaveLength(1);

    const u = await t.as('admin')<{ unarchiveClient: TenantNode }>(UNARCHIVE, {
      tenant: 'cliente-vivo',
      reason: 'The client came back for another year',
    });
    expect(u.data?.unarchiveClient).toMatchObject({ archived: false });
    expect((await postSettled('cliente-vivo', 'after unarchiving')).errors).toBeUndefined();
    expect((await clientSlugs('')).map((c) => c.slug)).toContain('cliente-vivo');
  });
});
