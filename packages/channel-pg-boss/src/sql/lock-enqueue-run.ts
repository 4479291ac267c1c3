/**
 * Serialises enqueue-runs for the rest of the transaction, so that "no job is pending" and the
 * insert of the new jobs are one step for two enqueue-runs started together.
 */
export const LOCK_ENQUEUE_RUN_SQL = 'select pg_advisory_xact_lock(hashtext($1::text))';
export const ENQUEUE_RUN_LOCK_KEY = 'birth-lane.enqueue-run';
