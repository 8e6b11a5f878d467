import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';

/** The five subgraphs, in composition order; each owns `subgraphs/<name>/src/schema.graphql`. */
export const SUBGRAPHS = ['tenancy', 'ledger', 'period', 'fx', 'audit'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

export const subgraphDir = (name: SubgraphName) =>
  fileURLToPath(new URL(`../subgraphs/${name}/`, import.meta.url));

export function subgraphTypeDefs(name: SubgraphName) {
  return parse(readFileSync(`${subgraphDir(name)}src/schema.graphql`, 'utf8'));
}
