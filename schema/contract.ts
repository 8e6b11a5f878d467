/**
 * The contract: the API schema as clients last saw it, checked in as schema/contract.graphql and
 * moved forward only on purpose (docs/architecture/schema.md).
 *
 * - `pnpm schema:contract` writes the current API schema as the new contract, and refuses while the
 *   change from the old contract breaks clients without a deprecation or an accepted break.
 * - `--check` (in `pnpm schema:check`) fails on such a break, and on a contract that lags the
 *   schema (an addition not yet recorded could otherwise be removed later unnoticed).
 *
 * A break is accepted when the old contract had deprecated the element (a field, an argument or an
 * enum value removed after `@deprecated`), or when schema/accepted-breaks.json lists the change
 * (its `change` text as graphql-js's findBreakingChanges words it) with a reason.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type BreakingChange,
  BreakingChangeType,
  buildSchema,
  findBreakingChanges,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
} from 'graphql';
import { apiSchema, printApiSchema } from './api-schema.ts';

export const CONTRACT_PATH = fileURLToPath(new URL('./contract.graphql', import.meta.url));
export const ACCEPTED_PATH = fileURLToPath(new URL('./accepted-breaks.json', import.meta.url));

export interface AcceptedBreak {
  /** findBreakingChanges' description of the change, e.g. "Query.parties was removed." */
  change: string;
  /** Why clients may take it: who was told, what replaces it. */
  reason: string;
}

/** Whether the old contract had deprecated what the change removes. */
function deprecatedBefore(old: GraphQLSchema, change: BreakingChange): boolean {
  const d = change.description;
  if (change.type === BreakingChangeType.FIELD_REMOVED) {
    const m = /^(\w+)\.(\w+) was removed\.$/.exec(d);
    const type = m && old.getType(m[1] as string);
    if (type && (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type))) {
      const field = type.getFields()[m[2] as string];
      return !!(field && 'deprecationReason' in field && field.deprecationReason);
    }
  }
  if (change.type === BreakingChangeType.ARG_REMOVED) {
    const m = /^(\w+)\.(\w+) arg (\w+) was removed\.$/.exec(d);
    const type = m && old.getType(m[1] as string);
    if (type && (isObjectType(type) || isInterfaceType(type))) {
      const arg = type.getFields()[m[2] as string]?.args.find((a) => a.name === m[3]);
      return !!arg?.deprecationReason;
    }
  }
  if (change.type === BreakingChangeType.VALUE_REMOVED_FROM_ENUM) {
    const m = /^(\w+) was removed from enum type (\w+)\.$/.exec(d);
    const type = m && old.getType(m[2] as string);
    if (type && isEnumType(type)) return !!type.getValue(m[1] as string)?.deprecationReason;
  }
  return false;
}

/** The breaking changes from `old` to `next` that neither a deprecation nor `accepted` covers. */
export function unacceptedBreaks(
  old: GraphQLSchema,
  next: GraphQLSchema,
  accepted: readonly AcceptedBreak[],
): string[] {
  const allowed = new Set(accepted.map((a) => a.change));
  return findBreakingChanges(old, next)
    .filter((c) => !deprecatedBefore(old, c) && !allowed.has(c.description))
    .map((c) => `${c.type}: ${c.description}`);
}

export function readAccepted(): AcceptedBreak[] {
  const list = JSON.parse(readFileSync(ACCEPTED_PATH, 'utf8')) as AcceptedBreak[];
  for (const a of list) {
    if (typeof a.change !== 'string' || typeof a.reason !== 'string' || a.reason.trim().length < 20) {
      throw new Error(`${ACCEPTED_PATH}: every entry needs a change and a reason of at least 20 characters`);
    }
  }
  return list;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const current = apiSchema();
  const text = printApiSchema(current);
  const contract = readFileSync(CONTRACT_PATH, 'utf8');
  const breaks = unacceptedBreaks(buildSchema(contract), current, readAccepted());
  if (breaks.length > 0) {
    console.error(
      `The schema breaks clients of schema/contract.graphql without a deprecation:\n${breaks
        .map((b) => `- ${b}`)
        .join(
          '\n',
        )}\nDeprecate first (@deprecated, one release), or accept the break in schema/accepted-breaks.json with a reason.`,
    );
    process.exit(1);
  }
  if (process.argv.includes('--check')) {
    if (contract !== text) {
      console.error('schema/contract.graphql lags the schema (no break): run pnpm schema:contract');
      process.exit(1);
    }
    console.log('contract is up to date and unbroken');
  } else {
    writeFileSync(CONTRACT_PATH, text);
    console.log(`wrote ${CONTRACT_PATH}`);
  }
}
