import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, type GqlResult } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/** The documents connection and the FX analysis reports through the gateway, with real tokens. */
let t: TestStack;
const TENANT = 'ferreteria-colon';

beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.close());

type Page = {
  documents: {
    edges: { cursor: string; node: { id: string; postingDate: string } }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  };
};
const DOCUMENTS = `query($first: Int, $after: String, $filter: DocumentFilter) {
  documents(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id postingDate } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`;

describe('documents as a connection through the gateway', () => {
  it('pages 7 drafts 3 at a time, newest first, for a read-only user as well', async () => {
    const party = await t.as(
      'senior',
      TENANT,
    )<{ createParty: { id: string } }>(
      'mutation { createParty(input: { kind: CUSTOMER, code: "PG-1", name: "Paging SA" }) { id } }',
    );
    const partyId = party.data!.createParty.id;
    for (let day = 1; day <= 7; day += 1) {
      const r = await t.as('senior', TENANT)(
        `mutation($input: InvoiceDraftInput!) { createSalesInvoice(input: $input) { id } }`,
        {
          input: {
            partyId,
            documentDate: `2026-05-0${day}`,
            lines: [{ accountCode: '4101', quantity: '1', unitPrice: '5', taxCode: 'EXENTO' }],
          },
        },
      );
      expect(r.errors).toBeUndefined();
    }
    const dates: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const r: GqlResult<Page> = await t.as('reviewer', TENANT)<Page>(DOCUMENTS, {
        first: 3,
        after,
        filter: { partyId },
      });
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      const page: Page['documents'] = r.data!.documents;
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      dates.push(...page.edges.map((e) => e.node.postingDate));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages += 1;
    } while (after);
    expect(pages).toBe(3);
    expect(dates).toEqual(['07', '06', '05', '04', '03', '02', '01'].map((d) => `2026-05-${d}`));
    const bad = await t.as('senior', TENANT)(DOCUMENTS, { first: 3, after: 'not-a-cursor' });
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
  });
});
