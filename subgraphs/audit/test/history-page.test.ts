import { DomainError } from '@cifra/domain';
import { describe, expect, it } from 'vitest';
import { type EntityVersion, pageVersions, VERSION_PAGE } from '../src/services/history.service.ts';

/** historyConnection / firmHistoryConnection: one entity's versions, oldest first, a page at a time. */
const version = (i: number, at: Date): EntityVersion => ({
  entityType: 'Account',
  entityId: 'a1',
  operation: i === 0 ? 'INSERT' : 'UPDATE',
  validFrom: at,
  validTo: null,
  actorId: null,
  actorEmail: null,
  reason: null,
  requestId: `r${i}`,
  databaseRole: null,
  data: { n: i },
});
// Two versions may share an instant (one transaction): the place in the order tells them apart.
const versions = Array.from({ length: 250 }, (_, i) =>
  version(i, new Date(Date.UTC(2026, 0, 1) + Math.floor(i / 2) * 1000)),
);

function drain(list: EntityVersion[], first: number) {
  const out: EntityVersion[] = [];
  let after: string | null = null;
  for (let n = 0; n < 1_000; n++) {
    const page = pageVersions(list, 'Account:a1', { first, after });
    out.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage) return out;
    after = page.pageInfo.endCursor;
  }
  throw new Error('paging never ended');
}

describe('versions paged', () => {
  it('pages every version once, oldest first, twins included', () => {
    for (const first of [1, 7, VERSION_PAGE.max]) expect(drain(versions, first)).toEqual(versions);
  });

  it('keeps its place when a new version joins the end', () => {
    const page = pageVersions(versions, 'Account:a1', { first: 100 });
    const grown = [...versions, version(250, new Date(Date.UTC(2026, 5, 1)))];
    const rest = pageVersions(grown, 'Account:a1', { first: 500, after: page.pageInfo.endCursor });
    expect(rest.edges.map((e) => e.node)).toEqual(grown.slice(100));
  });

  it('refuses another entity’s cursor, a forged one and a page over the maximum', () => {
    const other = pageVersions(versions, 'Account:a2', { first: 1 }).pageInfo.endCursor;
    const refusal = (args: { first?: number; after?: string | null }) => {
      try {
        pageVersions(versions, 'Account:a1', args);
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        return [(e as DomainError).code, (e as DomainError).details.field];
      }
      throw new Error('not refused');
    };
    expect(refusal({ after: other })).toEqual(['BAD_USER_INPUT', 'after']);
    expect(refusal({ after: 'forged' })).toEqual(['BAD_USER_INPUT', 'after']);
    expect(refusal({ first: VERSION_PAGE.max + 1 })).toEqual(['BAD_USER_INPUT', 'first']);
    expect(pageVersions([], 'Account:a1', {}).edges).toEqual([]);
  });
});
