import { Kind, type OperationDefinitionNode, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { FIELD_WEIGHTS } from './demand-control.ts';
import { OPERATION_POINTS, operationPoints } from './rate-limits.ts';

/** A person's extra rate-limit points for a document, however its costly fields are written. */
const points = (query: string, variables?: Record<string, unknown>) => {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (!operation) throw new Error('no operation');
  return operationPoints(document, operation, variables);
};

const INVESTIGATE = 'investigate(sql: "select 1") { __typename }';

describe('the extra points of costly operations', () => {
  it('charges a costly root field written plainly, in an inline fragment or in a named one', () => {
    expect(points(`mutation { ${INVESTIGATE} }`)).toBe(10);
    expect(points(`mutation { ... on Mutation { ${INVESTIGATE} } }`)).toBe(10);
    expect(points(`mutation { ... { ${INVESTIGATE} } }`)).toBe(10);
    expect(points(`mutation { ...F } fragment F on Mutation { ${INVESTIGATE} }`)).toBe(10);
    for (const [field, extra] of [
      ['postJournalEntries(input: [])', 10],
      ['startBatchPeriodOperation(input: {})', 10],
      ['exportLedger(input: {})', 5],
      ['exportDocumentsArchive(input: {})', 5],
      ['renderDocument(id: "x")', 2],
      ['renderPartyStatement(input: {})', 2],
      ['renderItbmsReturn(input: {})', 2],
      ['exportPartyStatementsArchive(input: {})', 5],
      ['provisionTenant(input: {})', 20],
      ['backupClient(tenant: "x")', 20],
      ['restoreClient(input: {})', 20],
    ] as const) {
      expect(points(`mutation { ... on Mutation { ${field} { __typename } } }`), field).toBe(extra);
    }
  });

  it('charges extra points for every mutation demand control weighs as work on the server, and only those', () => {
    const weighed = Object.keys(FIELD_WEIGHTS)
      .filter((f) => f.startsWith('Mutation.'))
      .map((f) => f.slice('Mutation.'.length));
    expect(Object.keys(OPERATION_POINTS).sort()).toEqual(weighed.sort());
  });

  it('follows fragments inside fragments, named and inline, to any depth', () => {
    const nested = `mutation { ...A }
      fragment A on Mutation { ... on Mutation { ...B } }
      fragment B on Mutation { ... { ${INVESTIGATE} exportLedger(input: {}) { __typename } } }`;
    expect(points(nested)).toBe(15);
  });

  it('charges each alias, and a field spread twice under one response key once, as it runs', () => {
    expect(points(`mutation { a: ${INVESTIGATE} b: ${INVESTIGATE} }`)).toBe(20);
    expect(
      points(`mutation { ...F ...F ... on Mutation { ...F } } fragment F on Mutation { a: ${INVESTIGATE} }`),
    ).toBe(10);
    expect(
      points(`mutation { ${INVESTIGATE} ...F } fragment F on Mutation { ${INVESTIGATE} b: ${INVESTIGATE} }`),
    ).toBe(20);
  });

  it('ends on fragments that spread each other (refused by validation, never a loop here)', () => {
    const cycle = `mutation { ...A } fragment A on Mutation { ...B ${INVESTIGATE} } fragment B on Mutation { ...A }`;
    expect(points(cycle)).toBe(10);
  });

  it('leaves out what @skip and @include leave out, and keeps what may run', () => {
    expect(points(`mutation { ${INVESTIGATE.replace('{', '@skip(if: true) {')} }`)).toBe(0);
    expect(points(`mutation { ... @include(if: false) { ${INVESTIGATE} } }`)).toBe(0);
    const byVariable = `mutation($run: Boolean!) { ...F @include(if: $run) } fragment F on Mutation { ${INVESTIGATE} }`;
    expect(points(byVariable, { run: false })).toBe(0);
    expect(points(byVariable, { run: true })).toBe(10);
    expect(points(byVariable)).toBe(10);
  });

  it('charges nothing extra for reads', () => {
    expect(points('{ accounts { code } ... on Query { me { email } } }')).toBe(0);
  });
});
