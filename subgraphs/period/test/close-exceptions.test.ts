import { randomUUID } from 'node:crypto';
import { type ControlDb, control, controlDb, DEFAULT_FAN_OUT, pg, TenantRegistry } from '@cifra/db';
import {
  createTestControlDatabase,
  type TestDatabase,
  testServerUrl,
  testServiceSecrets,
} from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientPeriodPort } from '../src/services/client-period.ts';
import type { FirmViewDeps } from '../src/services/close-board.service.ts';
import { closeExceptions } from '../src/services/close-exceptions.service.ts';

/**
 * The exceptions inbox counts days on each client's own clock, and says when the clock started on
 * it too: a client in Pacific/Kiritimati (UTC+14) whose close was submitted at 21:20 UTC on 26
 * November submitted it on 27 November, its day. Its summary is stored, so no client database is
 * opened.
 */
let database: TestDatabase;
let pool: pg.Pool;
let db: ControlDb;
let registry: TenantRegistry;
let deps: FirmViewDeps;
let firmId: string;
let tenantId: string;
let userId: string;
const LATE_EVENING_UTC = new Date('2026-11-26T21:20:00Z');

beforeAll(async () => {
  database = await createTestControlDatabase();
  pool = new pg.Pool({ connectionString: database.adminUrl, max: 2 });
  db = controlDb(pool);
  await db.insert(control.currencies).values({ code: 'AUD', name: 'Australian dollar', minorUnits: 2 });
  const [firm] = await db.insert(control.firms).values({ slug: 'kiri-firm', name: 'Kiri' }).returning();
  firmId = firm!.id;
  const [server] = await db
    .insert(control.dbServers)
    .values({ name: 'k', adminUrl: testServerUrl() })
    .returning();
  const [t] = await db
    .insert(control.tenants)
    .values({
      firmId,
      slug: 'line-islands',
      name: 'Line Islands Trading',
      region: 'PA',
      baseCurrency: 'AUD',
      timezone: 'Pacific/Kiritimati',
      serverId: server!.id,
      databaseName: 'db_line_islands',
      status: 'ACTIVE',
      sandbox: true,
    })
    .returning();
  tenantId = t!.id;
  await db.insert(control.clientCloseProjections).values({ tenantId, projectedSeq: 1, asOf: new Date() });
  await db.insert(control.clientCloseMonths).values({
    tenantId,
    year: 2026,
    month: 10,
    periodId: randomUUID(),
    periodState: 'LOCK_SALES',
    closeStatus: 'PENDING_APPROVAL',
    stage: 'PENDING_APPROVAL',
    endDate: '2026-10-31',
    submittedAt: LATE_EVENING_UTC,
  });
  const [u] = await db
    .insert(control.users)
    .values({ email: 'senior@kiri.test', displayName: 'senior' })
    .returning();
  userId = u!.id;
  await db.insert(control.firmMemberships).values({ firmId, userId, firmRole: 'Senior' });
  /** A finished batch of `action` on October whose item for the client failed with `errorCode`. */
  const failedBatch = async (action: 'LOCK_SALES' | 'LOCK_SALES_AND_PURCHASING', errorCode: string) => {
    const [batch] = await db
      .insert(control.periodBatches)
      .values({
        firmId,
        action,
        year: 2026,
        month: 10,
        status: 'FINISHED',
        requestedBy: userId,
        requestedByEmail: 'senior@kiri.test',
        dedupeKey: randomUUID(),
        finishedAt: LATE_EVENING_UTC,
      })
      .returning();
    await db.insert(control.periodBatchItems).values({
      batchId: batch!.id,
      tenantId,
      status: 'FAILED',
      errorCode,
      errorMessage: 'refused',
      finishedAt: LATE_EVENING_UTC,
    });
  };
  // Failed: the month is at LOCK_SALES, not yet where this batch wanted it.
  await failedBatch('LOCK_SALES_AND_PURCHASING', 'PERIOD_LOCKED');
  // An earlier LOCK_SALES of the same month failed too, but the month has got there since.
  await failedBatch('LOCK_SALES', 'TENANT_UNAVAILABLE');
  await db.insert(control.clientBackups).values({
    firmId,
    tenantId,
    tenantSlug: 'line-islands',
    serverName: 'k',
    status: 'COMPLETE',
    location: `kiri/${randomUUID()}`,
    keyId: 'k1',
    schemaVersion: '1',
    sizeBytes: 1n,
    startedAt: new Date('2026-10-01T21:20:00Z'),
    finishedAt: new Date('2026-10-01T21:30:00Z'),
    verifiedAt: new Date('2026-10-02T00:00:00Z'),
  });
  registry = new TenantRegistry({ control: db, secrets: testServiceSecrets, maxPools: 1, poolSize: 1 });
  deps = { control: db, registry, port: clientPeriodPort, fanOut: DEFAULT_FAN_OUT };
});

afterAll(async () => {
  await registry?.close();
  await pool?.end();
  await database?.drop();
});

describe("the exceptions inbox on the client's clock", () => {
  it('dates the submission, the failure and the backup on the client’s day, as it counts the days', async () => {
    const found = await closeExceptions(
      deps,
      { userId, firmId },
      { asOf: '2026-12-01', approvalOverdueDays: 3, overdueDays: 366, includeSandboxes: true },
    );
    // One failed item: the LOCK_SALES that failed is where the month is now.
    expect(found.filter((e) => e.kind === 'BATCH_ITEM_FAILED').map((e) => e.message)).toEqual([
      'LOCK_SALES_AND_PURCHASING failed: refused',
    ]);
    const byKind = Object.fromEntries(found.map((e) => [e.kind, [e.since, e.daysOverdue]]));
    expect(byKind).toEqual({
      BATCH_ITEM_FAILED: ['2026-11-27', null],
      NO_VERIFIED_BACKUP: ['2026-10-02', expect.any(Number)],
      APPROVAL_OVERDUE: ['2026-11-27', 4],
    });
  });
});
