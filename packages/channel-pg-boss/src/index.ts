/**
 * `@birth-lane/channel-pg-boss`: the `schedule` and `queue` producer channels on pg-boss 10, and
 * the enqueue side of the queue. The command lines are in `@birth-lane/channel-pg-boss/cli`.
 */
export { cronExpressionIssue, timeZoneIssue } from './cron-expression.js';
export {
  type EnqueuedRun,
  type EnqueueRunDependencies,
  type EnqueueRunSettings,
  enqueueRun,
  enqueueRunSettingsSchema,
  enqueueRunWith,
} from './enqueue-run.js';
export { type IdRange, planIdRanges } from './id-ranges.js';
export {
  type Boss,
  type BossQueueOptions,
  ensureQueue,
  PGBOSS_SCHEMA,
  type PgBossConnection,
  startBoss,
  stopBoss,
} from './pg-boss-client.js';
export { createQueueChannel, QueueChannel, type QueueChannelDependencies } from './queue-channel.js';
export {
  type ParsedQueueChannelSettings,
  type QueueChannelSettings,
  queueChannelSettingsSchema,
} from './queue-settings.js';
export { type RunJob, runJobSchema } from './run-job.js';
export { RUN_JOB_BUDGET_SECONDS, RUN_JOB_EXPIRE_SECONDS, RUN_QUEUE } from './run-queue.js';
export {
  createScheduleChannel,
  SCHEDULE_QUEUE,
  ScheduleChannel,
  type ScheduleChannelDependencies,
} from './schedule-channel.js';
export {
  type ParsedScheduleChannelSettings,
  type ScheduleChannelSettings,
  scheduleChannelSettingsSchema,
} from './schedule-settings.js';
export { type Settlement, settlementFor } from './settlement.js';
