import type { BossQueueOptions } from './pg-boss-client.js';
import { RUN_QUEUE } from './run-queue-name.js';

export { RUN_QUEUE };

/**
 * How long a worker may hold one job. A worker's run stops itself (after its batch in flight)
 * well before this, and hands the rest of its range back as a new job; only a worker that died
 * holds a job this long, and then pg-boss fails it and it is retried.
 */
export const RUN_JOB_EXPIRE_SECONDS = 15 * 60;
/** A job's run stops itself after this long, leaving a margin before pg-boss expires the job. */
export const RUN_JOB_BUDGET_SECONDS = 12 * 60;

export const RUN_QUEUE_OPTIONS: BossQueueOptions = {
  policy: 'standard',
  // A job whose run failed (database gone, no active rule set) is retried with growing pauses.
  retryLimit: 5,
  retryDelay: 30,
  retryBackoff: true,
  expireInSeconds: RUN_JOB_EXPIRE_SECONDS,
};
