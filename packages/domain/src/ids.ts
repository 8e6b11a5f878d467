import { badInput } from './errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An `ID!` argument that names a row by its UUID, checked before it reaches the database (which
 * would answer a malformed one with an internal error). Refuses with `BAD_USER_INPUT` naming the
 * argument; returns the id in lower case. Use it for every id argument of a resolver.
 */
export function parseId(value: string, argument = 'id'): string {
  if (!UUID.test(value)) {
    throw badInput(`${argument}: ${JSON.stringify(value.slice(0, 64))} is not a valid id`, {
      field: argument,
    });
  }
  return value.toLowerCase();
}
