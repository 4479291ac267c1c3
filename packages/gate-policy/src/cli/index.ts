/**
 * `@birth-lane/gate-policy/cli`: the gate policy's command line for an app that implements the
 * contract's CommandHost: `gate status` and `gate flip`. Importing it loads commander and
 * `@birth-lane/contract/cli` only; the block loads when a command runs.
 */
export { gateCommand } from './gate-command.js';
