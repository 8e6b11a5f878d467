/**
 * `node ops/bin/run.mjs <command> [args…]`: how `pnpm start`, `pnpm serve`, `pnpm worker` and the
 * other commands run `ops/src/cli/<command>.ts`. With NODE_ENV=production it runs the compiled
 * JavaScript `pnpm build` wrote (`ops/dist/cli/<command>.js`, every workspace package from its
 * `dist/`), with no TypeScript compiler in the process; otherwise the sources through tsx.
 */
import { existsSync } from 'node:fs';
import { register } from 'node:module';

const [command] = process.argv.splice(2, 1);
if (!command || !/^[a-z-]+$/.test(command)) {
  console.error('usage: node ops/bin/run.mjs <command> [args…]');
  process.exit(2);
}
try {
  if (process.env.NODE_ENV === 'production') {
    const entry = new URL(`../dist/cli/${command}.js`, import.meta.url);
    if (!existsSync(entry)) {
      console.error(
        `${entry.pathname} is missing: production runs the compiled services, run pnpm build first`,
      );
      process.exit(1);
    }
    register('./compiled-conditions.mjs', import.meta.url);
    await import(entry.href);
  } else {
    const { register: registerTsx } = await import('tsx/esm/api');
    registerTsx();
    await import(new URL(`../src/cli/${command}.ts`, import.meta.url).href);
  }
} catch (err) {
  // A refused environment (ConfigError, ops/src/env.ts) says what to set, in one line: no stack.
  if (!(err instanceof Error && err.name === 'ConfigError')) throw err;
  console.error(err.message);
  process.exit(2);
}
