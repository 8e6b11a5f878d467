/**
 * `pnpm codegen:check` (run by the root `pnpm schema:check`): generates the console's typed
 * documents and manifest in memory from its operations and the checked-in supergraph, and fails
 * when a checked-in file differs (run `pnpm --filter @cifra/console codegen`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import config from './codegen.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const outputs = (await generate({ ...config, cwd: here, silent: true }, false)) as {
  filename: string;
  content: string;
}[];
if (outputs.length === 0) throw new Error('codegen produced nothing');
let stale = 0;
for (const { filename, content } of outputs) {
  const file = path.resolve(here, filename);
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {}
  if (current !== content) {
    console.error(`stale: ${path.relative(process.cwd(), file)} (run pnpm --filter @cifra/console codegen)`);
    stale++;
  }
}
if (stale) process.exit(1);
console.log(`console: ${outputs.length} generated files up to date`);
