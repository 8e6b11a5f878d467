import { type ControlDb, control, controlDb, pg } from '@cifra/db';
import { createTestControlDatabase, type TestDatabase } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepStrandedBatchItems } from '../src/services/sweep-batches.service.ts';

let database: TestDatabase;
let pool: pg.Pool;
let db: ControlDb;
const now = new Date('2026-11-21T15:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const items: Record<string, string> = {};

/** A batch of `statuses.length` clients created `age` minutes ago, its items in those statuses. */
async function batch(name: string, age: number, status: 'RUNNING' | 'FINISHED', statuses: string[]) {
  const [firm] = await db.select().from(control.firms);
  const [user] = await db.select().from(control.users);
  const tenants = await db.select().from(control.tenants);
  const [b] = await db
    .insert(control.periodBatches)
    .values({
      firmId: firm!.id,
      action: 'LOCK_SALES',
      year: 2026,
      month: 3,
      status,
      requestedBy: user!.id,
      requestedByEmail: user!.email,
      dedupeKey: name,
      createdAt: minutesAgo(age),
    })
    .returning();
  for (const [i, s] of statuses.entries()) {
    const [item] = await db
      .insert(control.periodBatchItems)
      .values({ batchId: b!.id, tenantId: tenants[i]!.id, status: s as 'PENDING' })
      .returning();
    items[`${name}:${s}:${i}`] = item!.id;
  }
}

beforeAll(async () => {
  database = await createTestControlDatabase();
  pool = new pg.Pool({ connectionString: database.adminUrl, max: 2 });
  db = controlDb(pool);
  const [firm] = await db.insert(control.firms).values({ slug: 'sweep-firm', name: 'Sweep' }).returning();
  const [server] = await db
    .insert(control.dbServers)
    .values({ name: 'primary', adminUrl: 'postgres://unused.invalid/postgres' })
    .returning();
  await db.insert(control.users).values({ email: 'senior@sweep.firm', displayName: 'Senior' });
  await db
    .insert(control.currencies)
    .values({ code: 'PAB', name: 'Balboa', minorUnits: 2 })
    .onConflictDoNothing();
  for (const slug of ['uno', 'dos', 'tres']) {
    await db.insert(control.tenants).values({
      firmId: firm!.id,
      slug,
      name: slug,
      region: 'PA',
      baseCurrency: 'PAB',
      timezone: 'America/Panama',
      serverId: server!.id,
      databaseName: `sweep_${slug}`,
      status: 'ACTIVE',
    });
  }
  // Stranded: saved five minutes ago, two items never run (one taken by a worker that died).
  await batch('stranded', 5, 'RUNNING', ['PENDING', 'RUNNING', 'DONE']);
  // Just saved: its items are being queued right now by the process that saved it.
  await batch('fresh', 0, 'RUNNING', ['PENDING', 'PENDING']);
  await batch('finished', 30, 'FINISHED', ['DONE', 'FAILED', 'SKIPPED']);
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

describe('the batch sweep', () => {
  it('queues the unfinished items of running batches older than a minute, and nothing else', async () => {
    const queued: string[] = [];
    const swept = await sweepStrandedBatchItems({
      control: db,
      queue: { enqueue: async (ids) => void queued.push(...ids) },
      now: () => now,
    });
    const expected = [items['stranded:PENDING:0'], items['stranded:RUNNING:1']].sort();
    expect(queued.sort()).toEqual(expected);
    expect(swept.sort()).toEqual(expected);
  });

  it('queues nothing when nothing is stranded', async () => {
    const queued: string[] = [];
    await sweepStrandedBatchItems(
      { control: db, queue: { enqueue: async (ids) => void queued.push(...ids) }, now: () => now },
      60 * 60_000,
    );
    expect(queued).toEqual([]);
  });
});
