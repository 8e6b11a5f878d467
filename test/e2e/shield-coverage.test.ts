import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { SUPERGRAPH_SDL_PATH } from '@cifra/ops';
import type { RuleMap } from '@cifra/permissions';
import { auditSubgraph } from '@cifra/subgraph-audit';
import { fxSubgraph } from '@cifra/subgraph-fx';
import { ledgerSubgraph } from '@cifra/subgraph-ledger';
import { periodSubgraph } from '@cifra/subgraph-period';
import { tenancySubgraph } from '@cifra/subgraph-tenancy';
import { buildASTSchema, isObjectType, parse } from 'graphql';
import { describe, expect, it } from 'vitest';

const subgraphs = [
  tenancySubgraph({ secrets: {} }, () => []),
  ledgerSubgraph,
  periodSubgraph,
  fxSubgraph,
  auditSubgraph,
];
const FEDERATION = new Set(['_Service', '_Entity']);

function covered(rules: RuleMap, type: string, field: string): boolean {
  const rule = rules[type];
  if (!rule) return false;
  // A plain object maps fields to rules; anything else is one rule for the whole type.
  const isFieldMap = Object.getPrototypeOf(rule) === Object.prototype;
  return isFieldMap ? field in rule : true;
}

/** Deny by default means a field without a rule is refused; this catches the forgotten ones. */
describe('every field has a permission rule', () => {
  it.each(subgraphs.map((s) => [s.name, s] as const))('%s', (_name, def) => {
    const schema = buildSubgraphSchema({ typeDefs: def.typeDefs });
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__') || FEDERATION.has(type.name)) continue;
      for (const field of Object.keys(type.getFields())) {
        if (type.name === 'Query' && (field === '_service' || field === '_entities')) continue;
        if (!covered(def.rules, type.name, field)) missing.push(`${type.name}.${field}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('and every field of the composed supergraph belongs to a subgraph that rules it', () => {
    const supergraph = buildASTSchema(parse(readFileSync(SUPERGRAPH_SDL_PATH, 'utf8')), {
      assumeValidSDL: true,
    });
    const missing: string[] = [];
    for (const type of Object.values(supergraph.getTypeMap())) {
      if (
        !isObjectType(type) ||
        type.name.startsWith('__') ||
        type.name.startsWith('join__') ||
        type.name.startsWith('link__')
      )
        continue;
      for (const field of Object.keys(type.getFields())) {
        if (!subgraphs.some((s) => covered(s.rules, type.name, field))) missing.push(`${type.name}.${field}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
