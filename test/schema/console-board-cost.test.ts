import { readFileSync } from 'node:fs';
import { DEFAULT_DEMAND_LIMITS, estimateCost } from '@cifra/gateway';
import { Kind, type OperationDefinitionNode, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { BOARD_PAGE } from '../../packages/console/src/screens/board-data.ts';
import { apiSchema } from '../../schema/api-schema.ts';

/**
 * The console's close board asks three months of BOARD_PAGE clients a request
 * (packages/console/src/screens/board-data.ts): as the gateway costs the text it runs — the
 * persisted document, with every `__typename` — that must stay under a person's cost limit, or the
 * board is refused QUERY_TOO_COMPLEX whatever the firm's size.
 */
const manifest: Record<string, string> = JSON.parse(
  readFileSync(
    new URL('../../packages/console/src/__generated__/persisted-documents.json', import.meta.url),
    'utf8',
  ),
);
const boardText = Object.values(manifest).find((text) => text.includes('query ConsoleBoardQuarter'));

const cost = (first: number) => {
  const document = parse(boardText ?? '');
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (!operation) throw new Error('no operation');
  const variables = { year: 2026, m1: 1, m2: 2, m3: 3, first, after: null };
  return estimateCost(apiSchema(), document, operation, variables, DEFAULT_DEMAND_LIMITS);
};

describe("the console board's request", () => {
  it('is in the manifest, and a full page costs less than the limit, a little more would not', () => {
    expect(boardText).toBeDefined();
    expect(cost(BOARD_PAGE)).toBeLessThanOrEqual(DEFAULT_DEMAND_LIMITS.maxCost);
    // Not far under it either: the page is as large as the limit allows, give or take a tenth.
    expect(cost(Math.ceil(BOARD_PAGE * 1.1))).toBeGreaterThan(DEFAULT_DEMAND_LIMITS.maxCost);
  });
});
