import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DateTimeScalar } from './scalars.ts';

const parse = (v: string) => DateTimeScalar.parseValue(v) as Date;
const refusal = (v: string) => {
  try {
    parse(v);
  } catch (err) {
    return err instanceof GraphQLError ? err.extensions.code : 'not a GraphQL error';
  }
  return 'accepted';
};

describe('a DateTime argument', () => {
  it('is an ISO 8601 instant with its offset, read to the millisecond', () => {
    expect(parse('2026-03-31T17:45:00Z').toISOString()).toBe('2026-03-31T17:45:00.000Z');
    expect(parse('2026-03-31T12:45:00-05:00').toISOString()).toBe('2026-03-31T17:45:00.000Z');
    expect(parse('2026-03-31T23:30:00.123+05:30').toISOString()).toBe('2026-03-31T18:00:00.123Z');
    expect(parse('2026-03-31T17:45Z').toISOString()).toBe('2026-03-31T17:45:00.000Z');
    expect(parse('2026-03-31t17:45:00.5z').toISOString()).toBe('2026-03-31T17:45:00.500Z');
    expect(parse('2026-03-31T17:45:00.123000Z').toISOString()).toBe('2026-03-31T17:45:00.123Z');
    expect(parse('2024-02-29T00:00:00Z').toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  it('is refused BAD_USER_INPUT when it is not one, never read as something else', () => {
    for (const bad of [
      '2026-02-30T00:00:00Z',
      '2026-11-31T00:00:00Z',
      '2026-02-29T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-11-26T24:00:00Z',
      '2026-11-26T10:60:00Z',
      '2026-11-26T10:00:60Z',
      '2026-11-26T10:00:00+24:00',
      '2026-11-26T10:00:00',
      '2026-11-26 10:00Z',
      '2026-11-26',
      '1',
      '2026',
      'tomorrow 2026',
      'Nov 26 2026',
      '2026/11/26',
      'Thu, 26 Nov 2026 10:00:00 GMT',
      '+002026-11-26T00:00:00Z',
      '2026-11-26T10:00:00.123456Z',
      '1899-12-31T23:59:59Z',
      '9999-12-31T23:00:00-05:00',
      '',
    ]) {
      expect(refusal(bad), bad).toBe('BAD_USER_INPUT');
    }
  });
});
