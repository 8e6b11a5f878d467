import { fileURLToPath } from 'node:url';
import { readSubgraphSchema } from '@cifra/context';
import { parse } from 'graphql';

/**
 * The five subgraphs, in composition order; each owns the `.graphql` files of
 * `subgraphs/<name>/src/schema/` and of its feature folders (`src/<feature>/`).
 */
export const SUBGRAPHS = ['tenancy', 'ledger', 'period', 'fx', 'audit'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

export const subgraphDir = (name: SubgraphName) =>
  fileURLToPath(new URL(`../subgraphs/${name}/`, import.meta.url));

export function subgraphTypeDefs(name: SubgraphName) {
  return parse(readSubgraphSchema(`${subgraphDir(name)}src`));
}
