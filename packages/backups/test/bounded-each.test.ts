import { describe, expect, it } from 'vitest';
import { boundedEach } from '../src/backup-schedule.ts';

/** `pnpm backup --all` and the worker's scheduled backups share this bound. */
describe('boundedEach', () => {
  it('never runs more than the limit at once, runs every item whatever others do, and keeps their order', async () => {
    let inFlight = 0;
    let most = 0;
    const started: number[] = [];
    const results = await boundedEach([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 3, async (i) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      started.push(i);
      // Yield several times so the other lanes interleave.
      for (let k = 0; k < 5; k++) await Promise.resolve();
      inFlight -= 1;
      if (i % 4 === 1) throw new Error(`item ${i} failed`);
      return i * 10;
    });
    expect(most).toBe(3);
    expect(started.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      0,
      'item 1 failed',
      20,
      30,
      40,
      'item 5 failed',
      60,
      70,
      80,
      'item 9 failed',
    ]);
  });

  it('with no items runs nothing, and a limit below one still runs them one at a time', async () => {
    expect(await boundedEach([], 4, async () => 1)).toEqual([]);
    let inFlight = 0;
    let most = 0;
    await boundedEach([1, 2, 3], 0, async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await Promise.resolve();
      inFlight -= 1;
    });
    expect(most).toBe(1);
  });
});
