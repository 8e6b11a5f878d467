import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { apiSchema } from '../../schema/api-schema.ts';
import { namingProblems, readUndescribedBaseline, undescribed } from '../../schema/lint.ts';

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
