import { control, pg } from '@cifra/db';
import { createProviders } from '@cifra/subgraph-fx';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFxWorld,
  ecbXml,
  type FakeProvider,
  type FxWorld,
  rows,
  startFakeProvider,
} from '../../subgraphs/fx/test/support.ts';
import { FX_DISPATCH_JOB, FX_REFRESH_JOB, fxRefreshJobs } from '../src/jobs/fx-refresh.jobs.ts';
import { type RunningWorker, startWorker } from '../src/worker.ts';

let http: FakeProvider;
let world: FxWorld;
let pool: pg.Pool;
let worker: RunningWorker;
let clock = new Date('2026-11-19T12:00:00Z');

/** Wait for a condition the worker brings about (no assertion on how long it takes). */
async function until<T>(probe: () => Promise<T | null | undefined | false>, what: string): Promise<T> {
  for (let i = 0; i < 300; i += 1) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const status = async (tenantId: string) =>
  (
    await world.control
      .select()
      .from(control.fxRefreshStatus)
      .where(eq(control.fxRefreshStatus.tenantId, tenantId))
  )[0];

beforeAll(async () => {
  http = await startFakeProvider();
  world = await createFxWorld([
    { slug: 'agenda-client', timezone: 'America/Panama', baseCurrency: 'USD', region: 'US' },
  ]);
  pool = new pg.Pool({ connectionString: world.controlDbInfo.adminUrl, max: 4 });
  worker = await startWorker({
    pool,
    deps: {
      control: world.control,
      registry: world.registry,
      log: pino({ level: 'silent' }),
      fxProviders: createProviders({ ecbUrl: http.url('/daily.xml') }),
      clock: () => clock,
    },
    modules: [fxRefreshJobs],
    processEvery: 200,
  });
});

afterAll(async () => {
  await worker?.stop();
  await pool?.end();
  await world?.close();
  await http?.close();
});

describe('the FX refresh as Agenda jobs on the control plane', () => {
  it('the dispatcher job plans each client, queues its refresh job when due, and a failing refresh is retried with backoff', async () => {
    const [client] = world.clients;
    const planned = await until(() => status(client!.id), 'the first dispatch');
    expect(planned.nextRunAt.toISOString()).toBe('2026-11-20T05:15:00.000Z');

    http.set('/daily.xml', { body: ecbXml({ '2026-11-19': { USD: '1.0790' } }) });
    clock = new Date('2026-11-20T05:16:00Z');
    await worker.agenda.now(FX_DISPATCH_JOB);
    const done = await until(async () => (await status(client!.id))?.lastSuccessAt, 'the refresh job');
    expect(done).toEqual(clock);
    const stored = await rows<{ currency: string; source: string }>(
      client!.db,
      'SELECT currency, source FROM exchange_rates',
    );
    expect(stored).toEqual([{ currency: 'EUR', source: 'ECB' }]);

    // The next day the provider is down: the job fails and Agenda schedules its retry.
    http.fail('/daily.xml', 503);
    clock = new Date('2026-11-21T05:16:00Z');
    await worker.agenda.now(FX_DISPATCH_JOB);
    const failed = await until(async () => {
      const s = await status(client!.id);
      return s && s.consecutiveFailures > 0 ? s : null;
    }, 'the failed refresh');
    expect(failed.lastError).toMatch(/HTTP 503/);
    const retry = await until(async () => {
      const r = await pool.query(
        `SELECT fail_count, next_run_at FROM agenda_jobs WHERE name = $1 AND fail_count >= 1 ORDER BY next_run_at DESC LIMIT 1`,
        [FX_REFRESH_JOB],
      );
      return r.rows[0] as { fail_count: number; next_run_at: Date } | undefined;
    }, 'the retry');
    expect(retry.fail_count).toBe(1);
    // The first retry is five minutes after the failure (Agenda's clock is the real one).
    expect(retry.next_run_at.getTime()).toBeGreaterThan(Date.now() + 4 * 60_000);
  });
});
