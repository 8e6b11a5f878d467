import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  allow,
  buildShield,
  can,
  deny,
  impliedGuardTypes,
  Permissions as P,
  type Permission,
  type RuleMap,
  rule,
  signedIn,
} from '@cifra/permissions';
import fc from 'fast-check';
import { type GraphQLSchema, graphql, parse } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { describe, expect, it } from 'vitest';

/**
 * The shield keeps no per-field guard on types whose every way in already passed the same rule in
 * the same request (`impliedGuardTypes`, packages/permissions/src/implied-guards.ts). Here a schema
 * with every shape that must keep its guards — a type reached under two rules, through a union, a
 * federation entity, a field map with its own rules, a rule that reads the parent — is asked every
 * query under every set of permissions, with and without the trimmed guards: the answers must be
 * the same, refusals included.
 */
const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { board: Board ledger: Ledger search: [Result!]! }
  type Board { lines: [Line!]! count: Int! }
  type Line { name: String! ref: Ref! }
  type Ref { slug: String! }
  type Ledger { rows: [Row!]! }
  type Row { amount: String! ref: Ref! note: Note }
  type Note { text: String }
  type Archive { lines: [Line!]! }
  union Result = Line | Item
  type Item @key(fields: "id") { id: ID! name: String! secret: String }
`);

const firm = can(P.Firm.Dashboard);
const read = can(P.GL.Read);
const audit = can(P.Audit.Read);
/** A rule that reads the parent value: never taken as answering the same everywhere. */
const ownNote = rule('ownNote', { cache: 'strict' })((parent: { text?: string }) => parent.text !== 'hidden');

const rules: RuleMap = {
  Query: { board: firm, ledger: read, search: signedIn },
  Board: firm,
  Line: firm,
  Ref: firm,
  Ledger: read,
  Row: read,
  Note: ownNote,
  Archive: firm,
  Item: { '*': read, secret: audit },
};

const line = (n: number) => ({ name: `line ${n}`, ref: { slug: `client-${n}` } });
const resolvers = {
  Query: {
    board: () => ({ lines: [line(1), line(2)], count: 2 }),
    ledger: () => ({
      rows: [
        { amount: '10.00', ref: { slug: 'r' }, note: { text: 'seen' } },
        { amount: '-10.00', ref: { slug: 's' }, note: { text: 'hidden' } },
      ],
    }),
    search: () => [
      { __typename: 'Line', ...line(3) },
      { __typename: 'Item', id: '7', name: 'seven', secret: 's' },
    ],
  },
  Result: { __resolveType: (v: { __typename: string }) => v.__typename },
  Item: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id, name: `item ${ref.id}`, secret: 'x' }),
  },
};

function schemaWith(trimImpliedGuards: boolean): GraphQLSchema {
  const schema = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]);
  return applyMiddleware(schema, buildShield(rules, { trimImpliedGuards }));
}

const QUERIES = [
  '{ board { count lines { name ref { slug } } } }',
  '{ ledger { rows { amount ref { slug } note { text } } } }',
  '{ search { ... on Line { name ref { slug } } ... on Item { id name secret } } }',
  '{ board { lines { name } } ledger { rows { amount } } }',
  '{ _entities(representations: [{ __typename: "Item", id: "1" }]) { ... on Item { id name secret } } }',
];

const PERMISSIONS: Permission[] = [P.Firm.Dashboard, P.GL.Read, P.Audit.Read];

async function ask(schema: GraphQLSchema, source: string, granted: Permission[] | null) {
  const contextValue = { auth: granted ? { permissions: new Set(granted) } : null };
  return JSON.parse(JSON.stringify(await graphql({ schema, source, contextValue })));
}

describe('guards implied by the way in', () => {
  it('trims Board, Ledger and Row; keeps Line (a union member too), Ref (two rules), Note (reads its parent), Item (an entity), Archive (no way in)', () => {
    const schema = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]);
    const tree = { ...rules, Query: { ...(rules.Query as object), _service: allow, _entities: allow } };
    // Row is reached from Ledger alone, under read like its own fields: trimmed too. Archive has no
    // way in at all: nothing says one was guarded, so it keeps its guards.
    expect([...impliedGuardTypes(schema, { ...tree, _Service: allow }, deny)].sort()).toEqual([
      'Board',
      'Ledger',
      'Row',
    ]);
  });

  it('answers every query the same with and without the trimmed guards, for every set of permissions', async () => {
    const trimmed = schemaWith(true);
    const everyField = schemaWith(false);
    let refused = 0;
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...QUERIES),
        fc.option(fc.subarray(PERMISSIONS), { nil: null }),
        async (query, granted) => {
          const a = await ask(trimmed, query, granted);
          expect(a).toEqual(await ask(everyField, query, granted));
          if (a.errors) refused++;
          if (a.data && Object.values(a.data).some((v) => v !== null)) answered++;
        },
      ),
      { numRuns: 200 },
    );
    // Neither side of the comparison is vacuous: some answers were refused, some answered.
    expect(refused).toBeGreaterThan(0);
    expect(answered).toBeGreaterThan(0);
  });

  it('still refuses a trimmed type’s data to a caller without the rule: FORBIDDEN at the way in', async () => {
    const r = await ask(schemaWith(true), QUERIES[0]!, [P.GL.Read]);
    expect(r.data).toEqual({ board: null });
    expect(r.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['FORBIDDEN']);
    const ok = await ask(schemaWith(true), '{ ledger { rows { amount note { text } } } }', [P.GL.Read]);
    // A rule that reads the parent still runs per value: the hidden note is refused alone.
    expect(ok.data.ledger.rows).toEqual([
      { amount: '10.00', note: { text: 'seen' } },
      { amount: '-10.00', note: { text: null } },
    ]);
    expect(ok.errors.map((e: { path: string[] }) => e.path.join('.'))).toEqual(['ledger.rows.1.note.text']);
  });
});
