import Cursor from 'pg-cursor';
import type { pg } from './pg.ts';

/** The PostgreSQL role investigation queries run as: SELECT on business, history and audit tables only. */
export const INVESTIGATOR_ROLE = 'readonly_investigator';

export interface InvestigationLimits {
  /** `statement_timeout` for the query, in milliseconds. */
  timeoutMs: number;
  /** Rows returned at most; the query is not read past this (the cursor is closed). */
  maxRows: number;
}

export const DEFAULT_INVESTIGATION_LIMITS: InvestigationLimits = { timeoutMs: 10_000, maxRows: 1_000 };

export interface InvestigationResult {
  columns: string[];
  /** Each row as an array of JSON-safe values, in column order. */
  rows: unknown[][];
  /** Rows returned (at most `maxRows`). */
  rowCount: number;
  /** True when the query had more rows than `maxRows`. */
  truncated: boolean;
}

/** A database value as JSON: int8 and numeric stay strings (exact), bytea becomes hex, times ISO 8601. */
function jsonSafe(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  return value;
}

/**
 * Run one statement as `readonly_investigator` in a READ ONLY transaction that is always rolled
 * back, with a statement timeout and a row cap. The statement goes through the extended protocol,
 * so it is exactly one statement (`;`-chained commands are refused by the server). Use a dedicated
 * connection and close it afterwards: nothing the statement does to the session (advisory locks,
 * temporary tables, settings) may reach the next user of a pooled connection.
 */
export async function runInvestigation(
  client: pg.Client,
  statement: string,
  limits: InvestigationLimits = DEFAULT_INVESTIGATION_LIMITS,
): Promise<InvestigationResult> {
  const timeoutMs = Math.max(1, Math.floor(limits.timeoutMs));
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    await client.query(`SET LOCAL statement_timeout = ${timeoutMs}`);
    await client.query(`SET LOCAL ROLE ${INVESTIGATOR_ROLE}`);
    // The first query takes the transaction's snapshot; from then on SET TRANSACTION READ WRITE
    // is refused, so the statement cannot make its own transaction writable.
    await client.query('SELECT 1');
    const cursor = client.query(new Cursor(statement, [], { rowMode: 'array' }));
    const { rows, fields } = await new Promise<{ rows: unknown[][]; fields: { name: string }[] }>(
      (resolve, reject) => {
        cursor.read(limits.maxRows + 1, (err, rows, result) =>
          err ? reject(err) : resolve({ rows: rows as unknown[][], fields: result?.fields ?? [] }),
        );
      },
    );
    await cursor.close();
    const kept = rows.slice(0, limits.maxRows);
    return {
      columns: fields.map((f) => f.name),
      rows: kept.map((r) => r.map(jsonSafe)),
      rowCount: kept.length,
      truncated: rows.length > limits.maxRows,
    };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}
