import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const require = createRequire(import.meta.url);
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Files that run long whatever their size (vitest's first run orders by size, largest first): the
 * isolation fuzzer's 1,500 requests, and `pnpm start` on a fresh embedded server seeding the demo's
 * two fiscal years, then the compiled product on it. Started last, one of them would run alone at
 * the end while the other worker has nothing left.
 */
const LONG_RUNNING = ['isolation-fuzz.e2e', 'cli-start.e2e'];

/** The long-running files, then the end-to-end files, then the rest: the short ones fill the tail. */
class LongFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) =>
      LONG_RUNNING.some((name) => f.moduleId.includes(`/${name}.`))
        ? 0
        : f.moduleId.includes('/e2e/')
          ? 1
          : 2;
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  resolve: {
    // ESM and CommonJS must share one copy of graphql, or schemas built by Apollo (CJS) are
    // "from another module or realm" to the ESM side.
    alias: { graphql: require.resolve('graphql', { paths: [here('./packages/context')] }) },
  },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '.data/**'],
    globalSetup: [here('./packages/testing/src/global-setup.ts')],
    // Limits that only stop a hang: nothing is timed, and on a busy machine (load 30+ on two
    // cores) starting a stack or opening books can take minutes.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // A worker's files share its loaded modules (the stack's are ~2 s to load again for every
    // file). Nothing a file leaves in a module may be read by another: no module-level state of a
    // stack, no environment left changed (README, Development).
    isolate: false,
    sequence: { sequencer: LongFirst },
    // Two cores: more workers only queue on the database.
    maxWorkers: 2,
  },
});
