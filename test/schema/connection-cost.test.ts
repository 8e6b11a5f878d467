import { DEFAULT_DEMAND_LIMITS, estimateCost } from '@cifra/gateway';
import { Kind, type OperationDefinitionNode, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { apiSchema } from '../../schema/api-schema.ts';

/**
 * Demand control sizes a list by its `first`/`limit` argument (gateway/src/demand-control.ts): the
 * connections that replaced the last unbounded lists must be seen by it, so each item of a page adds its
 * cost once, and a page left at its default costs what the default asks for.
 */
const schema = apiSchema();

const cost = (query: string) => {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (!operation) throw new Error('no operation');
  return estimateCost(schema, document, operation, {}, DEFAULT_DEMAND_LIMITS);
};

/** Each new connection, as a query with its page size left as `FIRST`. */
const CONNECTIONS: Record<string, string> = {
  'Integration.secretsConnection':
    '{ integration(id: "x") { secretsConnection FIRST { edges { node { clientId createdAt revokedAt } } } } }',
  'Integration.trustedDocumentVersionsConnection':
    '{ integration(id: "x") { trustedDocumentVersionsConnection FIRST { edges { node { appVersion documents } } } } }',
  'Query.yearEndCloseReversalsConnection':
    '{ yearEndCloseReversalsConnection(fiscalYear: 2026 FIRSTARG) { edges { node { id status reason } } } }',
  'StaleRateUsage.clientsConnection':
    '{ staleRateUsage(from: "2026-01-01", to: "2026-01-31") { clientsConnection FIRST { edges { node { clientSlug entryCount } } } } }',
  'StaleRateUsage.entriesConnection':
    '{ staleRateUsage(from: "2026-01-01", to: "2026-01-31") { entriesConnection FIRST { edges { node { entryNumber rate source } } } } }',
};

const withFirst = (query: string, first: number | null) =>
  query
    .replace('FIRSTARG', first === null ? '' : `, first: ${first}`)
    .replace('FIRST', first === null ? '' : `(first: ${first})`);

describe('demand control sees the page size of the connections that replaced unbounded lists', () => {
  for (const [field, query] of Object.entries(CONNECTIONS)) {
    it(`${field}: the cost grows with first, and the default page is 100`, () => {
      // cost(n) = fixed + n × item: each item of the page is counted once.
      const item = cost(withFirst(query, 6)) - cost(withFirst(query, 5));
      expect(item).toBeGreaterThan(0);
      expect(cost(withFirst(query, 500)) - cost(withFirst(query, 5))).toBe(495 * item);
      expect(cost(withFirst(query, null))).toBe(cost(withFirst(query, 100)));
    });
  }
});
