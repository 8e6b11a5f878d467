import { badInput } from './errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether the text is a UUID (any case): what a row's id is, and all a query may inline of one. */
export const isUuid = (value: string): boolean => UUID.test(value);

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

/**
 * The id a client sees for a row its database numbers on its own (audit events, rate records):
 * `<Type>:<scope>:<n>`, where the scope is the client (or the firm, for the firm's trail), so no
 * two clients — and no two types — ever show the same id, and a normalized cache keyed by
 * `__typename:id` cannot mix them.
 */
export function scopedId(type: string, scope: string, local: bigint | number | string): string {
  return `${type}:${scope}:${local}`;
}

/** The row number inside a scoped id, or null when the id is not of that type and scope. */
export function parseScopedId(type: string, scope: string, id: string): bigint | null {
  const prefix = `${type}:${scope}:`;
  if (!id.startsWith(prefix)) return null;
  const local = id.slice(prefix.length);
  return /^[0-9]{1,19}$/.test(local) ? BigInt(local) : null;
}
