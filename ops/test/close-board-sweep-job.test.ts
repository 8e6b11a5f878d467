import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BoardFirm, openBoardFirm } from '../../subgraphs/period/test/board-firm.ts';
import { waitFor } from '../../subgraphs/period/test/support.ts';
import { CLOSE_BOARD_SWEEP_JOB, closeBoardJobs } from '../src/jobs/close-board.ts';
import { type RunningWorker, startWorker } from '../src/worker.ts';

/**
 * The worker's close board sweep keeps what it found between passes: once the clients' books stand
 * still, a pass asks only its rotation's share of them, where every pass asked every client.
 */
let firm: BoardFirm;
let worker: RunningWorker | undefined;
const passes: { asked: number; behind: number; unavailable: number }[] = [];

beforeAll(async () => {
  firm = await openBoardFirm(['alpha', 'beta', 'gamma']);
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        const line = JSON.parse(chunk.toString());
        if (line.msg === 'close board sweep') passes.push(line);
        done();
      },
    }),
  );
  worker = await startWorker({
    pool: firm.controlPool,
    deps: { control: firm.deps.control, registry: firm.registry, log, secrets: {} },
    modules: [closeBoardJobs],
    processEvery: 50,
    stopWaitMs: 200,
  });
});

afterAll(async () => {
  await worker?.stop();
  await firm?.close();
});

describe("the worker's close board sweep", () => {
  it('asks every client on its first pass, then only its rotation’s share', async () => {
    await waitFor('a sweep that asks one client of three', async () => {
      const seen = passes.length;
      await worker!.agenda.now(CLOSE_BOARD_SWEEP_JOB);
      await waitFor('the pass', async () => passes.length > seen);
      return passes.at(-1)?.asked === 1;
    });
    expect(passes[0]?.asked).toBe(3);
    expect(passes.every((p) => p.unavailable === 0)).toBe(true);
  });
});
