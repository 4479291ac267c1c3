/**
 * `@birth-lane/staging-surface/cli`: the `staging` command group for an app that implements the
 * contract's CommandHost. Importing it loads commander and `@birth-lane/contract/cli` only; the
 * block loads when a command runs.
 */

export { readFixturesFlag, readRuleSetFlag } from './input-flags.js';
export { stagingCommand } from './staging-command.js';
