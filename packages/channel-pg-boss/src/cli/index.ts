/**
 * `@birth-lane/channel-pg-boss/cli`: the command lines of the schedule and queue channels, for an
 * app to add to its program (`program.addCommand(scheduleCommand(host))`). Importing this loads
 * only commander and `@birth-lane/contract/cli`; each command loads the channel library, pg-boss
 * and cron-parser when it runs.
 */
export { enqueueRunCommand } from './enqueue-run-command.js';
export { scheduleCommand } from './schedule-command.js';
export { workerCommand } from './worker-command.js';
