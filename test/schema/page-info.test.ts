import { readFileSync } from 'node:fs';
import { Kind, type ObjectTypeDefinitionNode, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SUBGRAPHS, subgraphDir, subgraphTypeDefs } from '../../schema/subgraphs.ts';

const objectTypes = (name: (typeof SUBGRAPHS)[number]) =>
  subgraphTypeDefs(name).definitions.filter(
    (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION,
  );
const pageInfoFile = (name: (typeof SUBGRAPHS)[number]) => {
  try {
    return readFileSync(`${subgraphDir(name)}src/schema/page-info.graphql`, 'utf8');
  } catch {
    return null;
  }
};

describe('one PageInfo for every connection', () => {
  it('is the same file in every subgraph that has a connection, and no other page-info type exists', () => {
    const files = new Set<string>();
    for (const name of SUBGRAPHS) {
      const types = objectTypes(name);
      const connections = types.filter((t) => t.name.value.endsWith('Connection'));
      if (connections.length > 0) {
        const file = pageInfoFile(name);
        expect(file, `${name} has connections but no src/schema/page-info.graphql`).not.toBeNull();
        files.add(file!);
      }
      for (const c of connections) {
        const pageInfo = c.fields?.find((f) => f.name.value === 'pageInfo');
        expect(pageInfo && print(pageInfo.type), `${name}: ${c.name.value}.pageInfo`).toBe('PageInfo!');
      }
      const others = types.map((t) => t.name.value).filter((n) => n !== 'PageInfo' && /PageInfo$/.test(n));
      expect(others, `${name} declares its own page-info types`).toEqual([]);
    }
    // Identical text everywhere: a @shareable value type must not drift between subgraphs.
    expect(files.size).toBe(1);
  });
});
