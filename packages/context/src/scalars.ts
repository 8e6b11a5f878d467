import { isDecimalString, MAX_AMOUNT_INTEGER_DIGITS, parseIsoDate } from '@cifra/domain';
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode, valueFromASTUntyped } from 'graphql';

/**
 * A refused value; a literal's refusal carries its node, so that the refusal can name the field it
 * sits in (bad-scalars.ts) as a variable's does.
 */
const badInput = (message: string, node?: ValueNode) =>
  new GraphQLError(message, { nodes: node, extensions: { code: 'BAD_USER_INPUT' } });

/** A literal's parse: what it throws names the literal's node. */
function literal<T>(ast: ValueNode, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof GraphQLError && !err.nodes) throw badInput(err.message, ast);
    throw err;
  }
}

/** A decimal string, and no larger than the books accept (13 integer digits; see @cifra/domain input.ts). */
function checkDecimal(value: string, what: string, example: string): string {
  if (!isDecimalString(value))
    throw badInput(`"${value.slice(0, 64)}" is not a ${what} such as "${example}"`);
  const whole = value.replace(/^-/, '').split('.')[0]?.replace(/^0+/, '') ?? '';
  if (whole.length > MAX_AMOUNT_INTEGER_DIGITS) {
    throw badInput(
      `"${value.slice(0, 64)}" is too large: at most ${MAX_AMOUNT_INTEGER_DIGITS} digits before the decimal point`,
    );
  }
  return value;
}

/** The dates the books accept: years 1900 to 9999 (PostgreSQL has no year 0, and nothing older is a posting). */
const FIRST_DATE = '1900-01-01';
const LAST_DATE = '9999-12-31';

function stringLiteral(ast: ValueNode, scalar: string): string {
  if (ast.kind !== Kind.STRING) throw badInput(`${scalar} must be given as a string`);
  return ast.value;
}

/**
 * Money crosses the API as a decimal string ("1200.00"), never a number: a JSON number is a float
 * on most clients. The scalar checks the syntax; how many decimals are allowed depends on the
 * currency, which the service that knows it checks.
 */
export const MoneyScalar = new GraphQLScalarType<string, string>({
  name: 'Money',
  description: 'An exact decimal amount as a string, e.g. "1200.00". Never a number.',
  serialize(value) {
    if (typeof value !== 'string') throw new Error('Money must be serialized from a decimal string');
    return value;
  },
  parseValue(value) {
    if (typeof value !== 'string') throw badInput('Money must be given as a string such as "100.00"');
    return checkDecimal(value, 'decimal amount', '100.00');
  },
  parseLiteral(ast) {
    return literal(ast, () => checkDecimal(stringLiteral(ast, 'Money'), 'decimal amount', '100.00'));
  },
});

/**
 * Quantities, unit prices and exchange rates: an exact decimal string ("1.0835"), never a number.
 * The scale each field allows is checked by the service that knows it.
 */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'An exact decimal number as a string, e.g. "1.0835". Never a JSON number.',
  serialize(value) {
    if (typeof value !== 'string') throw new Error('Decimal must be serialized from a decimal string');
    return value;
  },
  parseValue(value) {
    if (typeof value !== 'string') throw badInput('Decimal must be given as a string such as "1.5"');
    return checkDecimal(value, 'decimal number', '1.5');
  },
  parseLiteral(ast) {
    return literal(ast, () => checkDecimal(stringLiteral(ast, 'Decimal'), 'decimal number', '1.5'));
  },
});

export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, ISO 8601 YYYY-MM-DD, with no time and no zone.',
  serialize(value) {
    if (typeof value !== 'string') throw new Error('Date must be serialized from an ISO date string');
    return value;
  },
  parseValue(value) {
    if (typeof value !== 'string') throw badInput('Date must be given as a string such as "2026-03-31"');
    return parseDate(value);
  },
  parseLiteral(ast) {
    return literal(ast, () => parseDate(stringLiteral(ast, 'Date')));
  },
});

function parseDate(value: string): string {
  let date: string;
  try {
    date = parseIsoDate(value);
  } catch {
    throw badInput(`"${value.slice(0, 64)}" is not a date in the form YYYY-MM-DD`);
  }
  if (date < FIRST_DATE || date > LAST_DATE)
    throw badInput(`"${date}" is outside ${FIRST_DATE} to ${LAST_DATE}`);
  return date;
}

/**
 * An instant as RFC 3339 / ISO 8601 gives it: a real calendar date, a time and an offset (`Z` or
 * `±hh:mm`), to the millisecond (more fraction digits only if they are zeros: the API keeps
 * milliseconds and would otherwise round what it was given), years 1900 to 9999. `new Date` alone
 * took `"2026-02-30T00:00:00Z"` as 2 March, `"1"` as 2001 and a time without offset in the
 * server's own zone.
 */
const INSTANT =
  /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function parseInstant(value: string): Date {
  const shown = JSON.stringify(value.slice(0, 64));
  const refuse = (why: string) => badInput(`${shown} is not a DateTime: ${why}`);
  const m = INSTANT.exec(value);
  if (!m) throw refuse('give an ISO 8601 instant with its offset, such as "2026-03-31T17:45:00Z"');
  const [, day, hh, mm, ss = '00', fraction = '', zulu, sign, oh, om] = m;
  try {
    parseIsoDate(day as string);
  } catch {
    throw refuse(`${day} is not a date of the calendar`);
  }
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) throw refuse('not a time of the day');
  if (!zulu && (Number(oh) > 23 || Number(om) > 59)) throw refuse('not an offset');
  if (/[1-9]/.test(fraction.slice(3))) throw refuse('an instant is kept to the millisecond');
  const offsetMs = zulu ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  const local = Date.parse(`${day}T${hh}:${mm}:${ss}.${fraction.slice(0, 3).padEnd(3, '0')}Z`);
  const instant = new Date(local - offsetMs);
  const year = instant.getUTCFullYear();
  if (year < 1900 || year > 9999) throw refuse('outside the years 1900 to 9999');
  return instant;
}

export const DateTimeScalar = new GraphQLScalarType<Date | string, string>({
  name: 'DateTime',
  description:
    'An instant, ISO 8601 / RFC 3339 with its offset (e.g. 2026-03-31T17:45:00Z or 2026-03-31T12:45:00-05:00), to the millisecond, years 1900 to 9999.',
  serialize(value) {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'string') return new Date(value).toISOString();
    throw new Error('DateTime must be serialized from a Date');
  },
  parseValue(value) {
    if (typeof value !== 'string') throw badInput('DateTime must be an ISO 8601 string');
    return parseInstant(value);
  },
  parseLiteral(ast) {
    return literal(ast, () => parseInstant(stringLiteral(ast, 'DateTime')));
  },
});

/** Any JSON value, passed through as is (audit snapshots, settings values). */
export const JSONScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});
