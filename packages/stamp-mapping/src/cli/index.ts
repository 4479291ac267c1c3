/**
 * `@birth-lane/stamp-mapping/cli`: the stamp mapping's command line for an app that implements the
 * contract's CommandHost: `stamps check` and `stamps materialize`. Importing it loads commander and
 * `@birth-lane/contract/cli` only; the block loads when a command runs.
 */
export { stampsCommand } from './stamps-command.js';
