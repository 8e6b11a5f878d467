/**
 * The API schema clients see: the composed supergraph without its federation machinery (join
 * directives, `_entities`, `_service`, inaccessible elements), as graphql-js builds it.
 */
import { composeServices } from '@apollo/composition';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { SUBGRAPHS, subgraphTypeDefs } from './subgraphs.ts';

export function apiSchema(): GraphQLSchema {
  const result = composeServices(
    SUBGRAPHS.map((name) => ({
      name,
      url: `http://${name}.invalid/graphql`,
      typeDefs: subgraphTypeDefs(name),
    })),
  );
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return result.schema.toAPISchema().toGraphQLJSSchema();
}

/** Sorted, so that moving a type between files or subgraphs changes nothing in the contract. */
export function printApiSchema(schema: GraphQLSchema = apiSchema()): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
