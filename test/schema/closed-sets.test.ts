import { tenant } from '@cifra/db';
import { ERROR_CATALOGUE, ERROR_GROUPS } from '@cifra/domain';
import { type EnumTypeDefinitionNode, Kind } from 'graphql';
import { describe, expect, it } from 'vitest';
import { type SubgraphName, subgraphTypeDefs } from '../../schema/subgraphs.ts';
import { batchMonthState } from '../../subgraphs/period/src/services/batch-month-state.ts';
import { CLOSE_CHECK_CODES, CLOSE_CHECKS } from '../../subgraphs/period/src/services/checklist.ts';

/** Closed sets the schema once typed as String, now enums: each enum is exactly its source's set. */
function schemaEnum(subgraph: SubgraphName, name: string): string[] {
  const def = subgraphTypeDefs(subgraph).definitions.find(
    (d): d is EnumTypeDefinitionNode => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === name,
  );
  return (def?.values ?? []).map((v) => v.name.value);
}

describe('closed sets as enums', () => {
  it('CloseCheckCode is every check the close runs, and nothing else', () => {
    expect(schemaEnum('period', 'CloseCheckCode').sort()).toEqual([...CLOSE_CHECK_CODES].sort());
    expect(CLOSE_CHECKS.map((c) => c.code).sort()).toEqual([...CLOSE_CHECK_CODES].sort());
  });

  it('ErrorGroup is every group of the error catalogue', () => {
    const used = new Set(Object.values(ERROR_CATALOGUE).map((e) => ERROR_GROUPS[e.group].value));
    expect(schemaEnum('tenancy', 'ErrorGroup').sort()).toEqual(
      Object.values(ERROR_GROUPS)
        .map((g) => g.value)
        .sort(),
    );
    expect([...used].sort()).toEqual(
      Object.values(ERROR_GROUPS)
        .map((g) => g.value)
        .sort(),
    );
  });

  it("BatchMonthState reads a batch item's stored month, and only known values", () => {
    expect(batchMonthState(null)).toBeNull();
    expect(batchMonthState('LOCK_SALES')).toEqual({ periodState: 'LOCK_SALES', closeStatus: null });
    expect(batchMonthState('UNLOCKED/DRAFT')).toEqual({ periodState: 'UNLOCKED', closeStatus: 'DRAFT' });
    expect(batchMonthState('NO_PERIOD')).toEqual({ periodState: null, closeStatus: null });
    expect(batchMonthState('LOCKED/APPROVED')).toEqual({ periodState: 'LOCKED', closeStatus: 'APPROVED' });
    // Text no version writes: nothing typed is invented from it.
    expect(batchMonthState('HALF_OPEN/MAYBE')).toEqual({ periodState: null, closeStatus: null });
    // Every stored value the enums know is read back as itself.
    for (const state of tenant.periodState.enumValues)
      for (const status of tenant.periodCloseStatus.enumValues)
        expect(batchMonthState(`${state}/${status}`)).toEqual({ periodState: state, closeStatus: status });
    expect(schemaEnum('period', 'PeriodState').sort()).toEqual([...tenant.periodState.enumValues].sort());
    expect(schemaEnum('period', 'MonthCloseStatus').sort()).toEqual(
      [...tenant.periodCloseStatus.enumValues].sort(),
    );
  });
});
