import type { pg } from '@cifra/db';

/**
 * The job queue for metrics: each job name by state — running (locked by a worker), failed (its
 * last run failed and it has not finished since), due (its time has come, waiting for a worker) and
 * scheduled. One grouped query on Agenda's table, at scrape time only.
 */
export async function jobQueueStats(
  pool: pg.Pool,
): Promise<{ name: string; state: string; count: number }[]> {
  const { rows } = await pool.query<{ name: string; state: string; count: number }>(
    `SELECT name,
            CASE WHEN locked_at IS NOT NULL THEN 'running'
                 WHEN failed_at IS NOT NULL AND (last_finished_at IS NULL OR failed_at >= last_finished_at) THEN 'failed'
                 WHEN next_run_at <= now() THEN 'due'
                 ELSE 'scheduled' END AS state,
            count(*)::int AS count
       FROM agenda_jobs
      WHERE NOT coalesce(disabled, false)
      GROUP BY 1, 2`,
  );
  return rows;
}
