import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';

/** The screens a frontend shows for any client, asked of two clients in one normalized cache. */
const QUERIES = [
  '{ accounts { id code auditEvents(first: 5) { edges { node { id } } } } }',
  '{ auditEvents(first: 50) { edges { node { id } } } }',
  '{ documents(first: 50) { edges { node { id party { id } entry { id lines { fx { exchangeRateId } } } } } } }',
  '{ parties { edges { node { id } } } items { edges { node { id } } } journalEntryDrafts { id } }',
  '{ journalEntries(first: 50) { edges { node { id reverses { id } lines { account { id } } } } } }',
  `{ periods(fiscalYear: ${new Date().getUTCFullYear()}) { id auditEvents(first: 5) { edges { node { id } } } } fiscalYearsConnection { edges { node { year } } } }`,
  // The year of the overrides below (exchangeRates answers at most 366 days).
  '{ exchangeRates(currency: "EUR", from: "2026-01-01", to: "2026-12-31") { id } }',
  '{ verifyAuditChain { firstBrokenLink { eventId } } }',
  '{ tenant { id } }',
];

/** Every `__typename:id` pair in an answer, the way Apollo Client's cache keys objects. */
function cacheKeys(data: unknown, into = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(data)) for (const x of data) cacheKeys(x, into);
  else if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) {
      if ((k === 'id' || k.endsWith('Id')) && typeof v === 'string') into.set(v, k);
      cacheKeys(v, into);
    }
  }
  return into;
}

describe('ids are unique across clients', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack();
    // Rate records and audit events exist on both clients (numbered from 1 in each database).
    for (const slug of ['cafe-boquete', 'ferreteria-colon']) {
      const r = await t.as(
        'senior',
        slug,
      )(
        'mutation { overrideExchangeRate(currency: "EUR", date: "2026-01-02", rate: "1.08", reason: "a rate typed for the id test") { rate } }',
      );
      expect(r.errors).toBeUndefined();
    }
  });
  afterAll(() => t?.close());

  it('no id one client sees is an id another client sees, for any type', async () => {
    const seen = new Map<string, Map<string, string>>();
    for (const slug of ['cafe-boquete', 'ferreteria-colon']) {
      const keys = new Map<string, string>();
      for (const query of QUERIES) {
        const res = await t.as('senior', slug)(query);
        expect(res.errors, query).toBeUndefined();
        cacheKeys(res.data, keys);
      }
      seen.set(slug, keys);
    }
    const a = seen.get('cafe-boquete') as Map<string, string>;
    const b = seen.get('ferreteria-colon') as Map<string, string>;
    // The test sees enough to mean something: audit events and rate records on both sides.
    for (const keys of [a, b]) {
      expect([...keys.keys()].some((id) => id.startsWith('AuditEvent:'))).toBe(true);
      expect([...keys.keys()].some((id) => id.startsWith('ExchangeRateRecord:'))).toBe(true);
    }
    const shared = [...a.keys()].filter((id) => b.has(id));
    expect(shared).toEqual([]);
  });
});
