/**
 * Where the database's time goes over one step of a benchmark, when BENCH_PG_STATEMENTS names a
 * directory (made if missing). The module's server then keeps statement statistics
 * (`pg_stat_statements`, statements inside functions and triggers included) and function statistics
 * (`track_functions`); `withStatements` resets both before the step and writes
 * `<name>.statements.tsv` there after it: each statement's execution and planning time per unit of
 * work (a group of postings, say), its calls and plans (a statement planned at every call has as
 * many plans as calls), then each function's self and total time per unit. Without the
 * variable the step just runs. Statistics cost time of their own: numbers from such a run are for
 * finding where time goes, never for the report's ratios.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { withClient } from '@cifra/db';

const DIR = process.env.BENCH_PG_STATEMENTS;

/** The server settings that keep the statistics, when asked for (harness.ts). */
export const STATEMENT_SETTINGS: Readonly<Record<string, string>> = DIR
  ? {
      shared_preload_libraries: 'pg_stat_statements',
      'pg_stat_statements.track': 'all',
      'pg_stat_statements.track_planning': 'on',
      track_functions: 'all',
    }
  : {};

/**
 * A backend reports its function statistics at the end of a transaction at most once a second, and
 * within 10 s once idle. Before the step, a second (no longer: the pools close idle connections after
 * 10 s, and the step would start on new ones); after it, until every backend has reported. Function
 * times can so count a little of what ran in the second before the step; statements' are exact.
 */
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `step` against the database at `url` (its owner's), its statistics written as `name`. */
export async function withStatements<T>(
  url: string,
  name: string,
  step: () => Promise<T>,
  /** The units of work the step did (its result given), which the times are divided by. */
  units: (result: T) => number,
): Promise<T> {
  if (!DIR) return step();
  await pause(1_100);
  await withClient(url, async (c) => {
    await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await c.query('SELECT pg_stat_statements_reset(), pg_stat_reset()');
  });
  const result = await step();
  const n = Math.max(units(result), 1);
  await pause(11_000);
  const lines = await withClient(url, async (c) => {
    const statements = await c.query(
      `SELECT calls, plans, total_exec_time / $1 AS ms, total_plan_time / $1 AS plan_ms, toplevel,
              left(regexp_replace(query, '\\s+', ' ', 'g'), 200) AS query
         FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY total_exec_time + total_plan_time DESC LIMIT 80`,
      [n],
    );
    const functions = await c.query(
      `SELECT funcname, calls, self_time / $1 AS self_ms, total_time / $1 AS total_ms
         FROM pg_stat_user_functions ORDER BY self_time DESC LIMIT 40`,
      [n],
    );
    return [
      `# ${name}: per unit of ${n}; statements (ms, planning ms, calls, plans, top level, text)`,
      ...statements.rows.map(
        (r) =>
          `${Number(r.ms).toFixed(3)}\t${Number(r.plan_ms).toFixed(3)}\t${r.calls}\t${r.plans}\t${r.toplevel}\t${r.query}`,
      ),
      '# functions (self ms, total ms, calls, name)',
      ...functions.rows.map(
        (r) => `${Number(r.self_ms).toFixed(3)}\t${Number(r.total_ms).toFixed(3)}\t${r.calls}\t${r.funcname}`,
      ),
    ];
  });
  await mkdir(DIR, { recursive: true });
  await writeFile(path.join(DIR, `${name}.statements.tsv`), `${lines.join('\n')}\n`);
  return result;
}
