/**
 * `@birth-lane/contract/cli`: what every package's commands share (the error a person reads, the
 * flag parsers, the host port the app implements), and the contract's own command groups
 * (`approvals`, `approvers`). Its own entry so that library users who never build a command line
 * do not load commander; importing it loads commander and no command's work (each action imports
 * its modules when it runs).
 */

// The exit codes a command line answers with (also on the main entry), for commands that load only this one.
export { EXIT_CODES } from '../exit-codes.js';
export type { ActiveRuleSetSource } from './active-rule-set-source.js';
export { type ApprovalsCommandOptions, approvalsCommand } from './approvals-command.js';
export { approversCommand } from './approvers-command.js';
export { CliError, type CliErrorKind, quoteRole } from './cli-error.js';
export type {
  CommandHost,
  HostDatabase,
  HostSettings,
  LaneRoleNeed,
  StandingOutput,
} from './command-host.js';
export { describeServer, hidePassword } from './connection-string.js';
export {
  type ErrorContext,
  type ExplainedError,
  explainError,
  sqlStateIn,
  stackOf,
  systemErrorCodeIn,
} from './error-boundary.js';
export { explainCommand } from './explain-command.js';
export { failuresCommand } from './failures-command.js';
export { registryIdFlag, secondsFlag, wholeNumberFlag } from './flags.js';
export { failuresCsv, formatFailures } from './format-failures.js';
export { formatRuns } from './format-runs.js';
export { formatStory } from './format-story.js';
export { groupDigits } from './group-digits.js';
export { progressBar } from './progress-bar.js';
export { requireLaneReadable } from './require-lane-readable.js';
export { runsCommand } from './runs-command.js';
export { withDatabase } from './with-database.js';
export { withLaneReader } from './with-lane-reader.js';
