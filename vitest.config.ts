import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

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
    // Two cores: more workers only queue on the database.
    maxWorkers: 2,
  },
});
