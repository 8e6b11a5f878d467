import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { apiSchema } from '../../schema/api-schema.ts';
import {
  listProblems,
  namingProblems,
  readUndescribedBaseline,
  UNBOUNDED_LISTS,
  undescribed,
} from '../../schema/lint.ts';

const schema = apiSchema();

describe('the API schema follows the house rules', () => {
  it('breaks no naming rule', () => {
    expect(namingProblems(schema)).toEqual([]);
  });

  it('describes everything except what the baseline still lists, and the baseline only shrinks', () => {
    const now = undescribed(schema);
    const baseline = readUndescribedBaseline();
    expect(
      now.filter((e) => !baseline.includes(e)),
      'undescribed elements not in schema/undescribed.txt',
    ).toEqual([]);
    expect(
      baseline.filter((e) => !now.includes(e)),
      'described (or gone) since: run pnpm schema:lint --baseline to drop them from schema/undescribed.txt',
    ).toEqual([]);
  });

  it('catches what it is meant to catch', () => {
    const bad = buildSchema(`
      "q" type Query { "x" Bad_field(snake_arg: Int): ThingConnection "y" ok: Thing }
      "c" type ThingConnection { "e" edges: [Thing!]! "p" pageInfo: ThingPageInfo! }
      "p" type ThingPageInfo { "n" hasNextPage: Boolean! }
      type Thing { id: ID! }
      "k" enum kind { "a" PascalValue }
    `);
    expect(namingProblems(bad).sort()).toEqual([
      'Query.Bad_field returns a connection without after',
      'Query.Bad_field returns a connection without first',
      'argument Query.Bad_field(snake_arg) is not camelCase',
      'connection ThingConnection needs edges: [ThingEdge!]!',
      'connection ThingConnection needs pageInfo: PageInfo!',
      'enum value kind.PascalValue is not SCREAMING_SNAKE',
      'field Query.Bad_field is not camelCase',
      'type ThingPageInfo: use the shared PageInfo',
      'type kind is not PascalCase',
    ]);
    expect(undescribed(bad)).toEqual(['Query.Bad_field(snake_arg)', 'Thing', 'Thing.id']);
  });
});

describe('every list is a connection or says its bound', () => {
  it('holds for the API schema, and each remaining exception has its reason', () => {
    expect(listProblems(schema)).toEqual([]);
    for (const [field, reason] of Object.entries(UNBOUNDED_LISTS)) {
      expect(reason.length, `${field} needs a reason`).toBeGreaterThan(20);
    }
  });

  it('refuses a new list without a bound, and accepts a bound, an argument that sizes it, or a connection', () => {
    const s = buildSchema(`
      type Query {
        "Every thing the firm ever made."
        things: [Thing!]!
        "The colours: at most 3."
        colours: [String!]!
        "Things by name, bounded by the page: \`first\`."
        page(first: Int = 10): [Thing!]!
        "A few, newest first."
        recent(limit: Int = 5): [Thing]
        "Paged."
        thingsConnection(first: Int, after: String): ThingConnection!
      }
      type ThingConnection { edges: [ThingEdge!]! pageInfo: PageInfo! }
      type ThingEdge { cursor: String! node: Thing! }
      type PageInfo { hasNextPage: Boolean! }
      type Thing {
        """
        Its parts, one per line at
        most 12.
        """
        parts: [String!]!
        "Its tags."
        tags: [[String!]]
      }
    `);
    expect(listProblems(s).map((p) => p.split(' is a list')[0])).toEqual(
      expect.arrayContaining(['Query.things', 'Thing.tags']),
    );
    const flagged = listProblems(s).filter((p) => p.includes('is a list without a bound'));
    expect(flagged.map((p) => p.split(' ')[0]).sort()).toEqual(['Query.things', 'Thing.tags']);
    // Every exception of the API schema is missing from this one: each is reported as gone.
    expect(listProblems(s).filter((p) => p.includes('remove it from UNBOUNDED_LISTS'))).toHaveLength(
      Object.keys(UNBOUNDED_LISTS).length,
    );
  });
});
