import { rm } from 'node:fs/promises';
import { control } from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import { type Stack, startStack } from '@cifra/ops';
import { createEmptyDatabase, makeTestDir, TEST_APP_PASSWORD, type TestDatabase } from '@cifra/testing';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBooksYears } from '../support/books-year.ts';
import { gql } from '../support/client.ts';
import { closeStack } from '../support/stack.ts';

/**
 * "No verified backup in N days" (docs/architecture/backups.md): closeExceptions lists a client with
 * no backup taken within its backupVerifiedMaxAgeDays setting whose restore was verified, and the
 * close board marks it, both from the control plane's client_backups in one query.
 */
let db: TestDatabase;
let dataDir: string;
let stack: Stack;
let as: (who: string) => ReturnType<typeof gql>;
const DAY = 86_400_000;

beforeAll(async () => {
  db = await createEmptyDatabase();
  dataDir = await makeTestDir('cifra-freshness-');
  stack = await startStack({
    dataDir,
    port: 0,
    databaseUrl: db.adminUrl,
    appPassword: TEST_APP_PASSWORD,
    log: pino({ level: 'silent' }),
    worker: false,
  });
  await openBooksYears(stack.control.db, stack.registry);
  const tokens = new Map<string, string>();
  for (const who of ['admin', 'senior'])
    tokens.set(who, await signLocalToken(stack.authPrivateJwk, `${who}@demo.firm`));
  as = (who) => gql(stack.gatewayUrl, tokens.get(who) as string);
});
afterAll(async () => {
  await closeStack(stack, db);
  await rm(dataDir, { recursive: true, force: true });
});

async function verifiedBackup(slug: string, daysAgo: number, status: 'COMPLETE' | 'PRUNED' = 'COMPLETE') {
  const [t] = await stack.control.db.select().from(control.tenants).where(eq(control.tenants.slug, slug));
  const at = new Date(Date.now() - daysAgo * DAY);
  await stack.control.db.insert(control.clientBackups).values({
    firmId: t!.firmId,
    tenantId: t!.id,
    tenantSlug: slug,
    serverName: 'default',
    status,
    location: `${t!.firmId}/${t!.id}/${slug}-${daysAgo}-${status}`,
    keyId: 'k',
    schemaVersion: '30:x',
    sizeBytes: 1n,
    startedAt: at,
    finishedAt: at,
    verifiedAt: new Date(),
    prunedAt: status === 'PRUNED' ? new Date() : null,
  });
}

type Ex = {
  kind: string;
  client: { slug: string };
  daysOverdue: number | null;
  since: string | null;
  message: string;
};
const stale = async () => {
  const r = await as('senior')<{ closeExceptions: Ex[] }>(
    '{ closeExceptions(first: 500) { kind client { slug } daysOverdue since message } }',
  );
  expect(r.errors).toBeUndefined();
  return Object.fromEntries(
    r
      .data!.closeExceptions.filter((e) => e.kind === 'NO_VERIFIED_BACKUP')
      .map((e) => [e.client.slug, e.daysOverdue]),
  );
};
const board = async () => {
  const r = await as('senior')<{
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
  return Object.fromEntries(r.data!.closeBoard.clients.map((c) => [c.client.slug, c.noRecentVerifiedBackup]));
};

describe('no verified backup in N days', () => {
  it('every client without a verified backup is an exception and marked on the board', async () => {
    const ex = await stale();
    expect(Object.keys(ex).sort()).toEqual(
      ['cafe-boquete', 'clinica-costa', 'ferreteria-colon', 'logistica-canal', 'panaderia-valle'].sort(),
    );
    expect(new Set(Object.values(ex))).toEqual(new Set([null]));
    expect(new Set(Object.values(await board()))).toEqual(new Set([true]));
  });

  it('a recent verified backup clears it; an old one, or a pruned one, does not; the threshold is a setting', async () => {
    await verifiedBackup('cafe-boquete', 3);
    await verifiedBackup('ferreteria-colon', 20);
    await verifiedBackup('clinica-costa', 1, 'PRUNED');
    let ex = await stale();
    expect(ex['cafe-boquete']).toBeUndefined();
    expect(ex['ferreteria-colon']).toBe(20);
    expect(ex['clinica-costa']).toBeNull();
    let marks = await board();
    expect(marks).toMatchObject({ 'cafe-boquete': false, 'ferreteria-colon': true, 'clinica-costa': true });

    // The firm allows 30 days: ferreteria-colon is fine; a client overriding to 5 days is flagged again.
    const firm = await as('admin')(
      'mutation { updateFirmSettings(set: { backupVerifiedMaxAgeDays: 30 }) { backupVerifiedMaxAgeDays } }',
    );
    expect(firm.errors).toBeUndefined();
    expect((await stale())['ferreteria-colon']).toBeUndefined();
    const own = await as('admin')(
      'mutation { updateClientSettings(tenant: "ferreteria-colon", set: { backupVerifiedMaxAgeDays: 5 }) { slug } }',
    );
    expect(own.errors).toBeUndefined();
    ex = await stale();
    expect(ex['ferreteria-colon']).toBe(20);
    marks = await board();
    expect(marks['ferreteria-colon']).toBe(true);
    const bad = await as('admin')(
      'mutation { updateFirmSettings(set: { backupVerifiedMaxAgeDays: 400 }) { backupVerifiedMaxAgeDays } }',
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'set.backupVerifiedMaxAgeDays',
    });
  });
});
