/**
 * `pnpm codegen:check` (run by the root `pnpm schema:check`): generates the console's typed
 * documents and manifest in memory from its operations and the checked-in supergraph, and fails
 * when a checked-in file differs (run `pnpm --filter @cifra/console codegen`), or when one of
 * the console's operations reads a deprecated field or argument (the public contract's
 * deprecations, graphql-js's NoDeprecatedCustomRule).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { buildSchema, NoDeprecatedCustomRule, parse, validate } from 'graphql';
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

const contract = buildSchema(readFileSync(path.resolve(here, '../../schema/contract.graphql'), 'utf8'));
const manifest = JSON.parse(
  readFileSync(path.resolve(here, 'src/__generated__/persisted-documents.json'), 'utf8'),
) as Record<string, string>;
for (const document of Object.values(manifest)) {
  for (const e of validate(contract, parse(document), [NoDeprecatedCustomRule])) {
    const name = /(?:query|mutation|fragment) (\w+)/.exec(document)?.[1] ?? '?';
    console.error(`deprecated: ${name}: ${e.message}`);
    stale++;
  }
}
if (stale) process.exit(1);
console.log(`console: ${outputs.length} generated files up to date, no deprecated field read`);
