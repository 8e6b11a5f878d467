import { Writable } from 'node:stream';
import { controlDb, pg, TenantRegistry } from '@cifra/db';
import { createTestControlDatabase, type TestDatabase, testServiceSecrets } from '@cifra/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobFailed } from '../src/jobs/job-failed.ts';
import { type JobDeps, type JobModule, startWorker } from '../src/worker.ts';

/**
 * A worker stopping (the process shutting down, `pnpm start` stopped with Ctrl-C): the jobs already
 * running finish what they hold before `stop()` returns and the pools close under them; one still
 * running past the wait is named; a failure after the stop began is logged as cut short by it.
 */
let database: TestDatabase;
let pool: pg.Pool;
let registry: TenantRegistry;

beforeAll(async () => {
  database = await createTestControlDatabase();
  pool = new pg.Pool({ connectionString: database.adminUrl, max: 4 });
  registry = new TenantRegistry({ control: controlDb(pool), secrets: testServiceSecrets });
});
afterAll(async () => {
  await registry?.close();
  await pool?.end();
  await database?.drop();
});

/** A logger whose lines the test reads. */
function capturedLog() {
  const lines: { level: number; msg: string; jobs?: string[] }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

/** A job that starts, then holds until `release`, recording what happened in `events`. */
function holdingJob(name: string, events: string[]) {
  let started!: () => void;
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let deps!: JobDeps;
  const module: JobModule = (agenda, d) => {
    deps = d;
    agenda.define(name, async () => {
      started();
      await released;
      events.push('job finished');
    });
  };
  return { module, running, release, stopping: () => deps.stopping };
}

describe('a worker stopping', () => {
  it('lets the job running finish what it holds before it returns, and aborts `stopping` first', async () => {
    const events: string[] = [];
    const job = holdingJob('test.hold', events);
    const { log } = capturedLog();
    const worker = await startWorker({
      pool,
      deps: { control: controlDb(pool), registry, log },
      modules: [job.module],
      processEvery: 100,
    });
    await worker.agenda.now('test.hold');
    await job.running;
    // The job lets go only once it sees the stop begin, and only after a database round trip.
    job.stopping()?.addEventListener('abort', () => {
      void pool.query('SELECT pg_sleep(0.2)').then(() => job.release());
    });
    await worker.stop();
    events.push('stop returned');
    expect(events).toEqual(['job finished', 'stop returned']);
    expect(job.stopping()?.aborted).toBe(true);
  });

  it('names a job still running past its wait, and returns', async () => {
    const events: string[] = [];
    const job = holdingJob('test.stuck', events);
    const { log, lines } = capturedLog();
    const worker = await startWorker({
      pool,
      deps: { control: controlDb(pool), registry, log },
      modules: [job.module],
      processEvery: 100,
      stopWaitMs: 200,
    });
    await worker.agenda.now('test.stuck');
    await job.running;
    await worker.stop();
    expect(events).toEqual([]);
    expect(lines.filter((l) => l.level >= 40)).toEqual([
      expect.objectContaining({
        level: 40,
        jobs: ['test.stuck'],
        msg: 'jobs still running as the worker stops: what they had not recorded is retaken once their locks expire',
      }),
    ]);
    job.release();
  });
});

describe("a job's failure on one client", () => {
  it('is a warning while the worker runs, and cut short by the stop once it stops', () => {
    const { log, lines } = capturedLog();
    const stopping = new AbortController();
    jobFailed({ log, stopping: stopping.signal }, { client: 'a' }, 'first backup and drill failed');
    stopping.abort();
    jobFailed({ log, stopping: stopping.signal }, { client: 'b' }, 'first backup and drill failed');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'first backup and drill failed'],
      [30, 'first backup and drill failed: cut short by the worker stopping'],
    ]);
  });
});
