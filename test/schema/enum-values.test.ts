import { tenant } from '@cifra/db';
import { DOCUMENT_KINDS, SourceKinds, settingKeys } from '@cifra/domain';
import { ALL_PERMISSIONS, RoleClusters } from '@cifra/permissions';
import { type EnumTypeDefinitionNode, Kind } from 'graphql';
import { describe, expect, it } from 'vitest';
import { type SubgraphName, subgraphTypeDefs } from '../../schema/subgraphs.ts';
import { enumValues as ledger } from '../../subgraphs/ledger/src/enum-values.ts';
import { enumValues as tenancy } from '../../subgraphs/tenancy/src/enum-values.ts';

function schemaEnum(subgraph: SubgraphName, name: string): string[] {
  const def = subgraphTypeDefs(subgraph).definitions.find(
    (d): d is EnumTypeDefinitionNode => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === name,
  );
  return (def?.values ?? []).map((v) => v.name.value);
}

const cases: [SubgraphName, string, Record<string, string>, readonly string[]][] = [
  ['tenancy', 'RoleCluster', tenancy.RoleCluster, RoleClusters],
  ['tenancy', 'SettingKey', tenancy.SettingKey, settingKeys],
  ['ledger', 'AccountRole', ledger.AccountRole, tenant.accountRole.enumValues],
  ['tenancy', 'Permission', tenancy.Permission, ALL_PERMISSIONS],
];

describe('enums whose inside names differ from their GraphQL values', () => {
  it.each(cases)(
    '%s %s maps every schema value to exactly the inside names',
    (subgraph, name, map, inside) => {
      expect(Object.keys(map).sort()).toEqual(schemaEnum(subgraph, name).sort());
      expect(Object.values(map).sort()).toEqual([...inside].sort());
    },
  );
});

describe('the document kinds, one list (packages/domain/src/document-kinds.ts)', () => {
  it("are the API's DocumentKind, and with the other posting sources its SourceKind in both subgraphs", () => {
    expect(schemaEnum('ledger', 'DocumentKind')).toEqual([...DOCUMENT_KINDS]);
    expect(schemaEnum('ledger', 'SourceKind').sort()).toEqual([...SourceKinds].sort());
    expect(schemaEnum('fx', 'SourceKind').sort()).toEqual([...SourceKinds].sort());
  });

  it("are the database's enums", () => {
    expect(tenant.documentKind.enumValues).toEqual([...DOCUMENT_KINDS]);
    expect(tenant.sourceKind.enumValues).toEqual([...SourceKinds]);
  });
});
