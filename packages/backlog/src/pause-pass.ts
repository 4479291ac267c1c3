import type { Queryable } from '@birth-lane/contract';
import { backlogErrorFrom } from './backlog-error.js';
import { PAUSE_PASS_SQL, RESUME_PASS_SQL } from './sql/pass-queries.js';

/**
 * Pauses a running pass: its workers finish the batch in flight and leave. A paused pass holds no
 * lease, no lock and no open transaction (every batch is its own short transaction).
 */
export async function pausePass(db: Queryable, runId: string): Promise<void> {
  try {
    await db.query(PAUSE_PASS_SQL, [runId]);
  } catch (error) {
    throw backlogErrorFrom(error, `pausing backlog pass ${runId}`);
  }
}

/**
 * Makes a paused pass run again, or hands back the leases of a running pass whose workers died
 * (SIGKILL, a lost host), so new workers continue from the slices' cursors at once. Returns the
 * pass's state; start workers (`runWorker`) after it.
 */
export async function resumePass(db: Queryable, runId: string): Promise<string> {
  try {
    return (await db.query<{ state: string }>(RESUME_PASS_SQL, [runId])).rows[0]!.state;
  } catch (error) {
    throw backlogErrorFrom(error, `resuming backlog pass ${runId}`);
  }
}
