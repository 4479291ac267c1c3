/**
 * `@birth-lane/backlog/cli`: the backlog pass's command line for an app that implements the
 * contract's CommandHost. Importing it loads commander and `@birth-lane/contract/cli` only; the
 * block loads when a command runs.
 */
export { type BacklogCommandOptions, backlogCommand } from './backlog-command.js';
