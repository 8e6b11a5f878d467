import type { z } from 'zod';
import { badInput } from './errors.ts';

/**
 * The bounds every input obeys, documented in docs/architecture/posting.md ("Bounds"):
 *
 * - an amount is at most 9,999,999,999,999 in major units (13 integer digits), so one amount is
 *   at most 10^16 minor units even in a three-decimal currency; balances are 64-bit and their
 *   additions are checked by PostgreSQL (an overflow refuses the posting, it never wraps);
 * - a line's computed amount (quantity × price) obeys the same bound;
 * - text has no NUL and no unpaired UTF-16 surrogate (PostgreSQL cannot store either), and no
 *   argument is longer than MAX_TEXT_LENGTH; fields have their own shorter limits.
 */
export const MAX_AMOUNT_INTEGER_DIGITS = 13;
export const MAX_AMOUNT_MINOR = 10n ** 16n;
export const MAX_TEXT_LENGTH = 20_000;

/**
 * The path of a field the way a client names it, brackets for list positions: `lines[3].memo`
 * within a mutation's input object, `input[3].lines[1].debit` with the argument named (a list
 * argument, whose position is the entry: `postJournalEntries`).
 */
export function fieldPath(argument: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) =>
      typeof key === 'number' ? `${out}[${key}]` : out === '' ? String(key) : `${out}.${String(key)}`,
    argument,
  );
}

/**
 * Parse an input with its zod schema; a refusal is BAD_USER_INPUT naming the field. The path is
 * the field's within the input object (`lines[0].taxCode`), as the services name the fields they
 * refuse; `argument` prefixes it with the argument's name (`input[3].memo`), and names a refusal
 * of the whole input.
 */
export function parseInput<T>(schema: z.ZodType<T>, raw: unknown, argument?: string): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = fieldPath(argument ?? '', issue?.path ?? []) || (argument ?? 'input');
  throw badInput(`${field}: ${issue?.message ?? 'invalid'}`, { field });
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a text cannot be stored, or null: NUL, an unpaired surrogate, or too long. */
export function textProblem(text: string, maxLength = MAX_TEXT_LENGTH): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired UTF-16 surrogate';
  if (text.length > maxLength) return `is longer than ${maxLength} characters`;
  return null;
}

/**
 * Fields that carry a whole file (a bank statement: `importBankStatement`'s `fileContent`) have
 * their own, larger bound; their feature checks the file's size and content itself.
 */
export const FILE_TEXT_FIELDS: ReadonlySet<string> = new Set(['fileContent']);
export const MAX_FILE_TEXT_LENGTH = 2_000_000;

/** Every string inside an argument value that cannot be stored, with its path. */
export function findBadText(value: unknown, path: string): { field: string; problem: string } | null {
  if (typeof value === 'string') {
    const key = path.slice(path.lastIndexOf('.') + 1);
    const problem = textProblem(value, FILE_TEXT_FIELDS.has(key) ? MAX_FILE_TEXT_LENGTH : MAX_TEXT_LENGTH);
    return problem ? { field: path, problem } : null;
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const bad = findBadText(v, `${path}[${i}]`);
      if (bad) return bad;
    }
  } else if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) {
      const bad = findBadText(v, `${path}.${k}`);
      if (bad) return bad;
    }
  }
  return null;
}

/**
 * The first text of a root field's argument that cannot be stored, named as every refusal names a
 * field: within the mutation's `input` object (`lines[3].memo`); in a list argument by the entry's
 * position, given as `index` too (`input[3].memo`: `postJournalEntries`); any other argument from
 * its name (`filter.search`, `reason`).
 */
export function findBadArgumentText(
  name: string,
  value: unknown,
): { field: string; problem: string; index?: number } | null {
  if (Array.isArray(value)) {
    for (const [index, entry] of value.entries()) {
      const bad = findBadText(entry, `${name}[${index}]`);
      if (bad) return { ...bad, index };
    }
    return null;
  }
  if (name === 'input' && value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const bad = findBadText(value, '');
    return bad ? { ...bad, field: bad.field.replace(/^\./, '') } : null;
  }
  return findBadText(value, name);
}

/** A computed amount past the bound is refused, naming the field it came from. */
export function assertAmountInRange(minor: bigint, field: string): bigint {
  if (minor > MAX_AMOUNT_MINOR || minor < -MAX_AMOUNT_MINOR) {
    throw badInput(`${field}: the amount is beyond the largest the books accept`, { field });
  }
  return minor;
}
