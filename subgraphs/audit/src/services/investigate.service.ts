import { randomUUID } from 'node:crypto';
import {
  DEFAULT_INVESTIGATION_LIMITS,
  dbErrorOf,
  inTransaction,
  pg,
  type InvestigationResult as Rows,
  recordAuditEvent,
  runInvestigation,
} from '@cifra/db';
import { badInput } from '@cifra/domain';
import type { Context } from '../context.ts';

export const MAX_INVESTIGATION_ROWS = 1_000;
export const MAX_SQL_LENGTH = 20_000;

export type InvestigationOutcome = 'OK' | 'ERROR' | 'TIMEOUT';

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

/**
 * Run one statement as `readonly_investigator` on a connection of its own (closed afterwards),
 * then record it — text, user, row count, duration, outcome — in the audit trail in a separate
 * transaction, so a failed or cancelled statement is recorded too. The result is returned only
 * once the event is committed.
 */
export async function investigate(
  ctx: Context,
  args: { sql: string; maxRows?: number | null },
): Promise<Investigation> {
  const statement = args.sql.trim();
  if (!statement) throw badInput('sql is empty', { field: 'sql' });
  if (statement.length > MAX_SQL_LENGTH) {
    throw badInput(`sql is longer than ${MAX_SQL_LENGTH} characters`, { field: 'sql' });
  }
  const maxRows = args.maxRows ?? 200;
  if (!Number.isInteger(maxRows) || maxRows < 1 || maxRows > MAX_INVESTIGATION_ROWS) {
    throw badInput(`maxRows must be between 1 and ${MAX_INVESTIGATION_ROWS}`, { field: 'maxRows' });
  }
  const db = await ctx.tenantDb();
  const registry = ctx.deps.registry;
  const url = registry.appUrl(await registry.location(ctx.tenantId()));
  const limits = { timeoutMs: DEFAULT_INVESTIGATION_LIMITS.timeoutMs, maxRows };

  const started = performance.now();
  let rows: Rows = { columns: [], rows: [], rowCount: 0, truncated: false };
  let outcome: InvestigationOutcome = 'OK';
  let error: Investigation['error'] = null;
  const client = new pg.Client({ connectionString: url, application_name: 'cifra-investigate' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    rows = await runInvestigation(client, statement, limits);
  } catch (err) {
    const dbError = databaseError(err);
    error = dbError
      ? { sqlState: dbError.sqlState, message: dbError.message }
      : { sqlState: null, message: 'The investigation could not run' };
    outcome = dbError?.canceled ? 'TIMEOUT' : 'ERROR';
    if (!dbError) ctx.log.error({ err }, 'investigation failed outside the database');
  } finally {
    await client.end().catch(() => undefined);
  }
  const durationMs = Math.round(performance.now() - started);

  const { id } = await inTransaction(db, ctx.actor, (tx) =>
    recordAuditEvent(tx, ctx.actor, {
      action: outcome === 'OK' ? 'investigation.completed' : 'investigation.failed',
      entityType: 'Investigation',
      entityId: randomUUID(),
      after: {
        sql: statement,
        outcome,
        rowCount: rows.rowCount,
        truncated: rows.truncated,
        durationMs,
        maxRows,
        timeoutMs: limits.timeoutMs,
        error,
      },
    }),
  );
  return { ...rows, outcome, durationMs, error, auditEventId: id };
}
