import type { Queryable } from '@birth-lane/contract';
import { MEASURED_THROUGHPUT_SQL } from './sql/scope-queries.js';

export interface MeasuredThroughput {
  readonly rowsPerSecond: number;
  /** How many finished runs the figure comes from. */
  readonly runs: number;
}

/** Rows per second of recent finished runs, or null when no run has been measured yet. */
export async function measuredThroughput(db: Queryable): Promise<MeasuredThroughput | null> {
  const { rows } = await db.query<{ rows: number | null; seconds: number | null; runs: number }>(
    MEASURED_THROUGHPUT_SQL,
  );
  const row = rows[0];
  if (!row || row.runs === 0 || !row.rows || !row.seconds || row.seconds <= 0) return null;
  return { rowsPerSecond: row.rows / row.seconds, runs: row.runs };
}
