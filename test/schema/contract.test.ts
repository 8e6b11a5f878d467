import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { apiSchema, printApiSchema } from '../../schema/api-schema.ts';
import { CONTRACT_PATH, readAccepted, unacceptedBreaks } from '../../schema/contract.ts';

const OLD = `
  type Query {
    party(id: ID!, asOf: String): Party
    parties: [Party!]
    legacy: String @deprecated(reason: "use party")
  }
  type Party { id: ID! name: String! kind: Kind! }
  enum Kind { CUSTOMER VENDOR OLD @deprecated(reason: "never used") }
`;

describe('the schema contract', () => {
  it('is what the subgraphs compose to, with no break a client was not warned of', () => {
    const contract = readFileSync(CONTRACT_PATH, 'utf8');
    expect(unacceptedBreaks(buildSchema(contract), apiSchema(), readAccepted())).toEqual([]);
    expect(contract, 'schema/contract.graphql lags: run pnpm schema:contract').toBe(printApiSchema());
  });

  it('fails on a removal or an incompatible change that was not deprecated first', () => {
    const next = `
      type Query { party(id: ID!): Party parties: [Party!]! }
      type Party { id: ID! name: String kind: Kind! }
      enum Kind { CUSTOMER }
    `;
    // OLD is not deprecated on any of these, so each is refused; `legacy` and OLD go quietly.
    expect(unacceptedBreaks(buildSchema(OLD), buildSchema(next), []).sort()).toEqual([
      'ARG_REMOVED: Query.party arg asOf was removed.',
      'FIELD_CHANGED_KIND: Party.name changed type from String! to String.',
      'VALUE_REMOVED_FROM_ENUM: VENDOR was removed from enum type Kind.',
    ]);
  });

  it('lets a deprecated field or enum value go, and an accepted break with its reason', () => {
    const next = `
      type Query { party(id: ID!, asOf: String): Party parties: [Party!] }
      type Party { id: ID! name: String! kind: Kind! }
      enum Kind { CUSTOMER VENDOR }
    `;
    expect(unacceptedBreaks(buildSchema(OLD), buildSchema(next), [])).toEqual([]);
    const renamed = next.replace('parties: [Party!]', 'partyList: [Party!]');
    expect(unacceptedBreaks(buildSchema(OLD), buildSchema(renamed), [])).toEqual([
      'FIELD_REMOVED: Query.parties was removed.',
    ]);
    const accepted = [
      { change: 'Query.parties was removed.', reason: 'renamed; every client was told in March' },
    ];
    expect(unacceptedBreaks(buildSchema(OLD), buildSchema(renamed), accepted)).toEqual([]);
  });
});
