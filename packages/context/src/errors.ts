import { randomUUID } from 'node:crypto';
import { unwrapResolverError } from '@apollo/server/errors';
import { isConnectionFailure, isControlPlaneFailure, translateDbError } from '@cifra/db';
import { badInput, DomainError, fieldPath } from '@cifra/domain';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';

/**
 * The one place a subgraph turns what went wrong into what the client sees. Domain refusals keep
 * their stable code and details; a bad scalar inside a query literal is BAD_USER_INPUT like the
 * same value sent as a variable; errors that already carry a code (FORBIDDEN from the shield,
 * BAD_USER_INPUT from a scalar) pass through; anything else is logged with a correlation id and
 * reaches the client as INTERNAL_SERVER_ERROR without internals.
 */
/**
 * A lost connection is a database being unavailable for a moment: the client's (TENANT_UNAVAILABLE)
 * or the control plane's, where the firm's people, clients and settings live (SERVICE_UNAVAILABLE).
 * A stable code, and nothing of the statement, the address or the caller in the message.
 */
function unavailable(err: unknown): DomainError | null {
  if (!isConnectionFailure(err)) return null;
  return isControlPlaneFailure(err)
    ? new DomainError(
        'SERVICE_UNAVAILABLE',
        "The firm's records cannot be reached right now; try again shortly",
      )
    : new DomainError(
        'TENANT_UNAVAILABLE',
        "This client's books cannot be reached right now; try again shortly",
      );
}

/**
 * Input a service parsed with zod directly (instead of parseInput) is still bad input, not a bug:
 * BAD_USER_INPUT naming the field the first issue points at.
 */
function zodRefusal(err: unknown): DomainError | null {
  const issues = (err as { name?: string; issues?: { path: PropertyKey[]; message: string }[] } | null)
    ?.issues;
  if ((err as { name?: string } | null)?.name !== 'ZodError' || !issues?.[0]) return null;
  const field = fieldPath('', issues[0].path) || 'input';
  return badInput(`${field}: ${issues[0].message}`, { field });
}

export function formatSubgraphError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const raw = unwrapResolverError(error);
    // A database refusal no service caught (a check constraint, a value out of range, a lost
    // race) gets its domain meaning from the one translation in packages/db.
    const original = unavailable(raw) ?? translateDbError(raw) ?? zodRefusal(raw) ?? raw;
    if (original !== raw) log.warn({ err: raw, path: formatted.path }, 'database refusal translated');
    if (original instanceof DomainError) {
      return {
        message: original.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { ...original.details, code: original.code },
      };
    }
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    const inner = error instanceof GraphQLError ? error.originalError : undefined;
    if (
      extensions.code === 'GRAPHQL_VALIDATION_FAILED' &&
      inner instanceof GraphQLError &&
      inner.extensions.code === 'BAD_USER_INPUT'
    ) {
      const { field, index } = extensions;
      return {
        ...formatted,
        extensions: { code: 'BAD_USER_INPUT', ...(field === undefined ? {} : { field, index }) },
      };
    }
    if (typeof extensions.code === 'string' && extensions.code !== 'INTERNAL_SERVER_ERROR') {
      return { ...formatted, extensions };
    }
    const correlationId = randomUUID();
    log.error({ err: original, correlationId, path: formatted.path }, 'unexpected error');
    return {
      message: `Internal error (reference ${correlationId})`,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId },
    };
  };
}
