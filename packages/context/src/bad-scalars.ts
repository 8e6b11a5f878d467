import type { ApolloServerPlugin } from '@apollo/server';
import { fieldPath } from '@cifra/domain';
import {
  type ASTNode,
  coerceInputValue,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
  isInputType,
  Kind,
  typeFromAST,
  type ValueNode,
  type VariableDefinitionNode,
  visit,
} from 'graphql';

type Path = readonly (string | number)[];

/** Where a value sits in an operation: the argument it belongs to, and its path within it. */
interface Place {
  argument: string;
  path: Path;
}

/**
 * How every refusal names a field (as `findBadArgumentText` does for text): in a list argument by
 * the entry's position, given as `index` too (`input[7].postingDate`: `postJournalEntries`);
 * within a mutation's `input` object from inside it (`lines[0].debit`); any other argument from
 * its name (`filter.from`).
 */
export function placeName({ argument, path }: Place): { field: string; index?: number } {
  const [first] = path;
  if (typeof first === 'number') return { field: fieldPath(argument, path), index: first };
  if (argument === 'input' && path.length > 0) return { field: fieldPath('', path) };
  return { field: fieldPath(argument, path) };
}

/** The first value node of the operation's arguments `found` accepts, with its place. */
export function findPlace(document: DocumentNode, found: (node: ValueNode) => boolean): Place | null {
  let place: Place | null = null;
  const walk = (node: ValueNode, path: Path): Path | null => {
    if (found(node)) return path;
    if (node.kind === Kind.LIST) {
      for (const [i, v] of node.values.entries()) {
        const at = walk(v, [...path, i]);
        if (at) return at;
      }
    } else if (node.kind === Kind.OBJECT) {
      for (const f of node.fields) {
        const at = walk(f.value, [...path, f.name.value]);
        if (at) return at;
      }
    }
    return null;
  };
  visit(document, {
    Argument(arg) {
      const path = place ? null : walk(arg.value, []);
      if (path) place = { argument: arg.name.value, path };
      return false;
    },
  });
  return place;
}

/** The path within a variable's value of its first bad part, as the execution coerced it. */
function badPathInVariable(schema: GraphQLSchema, def: VariableDefinitionNode, value: unknown): Path | null {
  const type = typeFromAST(schema, def.type);
  if (!type || !isInputType(type)) return null;
  let bad: Path | null = null;
  coerceInputValue(value, type, (path) => {
    bad ??= path;
  });
  return bad;
}

/** Where a refused input value sits, from the node the refusal points at. */
function placeOfError(
  error: GraphQLError,
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
): Place | null {
  const node: ASTNode | undefined = error.nodes?.[0];
  if (!node) return null;
  if (node.kind === Kind.VARIABLE_DEFINITION) {
    const name = node.variable.name.value;
    const used = findPlace(document, (v) => v.kind === Kind.VARIABLE && v.name.value === name);
    if (!used) return null;
    const within = badPathInVariable(schema, node, variables?.[name]) ?? [];
    return { argument: used.argument, path: [...used.path, ...within] };
  }
  // A literal a scalar refused while the document was validated: the scalar names its node.
  return findPlace(document, (v) => v === node);
}

/**
 * A bad scalar (a date, an amount) is refused by its scalar before any resolver runs, so it had no
 * `field` and, in a bulk import, no `index`: this names it as every other refusal names a field,
 * whether the value came as a variable or inline. Only BAD_USER_INPUT that names nothing yet.
 */
export const nameBadScalars: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, document, schema, request }) {
        if (!document) return;
        for (const error of errors) {
          const inner = error.originalError as GraphQLError | undefined;
          const code = inner?.extensions?.code ?? error.extensions.code;
          if (code !== 'BAD_USER_INPUT' || error.extensions.field !== undefined) continue;
          const place = placeOfError(error, schema, document, request.variables);
          if (place) Object.assign(error.extensions, placeName(place));
        }
      },
    };
  },
};
