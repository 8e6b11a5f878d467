import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIsolationFuzz } from '../fuzz/isolation-fuzz.ts';
import { buildWorld, type World } from '../fuzz/world.ts';

/**
 * The isolation fuzzer (`pnpm fuzz` runs a longer one): thousands of random requests through the
 * gateway, from every kind of user of two firms, naming any client, with ids, cursors and export
 * links from all of them. FUZZ_SEED reproduces a run; FUZZ_REQUESTS sets its size.
 */
const DEFAULT_SEED = 20_261_122;

describe('the isolation fuzzer', () => {
  let world: World;
  beforeAll(async () => {
    world = await buildWorld();
  }, 300_000);
  afterAll(() => world?.close());

  it('finds no answer and no write that crosses a client or firm boundary', async () => {
    // A fixed seed keeps `pnpm test` repeatable; `pnpm fuzz` draws a new one each run.
    const seed = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);
    const requests = Number(process.env.FUZZ_REQUESTS ?? 1_500);
    console.log(
      `isolation fuzzer: seed ${seed}, ${requests} requests — FUZZ_SEED=${seed} reproduces this run`,
    );
    const report = await runIsolationFuzz(world, { seed, requests });
    console.log(
      `isolation fuzzer: ${report.answered} answered, ${report.writesAccepted} writes accepted, codes ${JSON.stringify(report.byCode)}`,
    );
    expect(report.violations, `seed ${seed}`).toEqual([]);
    // The run must have exercised both sides of the wall, or it proved nothing.
    expect(report.answered).toBeGreaterThan(requests / 20);
    expect(report.writesAccepted).toBeGreaterThan(0);
    expect(report.byCode.FORBIDDEN ?? 0).toBeGreaterThan(0);
  }, 1_800_000);
});
