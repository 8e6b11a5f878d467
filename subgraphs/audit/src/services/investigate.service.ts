import { randomUUID } from 'node:crypto';
import {
  DEFAULT_INVESTIGATION_LIMITS,
  dbErrorOf,
  InvestigationTimedOut,
  inTransaction,
  investigatorBusy,
  NotAQuery,
  pg,
  type InvestigationResult as Rows,
  recordAuditEvent,
  runInvestigation,
  translateDbError,
} from '@cifra/db';
import { badInput, DomainError } from '@cifra/domain';
import { Permissions as P } from '@cifra/permissions';
import type { Context } from '../context.ts';

export const MAX_INVESTIGATION_ROWS = 1_000;
export const MAX_SQL_LENGTH = 20_000;

/** The API's outcomes, and those of a refusal the trail records (TOO_LARGE, DISK_LIMIT) while the API answers its code. */
export type InvestigationOutcome = 'OK' | 'ERROR' | 'TIMEOUT' | 'TOO_LARGE' | 'DISK_LIMIT';

/**
 * A refusal of ours, or the database's refusal of a bound set for investigations (temp_file_limit)
 * as translateDbError names it: answered with its code rather than as an outcome.
 */
function refusalOf(err: unknown): DomainError | null {
  if (err instanceof DomainError) return err;
  const translated = translateDbError(err);
  return translated?.code === 'QUERY_DISK_LIMIT' ? translated : null;
}

export interface Investigation extends Rows {
  outcome: InvestigationOutcome;
  durationMs: number;
  error: { sqlState: string | null; message: string } | null;
  auditEventId: bigint;
}

/** PostgreSQL's own refusal or failure (it carries a SQLSTATE), as opposed to ours. */
function databaseError(err: unknown): { sqlState: string; message: string; canceled: boolean } | null {
  // Unlike everywhere else, the server's own words are the answer here: the investigator wrote
  // the statement and needs PostgreSQL's message to fix it. The translation only unwraps.
  const db = dbErrorOf(err);
  return db ? { sqlState: db.sqlState, message: db.message, canceled: db.kind === 'QUERY_CANCELED' } : null;
}

/** Investigations under way in this process, per person and per client. */
const running = { byUser: new Map<string, number>() };
export const MAX_INVESTIGATIONS_PER_USER = 2;

function take(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
function release(map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 1) - 1;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}

/**
 * FORBIDDEN for want of Audit.Investigate, the attempt recorded first where the trail takes it: an
 * archived client's read-only books cannot, and the answer is still the refusal for want of
 * permission (TENANT_READ_ONLY would say nothing of whether this person may investigate at all).
 */
async function refuseWithoutPermission(ctx: Context, record: () => Promise<unknown>): Promise<never> {
  await record().catch((err: unknown) => {
    if (translateDbError(err)?.code !== 'TENANT_READ_ONLY') throw err;
    ctx.log.warn(
      { err },
      'an investigation refused for want of permission could not be recorded: the books are read-only',
    );
  });
  throw new DomainError('FORBIDDEN', 'Investigating needs the Audit.Investigate permission', {
    permission: P.Audit.Investigate,
  });
}

/**
 * Run one statement as the client's own investigator login (member of nothing, SELECT on its
 * client's tables only) on a connection of its own, closed afterwards. Every attempt is in the
 * client's audit trail before the statement runs (`investigation.started`: who, what, when,
 * committed first, so a crash cannot hide it) and its outcome after (`investigation.completed`,
 * `investigation.failed`); an attempt refused for want of permission is recorded too
 * (`investigation.refused`). Bounded: two at once per person in this process, the login's own
 * connection limit per client on the server, rows, bytes of the answer, and the time it runs
 * (`runInvestigation` keeps that bound across every read, whatever the statement sets).
 */
