import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * Production runs the compiled JavaScript of `pnpm build` (ops/bin/run.mjs with NODE_ENV=production);
 * the product started so is tested in cli-start.e2e.test.ts, on the books `pnpm start` seeded there.
 * A command with nothing compiled for it says what to run.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUN = path.join(ROOT, 'ops/bin/run.mjs');

describe('the product in production mode', () => {
  it('refuses a command that has no compiled output, naming what to run', async () => {
    const run = promisify(execFile)(process.execPath, [RUN, 'no-such-command'], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production' },
    });
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/run pnpm build first/),
    });
  });
});
