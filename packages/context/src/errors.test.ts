import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { formatSubgraphError } from './errors.ts';

// What a resolver lets escape from the database reaches the client through the one translation
// (packages/db/src/db-errors.ts): a stable code, no server message, no internals.

const format = formatSubgraphError(pino({ level: 'silent' }));

/** The shape drizzle 0.45 throws: a wrapper whose `.cause` is pg's DatabaseError. */
function drizzleError(code: string, constraint?: string): Error {
  const pgError = Object.assign(new Error('new row violates … (secret value 42)'), { code, constraint });
  return Object.assign(new Error('Failed query: insert into …'), {
    query: 'insert',
    params: [],
    cause: pgError,
  });
}

const throughResolver = (err: Error) => new GraphQLError(err.message, { originalError: err, path: ['x'] });

describe('formatSubgraphError', () => {
  it('answers a check violation no service caught as BAD_USER_INPUT, without the server message', () => {
    const out = format(
      { message: 'x', path: ['x'] },
      throughResolver(drizzleError('23514', 'documents_amounts')),
    );
    expect(out.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      sqlState: '23514',
      constraint: 'documents_amounts',
    });
    expect(out.message).not.toContain('secret');
  });

  it('names a known constraint by its domain meaning', () => {
    const out = format({ message: 'x', path: ['x'] }, throughResolver(drizzleError('23505', 'voids_pkey')));
    expect(out.extensions?.code).toBe('ALREADY_VOIDED');
  });

  it('keeps anything else internal', () => {
    const out = format({ message: 'x', path: ['x'] }, throughResolver(drizzleError('42P01')));
    expect(out.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(out.message).not.toContain('secret');
  });
});
