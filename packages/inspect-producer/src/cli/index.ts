/**
 * `@birth-lane/inspect-producer/cli`: the producer's command line, `rules`, for an app that
 * implements the contract's CommandHost. Importing it loads commander and
 * `@birth-lane/contract/cli` only; the rule-set store loads when a subcommand runs.
 */
export { rulesCommand } from './rules-command.js';
