import { isDecimalString, parseIsoDate } from '@cifra/domain';
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode, valueFromASTUntyped } from 'graphql';

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

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
    if (!isDecimalString(value)) throw badInput(`"${value}" is not a decimal amount such as "100.00"`);
    return value;
  },
  parseLiteral(ast) {
    const value = stringLiteral(ast, 'Money');
    if (!isDecimalString(value)) throw badInput(`"${value}" is not a decimal amount such as "100.00"`);
    return value;
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
    if (!isDecimalString(value)) throw badInput(`"${value}" is not a decimal number such as "1.5"`);
    return value;
  },
  parseLiteral(ast) {
    const value = stringLiteral(ast, 'Decimal');
    if (!isDecimalString(value)) throw badInput(`"${value}" is not a decimal number such as "1.5"`);
    return value;
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
    return parseDate(stringLiteral(ast, 'Date'));
  },
});

function parseDate(value: string): string {
  try {
    return parseIsoDate(value);
  } catch {
    throw badInput(`"${value}" is not a date in the form YYYY-MM-DD`);
  }
}

export const DateTimeScalar = new GraphQLScalarType<Date | string, string>({
  name: 'DateTime',
  description: 'An instant, ISO 8601 with offset.',
  serialize(value) {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'string') return new Date(value).toISOString();
    throw new Error('DateTime must be serialized from a Date');
  },
  parseValue(value) {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
      throw badInput('DateTime must be an ISO 8601 string');
    return new Date(value);
  },
  parseLiteral(ast) {
    const value = stringLiteral(ast, 'DateTime');
    if (Number.isNaN(Date.parse(value))) throw badInput('DateTime must be an ISO 8601 string');
    return new Date(value);
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