export async function investigate(
  ctx: Context,
  args: { sql: string; maxRows?: number | null },
): Promise<Investigation> {
  const statement = args.sql.trim();
  const db = await ctx.tenantDb();
  const record = (action: string, after: Record<string, unknown>) =>
    inTransaction(db, ctx.actor, (tx) =>
      recordAuditEvent(tx, ctx.actor, { action, entityType: 'Investigation', entityId, after }),
    );
  const entityId = randomUUID();
  if (!ctx.auth.permissions.has(P.Audit.Investigate)) {
    await refuseWithoutPermission(ctx, () =>
      record('investigation.refused', { sql: statement.slice(0, MAX_SQL_LENGTH), reason: 'FORBIDDEN' }),
    );
  }
  if (!statement) throw badInput('sql is empty', { field: 'sql' });
  if (statement.length > MAX_SQL_LENGTH) {
    throw badInput(`sql is longer than ${MAX_SQL_LENGTH} characters`, { field: 'sql' });
  }
  const maxRows = args.maxRows ?? 200;
  if (!Number.isInteger(maxRows) || maxRows < 1 || maxRows > MAX_INVESTIGATION_ROWS) {
    throw badInput(`maxRows must be between 1 and ${MAX_INVESTIGATION_ROWS}`, { field: 'maxRows' });
  }
  const userKey = ctx.request.userId;
  if ((running.byUser.get(userKey) ?? 0) >= MAX_INVESTIGATIONS_PER_USER) {
    throw new DomainError(
      'INVESTIGATION_LIMIT',
      `At most ${MAX_INVESTIGATIONS_PER_USER} investigations at once per person`,
      {
        limit: MAX_INVESTIGATIONS_PER_USER,
      },
    );
  }
  const registry = ctx.deps.registry;
  const url = registry.investigatorUrl(await registry.location(ctx.tenantId()));
  const limits = { ...DEFAULT_INVESTIGATION_LIMITS, maxRows };

  take(running.byUser, userKey);
  try {
    await record('investigation.started', { sql: statement, maxRows, timeoutMs: limits.timeoutMs });
    const started = performance.now();
    let rows: Rows = { columns: [], rows: [], rowCount: 0, truncated: false };
    let outcome: InvestigationOutcome = 'OK';
    let error: Investigation['error'] = null;
    let refusal: DomainError | null = null;
    const client = new pg.Client({ connectionString: url, application_name: 'cifra-investigate' });
    client.on('error', () => undefined);
    try {
      await client.connect();
      rows = await runInvestigation(client, statement, limits);
    } catch (err) {
      const dbError = databaseError(err);
      const refused = refusalOf(err);
      if (err instanceof NotAQuery) {
        outcome = 'ERROR';
        error = { sqlState: null, message: err.message };
      } else if (err instanceof InvestigationTimedOut) {
        // Past the time bound, whatever the statement set for itself: canceled, or its connection cut.
        outcome = 'TIMEOUT';
        error = { sqlState: err.code, message: err.message };
      } else if (refused) {
        refusal = refused;
        outcome = refused.code === 'QUERY_DISK_LIMIT' ? 'DISK_LIMIT' : 'TOO_LARGE';
        error = { sqlState: dbError?.sqlState ?? null, message: refused.message };
      } else if (investigatorBusy(err)) {
        refusal = new DomainError(
          'INVESTIGATION_LIMIT',
          'This client has as many investigations running as it may: retry shortly',
          {},
        );
        outcome = 'ERROR';
        error = { sqlState: dbError?.sqlState ?? null, message: refusal.message };
      } else {
        error = dbError
          ? { sqlState: dbError.sqlState, message: dbError.message }
          : { sqlState: null, message: 'The investigation could not run' };
        outcome = dbError?.canceled ? 'TIMEOUT' : 'ERROR';
        if (!dbError) ctx.log.error({ err }, 'investigation failed outside the database');
      }
    } finally {
      await client.end().catch(() => undefined);
    }
    const durationMs = Math.round(performance.now() - started);
    const { id } = await record(outcome === 'OK' ? 'investigation.completed' : 'investigation.failed', {
      sql: statement,
      outcome,
      rowCount: rows.rowCount,
      truncated: rows.truncated,
      durationMs,
      maxRows,
      timeoutMs: limits.timeoutMs,
      error,
    });
    if (refusal) throw refusal;
    return { ...rows, outcome, durationMs, error, auditEventId: id };
  } finally {
    release(running.byUser, userKey);
  }
}
