import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { nameBadScalars } from './bad-scalars.ts';
import { formatSubgraphError } from './errors.ts';
import { DateScalar, MoneyScalar } from './scalars.ts';

const typeDefs = parse(`
  scalar Money
  scalar Date
  input LineInput { accountCode: String!, debit: Money }
  input EntryInput { postingDate: Date!, lines: [LineInput!]! }
  type Query { report(asOf: Date!): Int }
  type Mutation { postMany(input: [EntryInput!]!): Int, postOne(input: EntryInput!): Int }
`);
const server = new ApolloServer({
  schema: buildSubgraphSchema([
    {
      typeDefs,
      resolvers: {
        Money: MoneyScalar,
        Date: DateScalar,
        Query: { report: () => 1 },
        Mutation: { postMany: () => 1, postOne: () => 1 },
      },
    },
  ]),
  plugins: [nameBadScalars, ApolloServerPluginInlineTraceDisabled()],
  formatError: formatSubgraphError(pino({ level: 'silent' })),
});

async function refusal(query: string, variables?: Record<string, unknown>) {
  const r = await server.executeOperation({ query, variables });
  if (r.body.kind !== 'single') throw new Error('not a single result');
  return r.body.singleResult.errors?.[0]?.extensions;
}

const entry = (postingDate: string, debit = '1.00') => ({
  postingDate,
  lines: [{ accountCode: '1110', debit }],
});

describe('a bad scalar is named as every refusal names a field', () => {
  it('in a list argument by the entry, with its index, as a variable of any name', async () => {
    expect(
      await refusal('mutation($e: [EntryInput!]!) { postMany(input: $e) }', {
        e: [entry('2026-01-01'), entry('2026-01-01', '1,000')],
      }),
    ).toEqual({ code: 'BAD_USER_INPUT', index: 1, field: 'input[1].lines[0].debit' });
  });

  it('inline, by the literal the scalar refused', async () => {
    expect(
      await refusal(
        'mutation { postMany(input: [{ postingDate: "2026-01-01", lines: [] }, { postingDate: "2026-02-30", lines: [] }]) }',
      ),
    ).toEqual({ code: 'BAD_USER_INPUT', index: 1, field: 'input[1].postingDate' });
  });

  it('within an input object from inside it, and another argument by its name', async () => {
    expect(
      await refusal('mutation($i: EntryInput!) { postOne(input: $i) }', { i: entry('2026-01-01', '1e3') }),
    ).toEqual({ code: 'BAD_USER_INPUT', field: 'lines[0].debit' });
    expect(await refusal('query($d: Date!) { report(asOf: $d) }', { d: '0000-01-01' })).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'asOf',
    });
    expect(await refusal('{ report(asOf: "today") }')).toEqual({ code: 'BAD_USER_INPUT', field: 'asOf' });
  });

  it('a variable left out names its argument', async () => {
    expect(await refusal('query($d: Date!) { report(asOf: $d) }')).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'asOf',
    });
  });
});
