/**
 * Composes the five subgraph schemas into the supergraph the gateway serves (no network needed).
 * `pnpm schema:compose` writes schema/supergraph.graphql; `--check` fails when the checked-in
 * file is stale, so a subgraph change cannot ship without its composed contract.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { SUBGRAPHS, subgraphTypeDefs } from './subgraphs.ts';

export const SUPERGRAPH_PATH = fileURLToPath(new URL('./supergraph.graphql', import.meta.url));

export function composeSupergraph(): string {
  const result = composeServices(
    SUBGRAPHS.map((name) => ({
      name,
      url: `http://${name}.invalid/graphql`,
      typeDefs: subgraphTypeDefs(name),
    })),
  );
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return result.supergraphSdl;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sdl = composeSupergraph();
  if (process.argv.includes('--check')) {
    if (readFileSync(SUPERGRAPH_PATH, 'utf8') !== sdl) {
      console.error('schema/supergraph.graphql is stale: run pnpm schema:compose');
      process.exit(1);
    }
    console.log('supergraph is up to date');
  } else {
    writeFileSync(SUPERGRAPH_PATH, sdl);
    console.log(`wrote ${SUPERGRAPH_PATH}`);
  }
}
